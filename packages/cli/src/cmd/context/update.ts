import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { updateContexts } from '../../config/contexts.js';
import { newContextWriteCmd, toContextFields, type ContextWriteOptions } from './fields.js';

export type UpdateContextOptions = ContextWriteOptions;

export function newCmdContextUpdate(f: Factory, runF: (o: UpdateContextOptions) => Promise<void> = runContextUpdate): Command {
  return newContextWriteCmd(
    f,
    {
      use: 'update <context name>',
      short: 'Update a context with the specified configuration',
      long: 'This command updates a context by using the supplied flags; fields whose flags are not given are left unchanged. Global flags such as insecure, server-type and headers can be saved too.\n\nGive --api-key - to read the key from stdin, so that it never appears in the process list or shell history.',
      example:
        '  qlik context update local-engine\n  qlik context update me@qseow --server https://qseow.domain.com/jwt --comment "Qlik Sense Enterprise on Windows"\n  qlik api-key create --description rotated --expiry P30D | jq -r .token | qlik context update prod --api-key -',
    },
    runF,
  );
}

export async function runContextUpdate(o: UpdateContextOptions): Promise<void> {
  const fields = toContextFields(o.fields);
  await updateContexts(o.path, (doc) => {
    doc.update(o.name, fields);
  });
  o.io.warn(`Context '${o.name}' updated`);
}
