// qlik group filter: POST /api/v1/groups/actions/filter, a read (retried like one) paged like `user filter`. Help texts
// from Qlik's page (qlik.dev group-filter.md, generation G2, the newest found; its --next/--prev/--limit texts speak of
// users, as Qlik's do).
import { FILTER_VERB_BODY, FILTER_VERB_QUERY } from '../../api/list-query.js';
import { defineOperation } from '../../api/operation.js';

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
  query: FILTER_VERB_QUERY,
  body: FILTER_VERB_BODY,
});
