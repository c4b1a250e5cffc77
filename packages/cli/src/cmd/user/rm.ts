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
  // A retry after a lost answer that finds the user gone (404) is the delete having happened: said on stderr, as
  // api-key rm says it, so that the 404 printed as the status is not read as a failure. Otherwise Qlik's output only.
  describeResult: ({ args, goneAfterRetry }) =>
    Promise.resolve(
      goneAfterRetry
        ? `User ${args.userId ?? ''} is gone: an earlier attempt whose answer was lost removed it, or it never existed`
        : undefined,
    ),
});
