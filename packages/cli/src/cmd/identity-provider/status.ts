// qlik identity-provider status: GET /api/v1/identity-providers/status. Help texts from Qlik's page (qlik.dev
// identity-provider-status.md, generation G2, the newest found).
import { defineOperation } from '../../api/operation.js';

export const idpStatusOperation = defineOperation({
  use: 'status',
  short: 'List IdP statuses',
  long: 'Retrieves the status of all IdP configurations. Requires `TenantAdmin` role.',
  method: 'GET',
  path: '/api/v1/identity-providers/status',
  output: 'object',
});
