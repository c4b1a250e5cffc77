import { currentTenantId } from '../../../api/current-tenant.js';
import { defineOperation } from '../../../api/operation.js';

const CONFIG_PATHS = ['/max_api_key_expiry', '/max_keys_per_user', '/scim_externalClient_expiry'] as const;

export const configPatchOperation = defineOperation({
  use: 'patch <configId>',
  short: 'Update API keys configuration',
  long:
    'Updates the API keys configuration for a given tenant ID.\n\n' +
    // Added by this CLI, after Qlik's text:
    'When <configId> (the tenant ID) is omitted, the current tenant is used.',
  method: 'PATCH',
  path: '/api/v1/api-keys/configs/{configId}',
  output: 'none',
  body: { kind: 'patch', ops: ['replace'], paths: CONFIG_PATHS, value: 'json' },
  argDefaults: { configId: currentTenantId },
});
