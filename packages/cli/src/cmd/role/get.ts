// qlik role get: GET /api/v1/roles/{roleId}. Qlik's qlik-cli reference lists its page, which was not among the stored
// copies: Short and Long are the roles spec's summary and description, as Qlik's generator takes them, and the flags
// those of its other get pages (G2).
import { defineOperation } from '../../api/operation.js';

export const roleGetOperation = defineOperation({
  use: 'get <roleId>',
  short: 'Get role by ID',
  long: 'Returns the requested role.',
  method: 'GET',
  path: '/api/v1/roles/{roleId}',
  output: 'object',
});
