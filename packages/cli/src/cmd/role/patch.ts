// qlik role patch: a JSON Patch to PATCH /api/v1/roles/{roleId} (custom roles only). Help texts from Qlik's page
// (qlik.dev role-patch.md, generation G3, last_updated 2026-06-03): --op, --path and --value have no usage text.
import { defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

const OPS = ['replace', 'add', 'remove-value'];
const PATHS = ['/name', '/description', '/assignedScopes', '/assignedScopes/-'];

export const rolePatchOperation = defineOperation({
  use: 'patch <roleId>',
  short: 'Update role by ID',
  long: 'Updates the requested role. Only applicable to roles of type `custom`. Requestor must be assigned the `TenantAdmin` role.',
  page: 'G3',
  method: 'PATCH',
  path: '/api/v1/roles/{roleId}',
  output: 'none',
  body: {
    kind: 'patch',
    ops: OPS,
    paths: PATHS,
    // /assignedScopes takes a list: its --value is JSON when it parses as JSON; other values are strings.
    value: 'string',
    jsonPaths: ['/assignedScopes'],
    usage: { op: allowedValues(OPS), path: allowedValues(PATHS), value: '' },
  },
});
