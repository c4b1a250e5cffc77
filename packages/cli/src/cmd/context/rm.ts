import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../cmdutil/errors.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { updateContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';

export interface RmContextOptions {
  io: IOStreams;
  path: string;
  names: string[];
}

export function newCmdContextRm(f: Factory, runF: (o: RmContextOptions) => Promise<void> = runContextRm): Command {
  return newLeaf(
    { use: 'rm <context name>...', short: 'Remove one or more contexts', example: '  qlik context rm local-engine\n  qlik context rm ctx1 ctx2' },
    { min: 1, max: Infinity },
    [],
    (args) => runF({ io: f.io, path: f.contextsPath(), names: args }),
  );
}

/** All or nothing: an unknown name removes none of them. Removing the current context clears current-context. */
export async function runContextRm(o: RmContextOptions): Promise<void> {
  await updateContexts(o.path, (doc) => {
    const missing = o.names.filter((n) => !doc.has(n));
    if (missing.length > 0) throw new CliError(`No context by the name '${missing.join("', '")}'; nothing was removed`);
    for (const n of new Set(o.names)) doc.remove(n);
  });
  for (const n of new Set(o.names)) o.io.warn(`Context '${n}' removed`);
}
