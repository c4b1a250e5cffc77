// qlik identity-provider .well-known metadata.json: GET /api/v1/identity-providers/.well-known/metadata.json. Help
// texts from Qlik's pages (qlik.dev identity-provider--well-known.md and …-metadata-json.md, generation G2, the
// newest).
import { defineOperation } from '../../api/operation.js';

export const idpWellKnownOperation = defineOperation({
  use: 'metadata.json',
  short: 'Return IdP configuration metadata',
  long: 'Returns IdP configuration metadata supported on the tenant. Clients can use this information to programmatically configure their interactions with Qlik Cloud.',
  method: 'GET',
  path: '/api/v1/identity-providers/.well-known/metadata.json',
  output: 'object',
});
