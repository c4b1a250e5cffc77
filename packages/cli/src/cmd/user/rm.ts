// qlik user rm: DELETE /api/v1/users/{userId}. Qlik's page exists only in its oldest generation (G1, qlik.dev
// user/user-rm); its texts and flags are those of every later generation's rm pages.
import { defineOperation } from '../../api/operation.js';

export const userRmOperation = defineOperation({
  use: 'rm <userId>',
  short: 'Delete user by ID',
  long: 'Deletes the requested user.',
  method: 'DELETE',
  path: '/api/v1/users/{userId}',
  output: 'none',
});
