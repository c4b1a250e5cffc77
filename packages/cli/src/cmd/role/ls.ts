// qlik role ls: GET /api/v1/roles with cursor paging through links.next. Help texts from Qlik's page (qlik.dev
// role-ls.md, generation G2, the newest found).
import { CURSOR_QUERY, FIELD_SORT_QUERY, scimFilterQuery } from '../../api/list-query.js';
import { defineOperation } from '../../api/operation.js';

export const roleLsOperation = defineOperation({
  use: 'ls',
  short: 'List roles',
  long: 'Returns a list of roles using cursor-based pagination.',
  method: 'GET',
  path: '/api/v1/roles',
  output: 'list',
  paging: { pageMax: 100 },
  query: [
    scimFilterQuery(false),
    ...CURSOR_QUERY,
    FIELD_SORT_QUERY,
    {
      flag: {
        name: 'totalResults',
        type: 'bool',
        usage: 'Determines wether to return a count of the total records matched in the query. Defaults to false.',
      },
    },
  ],
});
