// qlik identity-provider edit: Qlik's qlik-cli reference lists it; its page was not among the stored copies, so its texts follow Qlik's
// generator template for `<resource> edit` (the G2 `app edit` page, as `api-key edit` does). The fields are those its
// patch can replace.
import type { EditOperation } from '../../api/edit.js';

export const idpEditOperation: EditOperation = {
  use: 'edit <identity-providerId>',
  short: 'Modify a identity-provider interactively in a text-editor',
  long:
    'Modify a identity-provider interactively in a text-editor\n\n' +
    "This command will fetch a identity-provider and open it in the editor 'vi'.\n" +
    "You can change the default editor by setting the 'EDITOR' environment variable.\n" +
    "Default editors are 'vi' for Linux/Darwin and 'notepad' for Windows.\n" +
    'The resource will be updated according to the changes made in the editor upon save.',
  path: '/api/v1/identity-providers/{identity-providerId}',
  fields: ['description', 'active', 'clockToleranceSec', 'postLogoutRedirectUri'],
};
