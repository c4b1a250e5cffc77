// qlik user filter: POST /api/v1/users/actions/filter — a read, so it is retried like one. A list like `user ls`:
// --limit is the total to retrieve (Qlik's generated list commands say so), in pages of at most 100, each next page
// POSTed with the same filter body.
import { FILTER_VERB_BODY, FILTER_VERB_QUERY } from '../../api/list-query.js';
import { defineOperation } from '../../api/operation.js';
import { fieldsFlag } from './shared.js';

export const userFilterOperation = defineOperation({
  use: 'filter',
  short: 'Filter users',
  long: 'Retrieves a list of users matching the filter using an advanced query string.',
  method: 'POST',
  path: '/api/v1/users/actions/filter',
  output: 'list',
  paging: { pageMax: 100 },
  idempotent: true,
  query: [{ flag: fieldsFlag }, ...FILTER_VERB_QUERY],
  body: FILTER_VERB_BODY,
});
