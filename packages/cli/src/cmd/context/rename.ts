import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { updateContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';

export interface RenameContextOptions {
  io: IOStreams;
  path: string;
  from: string;
  to: string;
}

export function newCmdContextRename(f: Factory, runF: (o: RenameContextOptions) => Promise<void> = runContextRename): Command {
  return newLeaf(
    { use: 'rename', short: 'Rename a context', example: '  qlik context rename <old-name> <new-name>' },
    { min: 2, max: 2 },
    [],
    (args) => runF({ io: f.io, path: f.contextsPath(), from: args[0] ?? '', to: args[1] ?? '' }),
  );
}

export async function runContextRename(o: RenameContextOptions): Promise<void> {
  await updateContexts(o.path, (doc) => {
    doc.rename(o.from, o.to);
  });
  o.io.warn(`Context '${o.from}' renamed to '${o.to}'`);
}
