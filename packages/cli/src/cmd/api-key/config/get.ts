import { currentTenantId } from '../../../api/current-tenant.js';
import { defineOperation } from '../../../api/operation.js';

export const configGetOperation = defineOperation({
  use: 'get <configId>',
  short: 'Get API key configuration',
  long:
    'Retrieves the API key configuration for a tenant.\n\n' +
    // Added by this CLI, after Qlik's text:
    'When <configId> (the tenant ID) is omitted, the current tenant is used.',
  method: 'GET',
  path: '/api/v1/api-keys/configs/{configId}',
  output: 'object',
  argDefaults: { configId: currentTenantId },
});
