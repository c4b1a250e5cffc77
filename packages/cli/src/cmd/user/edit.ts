// qlik user edit: Qlik's page for it was not found; its texts follow Qlik's generator template for `<resource> edit`
// (the G2 `app edit` page, as `api-key edit` does). The fields are those `user patch` can replace.
import type { EditOperation } from '../../api/edit.js';

export const userEditOperation: EditOperation = {
  use: 'edit <userId>',
  short: 'Modify a user interactively in a text-editor',
  long:
    'Modify a user interactively in a text-editor\n\n' +
    "This command will fetch a user and open it in the editor 'vi'.\n" +
    "You can change the default editor by setting the 'EDITOR' environment variable.\n" +
    "Default editors are 'vi' for Linux/Darwin and 'notepad' for Windows.\n" +
    'The resource will be updated according to the changes made in the editor upon save.',
  path: '/api/v1/users/{userId}',
  fields: ['name', 'status', 'assignedRoles', 'preferredLocale', 'preferredZoneinfo'],
};
