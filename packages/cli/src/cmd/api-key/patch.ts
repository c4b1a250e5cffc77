import { apiKeyIds } from '../../api/candidates.js';
import { argCompletion, defineOperation } from '../../api/operation.js';

export const patchOperation = defineOperation({
  use: 'patch <api-keyId>',
  short: 'Update API key description',
  long: 'Updates an API key description for a given API key ID.',
  method: 'PATCH',
  path: '/api/v1/api-keys/{api-keyId}',
  completeArgs: argCompletion(apiKeyIds),
  output: 'none',
  body: { kind: 'patch', ops: ['replace'], paths: ['/description'], value: 'string' },
});
