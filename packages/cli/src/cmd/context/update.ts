import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { updateContexts } from '../../config/contexts.js';
import { contextNameArgs, contextWriteCommand, toContextFields } from './shared.js';

const OAUTH_FIELDS = ['oauth-client-id', 'oauth-client-secret', 'oauth-scope'];

export function newCmdContextUpdate(f: Factory): Command {
  return contextWriteCommand(
    f,
    {
      use: 'update <context name>',
      short: 'Update a context with the specified configuration',
      long: 'This command updates a context by using the supplied flags; fields whose flags are not given are left unchanged. Global flags such as insecure, server-type and headers can be saved too.\n\nGive --api-key - to read the key from stdin, so that it never appears in the process list or shell history.',
      example:
        '  qlik context update local-engine\n  qlik context update me@qseow --server https://qseow.domain.com/jwt --comment "Qlik Sense Enterprise on Windows"\n  qlik api-key create --description rotated --expiry P30D | jq -r .token | qlik context update prod --api-key -',
      completeArgs: contextNameArgs(f, 1),
    },
    async ({ name, fields: given }) => {
      const fields = toContextFields(given);
      await updateContexts(f.contextsPath(), (doc) => {
        const before = doc.get(name);
        doc.update(name, fields);
        // A context authenticates one way: an API key replaces an OAuth client, and an OAuth client an API key.
        if (given.apiKey !== undefined && before) for (const k of OAUTH_FIELDS) if (before[k] !== undefined) doc.set(name, k, undefined);
        if (given.oauthClientId !== undefined && before?.headers) {
          const auth = Object.keys(before.headers).find((h) => h.toLowerCase() === 'authorization');
          if (auth !== undefined) doc.update(name, { headers: { [auth]: undefined } as unknown as Record<string, string> });
        }
      });
      f.io.warn(`Context '${name}' updated`);
    },
  );
}
