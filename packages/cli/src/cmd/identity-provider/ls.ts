// qlik identity-provider ls: GET /api/v1/identity-providers with cursor paging through links.next. Help texts from
// Qlik's page (qlik.dev identity-provider-ls.md, generation G2, the newest found). Secrets in the IdPs' options are
// masked in the default output; --json and --raw print what the server sent.
import { CURSOR_QUERY } from '../../api/list-query.js';
import { defineOperation } from '../../api/operation.js';

export const idpLsOperation = defineOperation({
  use: 'ls',
  short: 'List IdPs',
  long: 'This endpoint retrieves any IdPs registered on the tenant.',
  method: 'GET',
  path: '/api/v1/identity-providers',
  output: 'list',
  paging: { pageMax: 100 },
  maskSecrets: true,
  query: [
    { flag: { name: 'active', type: 'bool', usage: 'If provided, filters the results by the active field.' } },
    ...CURSOR_QUERY,
  ],
});
