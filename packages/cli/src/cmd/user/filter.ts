// qlik user filter: POST /api/v1/users/actions/filter — a read, so it is retried like one. A list like `user ls`:
// --limit is the total to retrieve (Qlik's generated list commands say so), in pages of at most 100, each next page
// POSTed with the same filter body.
import { defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';
import { fieldsFlag } from './shared.js';

const NAME_SORTS = ['name', '+name', '-name'];

export const userFilterOperation = defineOperation({
  use: 'filter',
  short: 'Filter users',
  long: 'Retrieves a list of users matching the filter using an advanced query string.',
  method: 'POST',
  path: '/api/v1/users/actions/filter',
  output: 'list',
  paging: { pageMax: 100 },
  idempotent: true,
  query: [
    { flag: fieldsFlag },
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
