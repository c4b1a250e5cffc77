import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { updateContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';

export interface ClearContextOptions {
  io: IOStreams;
  path: string;
}

export function newCmdContextClear(f: Factory, runF: (o: ClearContextOptions) => Promise<void> = runContextClear): Command {
  return newLeaf(
    { use: 'clear', short: 'Set the current context to none', example: '  qlik context clear' },
    { min: 0, max: 0 },
    [],
    () => runF({ io: f.io, path: f.contextsPath() }),
  );
}

export async function runContextClear(o: ClearContextOptions): Promise<void> {
  await updateContexts(o.path, (doc) => {
    doc.current = '';
  });
  o.io.warn('Context: <NONE>');
}
