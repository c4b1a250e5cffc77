import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { noSuchContext } from '../../config/document.js';
import { authorizationHeader } from '../../text/headers.js';
import {
  checkOAuthComplete,
  contextNameArgs,
  contextNameHint,
  contextWriteCommand,
  noteKeyExpiry,
  OAUTH_FIELDS,
  SECRET_NOTE,
  setsApiKey,
  setsOAuthClient,
  toContextFields,
  writeContexts,
} from './shared.js';

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
      completeArgs: contextNameArgs(f, 1),
    },
    async ({ name, fields: given }) => {
      const fields = toContextFields(given);
      const switched = await writeContexts(f, (doc) => {
        const before = doc.get(name);
        if (before === undefined)
          throw noSuchContext(name).withHint(
            contextNameHint(name, doc.names(), (n) => `qlik context update ${n} (with the same flags)`),
          );
        doc.update(name, fields);
        if (before === undefined) return undefined;
        // A context authenticates one way: an API key replaces an OAuth client, and an OAuth client an API key.
        let note: string | undefined;
        if (setsApiKey(fields)) {
          const gone = OAUTH_FIELDS.filter((k) => before[k] !== undefined);
          for (const k of gone) doc.set(name, k, undefined);
          if (gone.length > 0)
            note = `Context '${name}': removed the OAuth client (${gone.join(', ')}); the context now uses the API key`;
        } else if (setsOAuthClient(fields)) {
          const auth = authorizationHeader(before.headers);
          if (auth !== undefined) {
            const rest = Object.keys(before.headers ?? {}).filter((h) => h !== auth);
            if (rest.length === 0) doc.set(name, 'headers', undefined);
            else doc.update(name, { headers: { [auth]: undefined } as unknown as Record<string, string> });
            note = `Context '${name}': removed the API key (the ${auth} header); the context now uses the OAuth client`;
          }
        }
        checkOAuthComplete(doc.get(name) ?? {}, name);
        return note;
      });
      if (switched !== undefined) f.io.warn(switched);
      f.io.warn(`Context '${name}' updated`);
      if (setsApiKey(fields)) await noteKeyExpiry(f, name);
    },
  );
}
