import { defineOperation } from '../../api/operation.js';

export const userMeOperation = defineOperation({
  use: 'me',
  short: 'Get the requesting user',
  long: 'Returns the user the credentials belong to (GET /api/v1/users/me, following its redirect). Use -q for just the id.',
  method: 'GET',
  path: '/api/v1/users/me',
  output: 'object',
});
