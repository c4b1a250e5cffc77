import { currentTenantId } from '../../../api/current-tenant.js';
import type { EditOperation } from '../../../api/edit.js';
import { CliError } from '../../../errors/errors.js';
import { checkDuration } from '../shared/input.js';

export const configEditOperation: EditOperation = {
  use: 'edit <configId>',
  short: 'Modify a api-key config interactively in a text-editor',
  long:
    'Modify a api-key config interactively in a text-editor\n\n' +
    "This command will fetch a api-key config and open it in the editor 'vi'.\n" +
    "You can change the default editor by setting the 'EDITOR' environment variable.\n" +
    "Default editors are 'vi' for Linux/Darwin and 'notepad' for Windows.\n" +
    'The resource will be updated according to the changes made in the editor upon save.\n\n' +
    // Added by this CLI, after Qlik's text:
    'When <configId> (the tenant ID) is omitted, the current tenant is used.',
  path: '/api/v1/api-keys/configs/{configId}',
  fields: ['max_api_key_expiry', 'max_keys_per_user', 'scim_externalClient_expiry'],
  argDefaults: { configId: currentTenantId },
  async check(field, value) {
    if (field === 'max_keys_per_user') {
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new CliError('max_keys_per_user must be a whole number; nothing was changed');
    } else {
      await checkDuration(value, `edited ${field}`);
    }
  },
};
