// qlik group rm: DELETE /api/v1/groups/{groupId}. Help texts from Qlik's page (qlik.dev group-rm, generation G2/G3).
import { defineOperation } from '../../api/operation.js';

export const groupRmOperation = defineOperation({
  use: 'rm <groupId>',
  short: 'Delete group by ID',
  long: 'Deletes the requested group.',
  method: 'DELETE',
  path: '/api/v1/groups/{groupId}',
  output: 'none',
});
