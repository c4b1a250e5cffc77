import { apiKeyIds } from '../../api/candidates.js';
import { argCompletion, defineOperation } from '../../api/operation.js';

export const getOperation = defineOperation({
  use: 'get <api-keyId>',
  short: 'Get API key for a given ID',
  long: 'Returns the API key for a given API key ID.',
  method: 'GET',
  path: '/api/v1/api-keys/{api-keyId}',
  completeArgs: argCompletion(apiKeyIds),
  output: 'object',
});
