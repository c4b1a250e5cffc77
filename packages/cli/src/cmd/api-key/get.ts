import { defineOperation } from '../../api/operation.js';

export const getOperation = defineOperation({
  use: 'get <api-keyId>',
  short: 'Get API key',
  long: 'Returns the API key for a given API key ID. The token is never returned: it is shown only when the key is created.',
  method: 'GET',
  path: '/api/v1/api-keys/{api-keyId}',
  output: 'object',
});
