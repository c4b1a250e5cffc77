// qlik role edit: Qlik's qlik-cli reference lists it; its page was not among the stored copies, so its texts follow Qlik's
// generator template for `<resource> edit` (the G2 `app edit` page, as `api-key edit` does). The fields are those its
// patch can replace.
import type { EditOperation } from '../../api/edit.js';

export const roleEditOperation: EditOperation = {
  use: 'edit <roleId>',
  short: 'Modify a role interactively in a text-editor',
  long:
    'Modify a role interactively in a text-editor\n\n' +
    "This command will fetch a role and open it in the editor 'vi'.\n" +
    "You can change the default editor by setting the 'EDITOR' environment variable.\n" +
    "Default editors are 'vi' for Linux/Darwin and 'notepad' for Windows.\n" +
    'The resource will be updated according to the changes made in the editor upon save.',
  path: '/api/v1/roles/{roleId}',
  fields: ['name', 'description', 'assignedScopes'],
};
