// qlik group get: GET /api/v1/groups/{groupId}. Qlik's qlik-cli reference lists its page, which was not among the
// stored copies: Short and Long are the groups spec's summary and description, as Qlik's generator takes them; the
// flags those of its other get pages (G2).
import { defineOperation } from '../../api/operation.js';

export const groupGetOperation = defineOperation({
  use: 'get <groupId>',
  short: 'Get group by ID',
  long: 'Returns the requested group.',
  method: 'GET',
  path: '/api/v1/groups/{groupId}',
  output: 'object',
});
