// qlik group settings patch: PATCH /api/v1/groups/settings (@qlik/api's patchGroupsSettings). Help texts from Qlik's
// page (qlik.dev group-settings-patch.md, generation G2, the newest found; its --value prints no type). The path
// `/systemGroups/{id}/assignedRoles` takes a system group's id in place of {id}.
import { bodyFlag, defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

const PATHS = ['/autoCreateGroups', '/syncIdpGroups', '/systemGroups/{id}/assignedRoles'];

export const groupSettingsPatchOperation = defineOperation({
  use: 'patch',
  short: 'Update group settings',
  long: "Updates the tenant's group settings, such as whether automatic group creation and IdP group synchronization are enabled or disabled, and roles assigned to system groups.",
  page: 'G2',
  method: 'PATCH',
  path: '/api/v1/groups/settings',
  output: 'none',
  body: {
    kind: 'patch',
    ops: ['replace'],
    paths: PATHS,
    // Booleans and role lists: --value is JSON when it parses as JSON.
    value: 'json',
    valueTypeName: '',
    listPaths: ['/systemGroups/{id}/assignedRoles'],
    usage: {
      op: `(Required) The operation to be performed.${allowedValues(['replace'])}`,
      path: `(Required) A JSON Pointer.${allowedValues(PATHS)}`,
      value: '(Required) The value to be used for this operation.',
    },
    valueFields: [
      bodyFlag('value-id', 'string', '(Required) The unique role identitier', 'id'),
      bodyFlag('value-name', 'string', '(Required) The name of the role', 'name'),
    ],
  },
});
