// qlik role rm: DELETE /api/v1/roles/{roleId}. Help texts from Qlik's page (qlik.dev role-rm.md, generation G2, the
// newest found).
import { defineOperation } from '../../api/operation.js';

export const roleRmOperation = defineOperation({
  use: 'rm <roleId>',
  short: 'Delete role by ID',
  long: 'Deletes the requested role. Role can only be deleted if it has been unassigned from all users and groups. Only applicable to roles of type `custom`. Requestor must be assigned the `TenantAdmin` role.',
  method: 'DELETE',
  path: '/api/v1/roles/{roleId}',
  output: 'none',
});
