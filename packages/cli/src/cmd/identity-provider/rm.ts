// qlik identity-provider rm: DELETE /api/v1/identity-providers/{id}. Qlik's qlik-cli reference lists its page, which
// was not among the stored copies: Short and Long are the spec's summary and description, as Qlik's generator takes
// them; the flags those of its other rm pages (G2).
import { defineOperation } from '../../api/operation.js';
import { idpArgCompletion } from './shared.js';

export const idpRmOperation = defineOperation({
  use: 'rm <identity-providerId>',
  short: 'Delete an IdP',
  long: 'Deletes an identity provider. Requesting user must be assigned the `TenantAdmin` role.',
  method: 'DELETE',
  path: '/api/v1/identity-providers/{identity-providerId}',
  completeArgs: idpArgCompletion,
  output: 'none',
});
