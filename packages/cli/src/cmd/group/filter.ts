// qlik group filter: POST /api/v1/groups/actions/filter, a read (retried like one) paged like `user filter`. Help texts
// from Qlik's page (qlik.dev group-filter.md, generation G2, the newest found; its --next/--prev/--limit texts speak of
// users, as Qlik's do).
import { defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

const NAME_SORTS = ['name', '+name', '-name'];

export const groupFilterOperation = defineOperation({
  use: 'filter',
  short: 'Filter groups',
  long: 'Retrieves a list of groups matching the filter using advanced query string.',
  page: 'G2',
  method: 'POST',
  path: '/api/v1/groups/actions/filter',
  output: 'list',
  paging: { pageMax: 100, limitUsage: 'The number of user entries to retrieve.' },
  idempotent: true,
  query: [
    {
      flag: {
        name: 'next',
        type: 'string',
        usage: 'Get users with IDs that are higher than the target user ID. Cannot be used in conjunction with prev.',
      },
    },
    {
      flag: {
        name: 'prev',
        type: 'string',
        usage: 'Get users with IDs that are lower than the target user ID. Cannot be used in conjunction with next.',
      },
    },
    {
      flag: {
        name: 'sort',
        type: 'string',
        choices: NAME_SORTS,
        usage: `The field to sort by, with +/- prefix indicating sort order${allowedValues(NAME_SORTS)}`,
      },
    },
  ],
  body: {
    kind: 'object',
    fields: [
      {
        flag: {
          name: 'filter',
          type: 'string',
          usage:
            'The advanced filtering to be applied the query. All conditional statements within this query parameter are case insensitive.',
        },
      },
    ],
  },
});
