import { apiKeyIds } from '../../api/candidates.js';
import type { EditOperation } from '../../api/edit.js';
import { argCompletion } from '../../api/operation.js';

export const editOperation: EditOperation = {
  use: 'edit <api-keyId>',
  short: 'Modify a api-key interactively in a text-editor',
  long:
    'Modify a api-key interactively in a text-editor\n\n' +
    "This command will fetch a api-key and open it in the editor 'vi'.\n" +
    "You can change the default editor by setting the 'EDITOR' environment variable.\n" +
    "Default editors are 'vi' for Linux/Darwin and 'notepad' for Windows.\n" +
    'The resource will be updated according to the changes made in the editor upon save.',
  path: '/api/v1/api-keys/{api-keyId}',
  fields: ['description'],
  completeArgs: argCompletion(apiKeyIds),
};
