import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { updateContexts } from '../../config/contexts.js';
import { newContextWriteCmd, toContextFields, type ContextWriteOptions } from './fields.js';

export type CreateContextOptions = ContextWriteOptions;

export function newCmdContextCreate(f: Factory, runF: (o: CreateContextOptions) => Promise<void> = runContextCreate): Command {
  return newContextWriteCmd(
    f,
    {
      use: 'create <context name>',
      short: 'Create a context with the specified configuration',
      long: 'This command creates a context by using the supplied flags. The information stored will be server url, headers and certificates (if present) along with comment and the context-name. Note that some global flags are also applicable such as insecure and server-type which can be set as default for a context.\n\nGive --api-key - to read the key from stdin, so that it never appears in the process list or shell history.',
      example:
        '  qlik context create me@cloud --server https://my-tenant.eu.qlikcloud.com --api-key MY-API-KEY\n  qlik context create local --server localhost:9076 --comment "Local engine"\n  echo "$KEY" | qlik context create ci --server https://my-tenant.eu.qlikcloud.com --api-key -',
    },
    runF,
  );
}

export async function runContextCreate(o: CreateContextOptions): Promise<void> {
  const fields = toContextFields(o.fields);
  await updateContexts(o.path, (doc) => {
    doc.create(o.name, fields);
  });
  o.io.warn(`Context '${o.name}' created`);
}
