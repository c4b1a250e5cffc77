// qlik user create: POST /api/v1/users. Help texts from Qlik's page (qlik.dev user-create.md, generation G3,
// last_updated 2026-06-03; G2 differs only in "(Required)" prefixes and the deprecated --roles).
import { bodyFlag, defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

export const userCreateOperation = defineOperation({
  use: 'create',
  short: 'Create user',
  long: 'Creates an invited user.',
  page: 'G3',
  method: 'POST',
  path: '/api/v1/users',
  output: 'object',
  body: {
    kind: 'object',
    required: ['subject'],
    fields: [
      {
        flag: {
          name: 'assignedRoles',
          type: 'unknowns',
          usage: '(Deprecated) Array of JSON-objects to send as the property assignedRoles.',
        },
      },
      bodyFlag('assignedRoles-id', 'string', 'The unique identitier', 'assignedRoles[].id'),
      bodyFlag('assignedRoles-name', 'string', 'The name of the entity', 'assignedRoles[].name'),
      {
        flag: {
          name: 'email',
          type: 'string',
          usage: 'The email address for the user. This is a required field when inviting a user.',
        },
      },
      { flag: { name: 'name', type: 'string', usage: 'The name of the user.' } },
      { flag: { name: 'picture', type: 'string', usage: 'A static url linking to the avatar of the user.' } },
      {
        flag: {
          name: 'status',
          type: 'string',
          choices: ['invited'],
          usage: `The status of the created user within the tenant.${allowedValues(['invited'])}`,
        },
      },
      {
        flag: {
          name: 'subject',
          type: 'string',
          usage: '(Required) The unique user identitier from an identity provider.',
        },
      },
      { flag: { name: 'tenantId', type: 'string', usage: 'The tenant that the user will belong too.' } },
    ],
  },
});
