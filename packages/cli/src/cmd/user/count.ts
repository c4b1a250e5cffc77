// qlik user count: GET /api/v1/users/actions/count. Qlik's page, generation G3 (last_updated 2026-06-03): no flags of
// its own (G2 had a deprecated --tenantId).
import { defineOperation } from '../../api/operation.js';

export const userCountOperation = defineOperation({
  use: 'count',
  short: 'Count users',
  long: 'Returns the number of users in a given tenant',
  method: 'GET',
  path: '/api/v1/users/actions/count',
  output: 'object',
});
