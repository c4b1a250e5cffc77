// qlik group patch: a JSON Patch to PATCH /api/v1/groups/{groupId} (204). Help texts from Qlik's page (qlik.dev
// group-patch.md, generation G3, last_updated 2026-06-03). Its paths have no leading slash (the spec's enum); the
// spec's example sends `/assignedRoles`, so both are accepted. Roles are replaced as a whole: --value-name/--value-id
// make a one-item list, --value takes the JSON list.
import { bodyFlag, defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

const PATHS = ['assignedRoles', 'name', 'description'];

export const groupPatchOperation = defineOperation({
  use: 'patch <groupId>',
  short: 'Update group by ID',
  long: 'Updates the requested group.',
  page: 'G3',
  method: 'PATCH',
  path: '/api/v1/groups/{groupId}',
  output: 'none',
  body: {
    kind: 'patch',
    ops: ['replace'],
    paths: PATHS,
    morePaths: ['/assignedRoles', '/name', '/description'],
    listPaths: ['assignedRoles', '/assignedRoles'],
    value: 'string',
    jsonPaths: ['assignedRoles', '/assignedRoles'],
    usage: {
      op: `The operation to be performed. Currently "replace" is the only supported operation.${allowedValues(['replace'])}`,
      path: `Attribute name of a field of the Groups entity. "Name" and "description" is only available for custom groups.${allowedValues(PATHS)}`,
      value:
        'The roles to assign to the group (limit of 100 roles per group) or the new custom group name or description.',
    },
    valueFields: [
      bodyFlag('value-id', 'string', 'The unique role identitier', 'id'),
      bodyFlag('value-name', 'string', 'The name of the role', 'name'),
    ],
  },
});
