import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { updateContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';
import { CliError } from '../../cmdutil/errors.js';

export interface UseContextOptions {
  io: IOStreams;
  path: string;
  name: string;
}

export function newCmdContextUse(f: Factory, runF: (o: UseContextOptions) => Promise<void> = runContextUse): Command {
  return newLeaf(
    { use: 'use <context-name>', short: 'Specify what context to use', example: '  qlik context use local-engine' },
    { min: 1, max: 1 },
    [],
    (args) => runF({ io: f.io, path: f.contextsPath(), name: args[0] ?? '' }),
  );
}

export async function runContextUse(o: UseContextOptions): Promise<void> {
  await updateContexts(o.path, (doc) => {
    if (!doc.has(o.name)) throw new CliError(`context with name '${o.name}' does not exist`);
    doc.current = o.name;
  });
  o.io.warn(`Context: ${o.name}`);
}
