// qlik role create: POST /api/v1/roles. Help texts from Qlik's page (qlik.dev role-create.md, generation G2, the
// newest found).
import { defineOperation } from '../../api/operation.js';

export const roleCreateOperation = defineOperation({
  use: 'create',
  short: 'Create role',
  long: 'Creates a custom role. Role names must be unique, and there is a maximum of 500 custom roles per tenant. Requestor must be assigned the `TenantAdmin` role.',
  page: 'G2',
  method: 'POST',
  path: '/api/v1/roles',
  output: 'object',
  body: {
    kind: 'object',
    required: ['name'],
    fields: [
      { flag: { name: 'assignedScopes', type: 'strings', usage: 'Selection of scopes to assign to role' } },
      { flag: { name: 'description', type: 'string', usage: 'Role description' } },
      { flag: { name: 'name', type: 'string', usage: '(Required) Role name, needs to be unique' } },
    ],
  },
});
