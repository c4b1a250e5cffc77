import { currentTenantId } from '../../../api/current-tenant.js';
import type { EditOperation } from '../../../api/edit.js';
import { CliError } from '../../../errors/errors.js';
import { checkDuration } from '../shared.js';

export const configEditOperation: EditOperation = {
  use: 'edit <configId>',
  short: 'Edit the API keys configuration in a text editor',
  long: "Modify a api-keys configuration interactively in a text-editor.\nThis command will fetch the configuration and open it in the editor 'vi'. You can change the default editor by setting the 'EDITOR' environment variable. Default editors are 'vi' for Linux/Darwin and 'notepad' for Windows. The resource will be updated according to the changes made in the editor upon save. When <configId> (the tenant ID) is omitted, the current tenant is used.",
  path: '/api/v1/api-keys/configs/{configId}',
  fields: ['max_api_key_expiry', 'max_keys_per_user', 'scim_externalClient_expiry'],
  argDefaults: { configId: currentTenantId },
  async check(field, value) {
    if (field === 'max_keys_per_user') {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new CliError('max_keys_per_user must be a whole number; nothing was changed');
    } else {
      await checkDuration(value, `edited ${field}`);
    }
  },
};
