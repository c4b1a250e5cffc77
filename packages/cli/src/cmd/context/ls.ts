import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { readContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';
import { printJson, printTable } from '../../output/print.js';

export interface LsContextOptions {
  io: IOStreams;
  path: string;
  json: boolean;
}

export function newCmdContextLs(f: Factory, runF: (o: LsContextOptions) => Promise<void> = runContextLs): Command {
  return newLeaf(
    { use: 'ls', short: 'List all contexts', example: '  qlik context ls' },
    { min: 0, max: 0 },
    [],
    (_args, cmd) => runF({ io: f.io, path: f.contextsPath(), json: cmd.optsWithGlobals<{ json?: boolean }>().json === true }),
  );
}

/** A table (aligned on a terminal, tab-separated when piped) with the current context starred; --json for JSON. */
export async function runContextLs(o: LsContextOptions): Promise<void> {
  const snap = await readContexts(o.path);
  const rows = snap.names().map((name) => {
    const ctx = snap.get(name) ?? {};
    return { name, server: ctx.server ?? '', current: name === snap.current, comment: ctx.comment ?? '' };
  });
  if (o.json) {
    await printJson(o.io, rows);
    return;
  }
  await printTable(
    o.io,
    ['name', 'server', 'current', 'comment'],
    rows.map((r) => [r.name, r.server, r.current ? '*' : '', r.comment]),
  );
}
