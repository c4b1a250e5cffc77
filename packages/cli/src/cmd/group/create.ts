// qlik group create: POST /api/v1/groups. Help texts from Qlik's page (qlik.dev group-create.md, generation G3,
// last_updated 2026-06-03).
import { bodyFlag, defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

export const groupCreateOperation = defineOperation({
  use: 'create',
  short: 'Create group',
  long: 'Creates a new group. The maximum number of groups a tenant can have is 10,000. Group names are case-sensitive, and must be unique.',
  page: 'G3',
  method: 'POST',
  path: '/api/v1/groups',
  output: 'object',
  body: {
    kind: 'object',
    required: ['name'],
    fields: [
      {
        flag: {
          name: 'assignedRoles',
          type: 'unknowns',
          usage: '(Deprecated) Array of JSON-objects to send as the property assignedRoles.',
        },
      },
      bodyFlag('assignedRoles-id', 'string', 'The unique role identitier', 'assignedRoles[].id'),
      bodyFlag('assignedRoles-name', 'string', 'The name of the role', 'assignedRoles[].name'),
      { flag: { name: 'description', type: 'string', usage: 'The description of the group.' } },
      {
        flag: {
          name: 'name',
          type: 'string',
          usage: '(Required) The name of the group (maximum length of 256 characters).',
        },
      },
      {
        flag: {
          name: 'providerType',
          type: 'string',
          choices: ['idp', 'custom'],
          usage: `The type of group provider. Must be "idp" or "custom". Defaults to "idp" if not provided.${allowedValues(['idp', 'custom'])}`,
        },
      },
      {
        flag: {
          name: 'status',
          type: 'string',
          choices: ['active'],
          usage: `The status of the created group within the tenant. Defaults to active if empty.${allowedValues(['active'])}`,
        },
      },
    ],
  },
});
