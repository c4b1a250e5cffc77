import { defineOperation } from '../../api/operation.js';

export const tenantMeOperation = defineOperation({
  use: 'me',
  short: 'Redirect to current tenant',
  long: 'Returns the tenant the credentials belong to (GET /api/v1/tenants/me, following its redirect). Use -q for just the id.',
  method: 'GET',
  path: '/api/v1/tenants/me',
  output: 'object',
});
