import { defineOperation } from '../../api/operation.js';
import { fieldsFlag } from './shared.js';

export const userGetOperation = defineOperation({
  use: 'get <userId>',
  short: 'Get user by ID',
  long: 'Returns the requested user.',
  method: 'GET',
  path: '/api/v1/users/{userId}',
  output: 'object',
  query: [{ flag: fieldsFlag }],
});
