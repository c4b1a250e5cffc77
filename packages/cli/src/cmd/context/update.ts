import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { updateContexts } from '../../config/contexts.js';
import { contextWriteCommand, SECRET_NOTE, toContextFields } from './shared.js';

const OAUTH_FIELDS = ['oauth-client-id', 'oauth-client-secret', 'oauth-scope'];

export function newCmdContextUpdate(f: Factory): Command {
  return contextWriteCommand(
    f,
    {
      use: 'update <context name>',
      short: 'Update a context with the specified configuration',
      long: [
        'Update a context with the specified configuration',
        '',
        SECRET_NOTE,
        'Setting an API key on a context with an OAuth client removes the OAuth client, and',
        'setting an OAuth client removes the API key; stderr says so.',
      ].join('\n'),
      example: [
        'qlik context update local-engine',
        'qlik context update me@qseow --server https://qseow.domain.com/jwt --comment "Qlik Sense Enterprise on Windows"',
        // The stray quote is on Qlik's page.
        'qlik context update me@qseow --insecure"',
      ].join('\n'),
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
