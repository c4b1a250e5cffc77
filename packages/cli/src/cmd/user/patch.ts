// qlik user patch: a JSON Patch to PATCH /api/v1/users/{userId} (204, or 207 with the operations that failed). Help
// texts from Qlik's page (qlik.dev user-patch.md, generation G3, last_updated 2026-06-03). A role is assigned by name
// or id: `--path /assignedRoles --value '[{"name":"TenantAdmin"}]'`, or `--value-name TenantAdmin` (sent as a
// one-item list with replace), or `--op add --path /assignedRoles/- --value-name …` as the users spec's example does.
import { bodyFlag, defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

const OPS = ['replace', 'set', 'unset', 'add', 'renew', 'remove-value'];
const PATHS = [
  '/name',
  '/roles',
  '/assignedRoles',
  '/inviteExpiry',
  '/preferredZoneinfo',
  '/preferredLocale',
  '/status',
  '/assignedGroups',
];

export const userPatchOperation = defineOperation({
  use: 'patch <userId>',
  short: 'Update user by ID',
  long: 'Updates fields for a user resource',
  page: 'G3',
  method: 'PATCH',
  path: '/api/v1/users/{userId}',
  output: 'none',
  body: {
    kind: 'patch',
    ops: OPS,
    paths: PATHS,
    morePaths: ['/assignedRoles/-', '/assignedGroups/-'],
    listPaths: ['/assignedRoles', '/assignedGroups'],
    // Roles and groups are lists or objects, `renew /inviteExpiry` takes a boolean: their --value is JSON when it
    // parses as JSON; /name and the other strings stay strings.
    value: 'string',
    jsonPaths: [
      '/roles',
      '/assignedRoles',
      '/assignedRoles/-',
      '/assignedGroups',
      '/assignedGroups/-',
      '/inviteExpiry',
    ],
    valueTypeName: 'string|bool|unknown',
    usage: {
      op: `The operation to be performed. The fields ˋsetˋ and ˋunsetˋ are deprecated.${allowedValues(OPS)}`,
      path: `A JSON Pointer. The field ˋrolesˋ is deprecated.${allowedValues(PATHS)}`,
    },
    valueFields: [
      bodyFlag('value-id', 'string', 'The unique identitier', 'id'),
      bodyFlag('value-name', 'string', 'The value to be used for this operation.', 'name'),
      {
        flag: {
          name: 'value-providerType',
          type: 'string',
          choices: ['idp', 'custom'],
          usage: `The type of provider for the group.${allowedValues(['idp', 'custom'])}`,
        },
        field: 'providerType',
      },
    ],
  },
});
