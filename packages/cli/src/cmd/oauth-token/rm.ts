import { defineOperation } from '../../api/operation.js';

export const oauthTokenRmOperation = defineOperation({
  use: 'rm <oauth-tokenId>',
  short: 'Revoke an OAuth token by ID',
  long: 'Revokes a specific OAuth token by ID. Requesting user must have `TenantAdmin` role assigned to delete tokens owned by other users.',
  method: 'DELETE',
  path: '/api/v1/oauth-tokens/{oauth-tokenId}',
  output: 'none',
});
