// qlik identity-provider get: GET /api/v1/identity-providers/{id}. Help texts from Qlik's page (qlik.dev
// identity-provider-get.md, generation G2, the newest found). Secrets masked as in `ls`.
import { defineOperation } from '../../api/operation.js';
import { idpArgCompletion } from './shared.js';

export const idpGetOperation = defineOperation({
  use: 'get <identity-providerId>',
  short: 'Get an IdP',
  long: 'Retrieves a specific IdP. Requesting user must be assigned the `TenantAdmin` role.',
  method: 'GET',
  path: '/api/v1/identity-providers/{identity-providerId}',
  completeArgs: idpArgCompletion,
  output: 'object',
  maskSecrets: true,
});
