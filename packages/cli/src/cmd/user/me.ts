import { defineOperation } from '../../api/operation.js';

export const userMeOperation = defineOperation({
  use: 'me',
  short: 'Get my user',
  long: 'Redirects to retrieve the user resource associated with the JWT claims.',
  method: 'GET',
  path: '/api/v1/users/me',
  output: 'object',
});
