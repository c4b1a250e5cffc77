import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../errors/errors.js';
import { shellWord } from '../../errors/hints.js';
import {
  checkOAuthComplete,
  contextWriteCommand,
  noteKeyExpiry,
  SECRET_NOTE,
  setsApiKey,
  toContextFields,
  writeContexts,
} from './shared.js';

export function newCmdContextCreate(f: Factory): Command {
  return contextWriteCommand(
    f,
    {
      use: 'create <context name>',
      short: 'Create a context with the specified configuration',
      long: [
        'Create a context with the specified configuration',
        '',
        'This command creates a context by using the supplied flags.',
        'The information stored will be server url, headers and certificates',
        '(if present) along with comment and the context-name.',
        'Note that some global flags are also applicable such as',
        'insecure and server-type which can be set as default for a context.',
        '',
        SECRET_NOTE,
      ].join('\n'),
      example: [
        'qlik context create me@cloud --server https://my-tenant.eu.qlikcloud.com --api-key MY-API-KEY',
        'qlik context create local --server localhost:9076 --comment "Local engine"',
        'qlik context create me@qseow --server https://qseow.domain.com/jwt --comment "Qlik Sense Enterprise on Windows" --api-key MY-API-KEY --insecure',
      ].join('\n'),
    },
    async ({ name, fields: given }) => {
      const fields = toContextFields(given);
      checkOAuthComplete(fields, name);
      await writeContexts(f, (doc) => {
        if (doc.has(name)) {
          const n = shellWord(name);
          // Scripts that run twice meet this: say how to change the context, or make it afresh.
          throw new CliError(`Context '${name}' already exists`, {
            hint: `change it with: qlik context update ${n} (the same flags), or remove it first: qlik context rm ${n}`,
          });
        }
        doc.create(name, fields);
      });
      f.io.warn(`Context '${name}' created`);
      if (setsApiKey(fields)) await noteKeyExpiry(f, name);
    },
  );
}
