// qlik identity-provider me meta: GET /api/v1/identity-providers/me/meta. Help texts from Qlik's pages (qlik.dev
// identity-provider-me.md and identity-provider-me-meta.md, generation G2, the newest found).
import { defineOperation } from '../../api/operation.js';

export const idpMeMetaOperation = defineOperation({
  use: 'meta',
  short: 'Return active interactive IdP metadata',
  long: 'Retrieves default IdP metadata when no interactive IdP is enabled.',
  method: 'GET',
  path: '/api/v1/identity-providers/me/meta',
  output: 'object',
  maskSecrets: true,
});
