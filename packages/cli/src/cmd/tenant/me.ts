import { defineOperation } from '../../api/operation.js';

export const tenantMeOperation = defineOperation({
  use: 'me',
  short: 'Redirect to current tenant',
  long: 'Redirects to current tenant.',
  method: 'GET',
  path: '/api/v1/tenants/me',
  output: 'object',
});
