// qlik role ls: GET /api/v1/roles with cursor paging through links.next. Help texts from Qlik's page (qlik.dev
// role-ls.md, generation G2, the newest found).
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
    {
      flag: {
        name: 'filter',
        type: 'string',
        usage:
          'The advanced filtering to use for the query. Refer to [RFC 7644](https://datatracker.ietf.org/doc/rfc7644/) for the syntax. All conditional statements within this query parameter are case insensitive.',
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
        name: 'totalResults',
        type: 'bool',
        usage: 'Determines wether to return a count of the total records matched in the query. Defaults to false.',
      },
    },
  ],
});
