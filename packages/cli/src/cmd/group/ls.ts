// qlik group ls: GET /api/v1/groups with cursor paging through links.next. Help texts from Qlik's page (qlik.dev
// group-ls.md, generation G2, the newest found).
import { CURSOR_QUERY, FIELD_SORT_QUERY, scimFilterQuery } from '../../api/list-query.js';
import { defineOperation } from '../../api/operation.js';

export const groupLsOperation = defineOperation({
  use: 'ls',
  short: 'List groups',
  long: 'Returns a list of groups with cursor-based pagination.',
  method: 'GET',
  path: '/api/v1/groups',
  output: 'list',
  paging: { pageMax: 100 },
  query: [
    scimFilterQuery(true),
    ...CURSOR_QUERY,
    FIELD_SORT_QUERY,
    {
      flag: {
        name: 'systemGroups',
        type: 'bool',
        usage:
          'Return system groups (e.g. Everyone) instead of regular groups. Cannot be combined with any other query parameters.',
      },
    },
    {
      flag: {
        name: 'totalResults',
        type: 'bool',
        usage: 'Whether to return a total match count in the result. Defaults to false.',
      },
    },
  ],
});
