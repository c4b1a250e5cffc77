// qlik group ls: GET /api/v1/groups with cursor paging through links.next. Help texts from Qlik's page (qlik.dev
// group-ls.md, generation G2, the newest found).
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
    {
      flag: {
        name: 'filter',
        type: 'string',
        usage:
          'The advanced filtering to use for the query. Refer to [RFC 7644](https://datatracker.ietf.org/doc/rfc7644/) for the syntax. Cannot be combined with any of the fields marked as deprecated. All conditional statements within this query parameter are case insensitive.',
      },
    },
    { flag: { name: 'next', type: 'string', usage: 'The next page cursor.' } },
    { flag: { name: 'prev', type: 'string', usage: 'The previous page cursor.' } },
    {
      flag: {
        name: 'sort',
        type: 'string',
        usage:
          'Optional resource field name to sort on, eg. name. Can be prefixed with +/- to determine order, defaults to (+) ascending.',
      },
    },
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
