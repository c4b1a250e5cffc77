import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { ConfigError } from '../../cmdutil/errors.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import { readContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';
import { printJson } from '../../output/print.js';
import { masked } from './fields.js';

export interface GetContextOptions {
  io: IOStreams;
  path: string;
  name: string | undefined;
  json: boolean;
}

export function newCmdContextGet(f: Factory, runF: (o: GetContextOptions) => Promise<void> = runContextGet): Command {
  return newLeaf(
    {
      use: 'get [context name]',
      short: 'Get context, current context by default',
      long: 'Prints a context as `key: value` lines, the name first, with secrets (API keys, OAuth secrets, cookies) masked. Without a name, the current context is shown.',
      example: '  qlik context get\n  qlik context get local-engine',
    },
    { min: 0, max: 1 },
    [],
    (args, cmd) => runF({ io: f.io, path: f.contextsPath(), name: args[0], json: cmd.optsWithGlobals<{ json?: boolean }>().json === true }),
  );
}

function lines(value: unknown, indent: string): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? [`${indent}${k}:`, ...lines(v, `${indent}  `)] : [`${indent}${k}: ${String(v)}`],
    );
  }
  return [];
}

export async function runContextGet(o: GetContextOptions): Promise<void> {
  const snap = await readContexts(o.path);
  const name = o.name ?? (snap.current || undefined);
  if (name === undefined) {
    if (o.json) await printJson(o.io, null);
    else await o.io.print('No current context\n');
    return;
  }
  const ctx = snap.get(name);
  if (!ctx) throw new ConfigError(`No context by the name '${name}' in ${snap.path}`);
  const shown = { name, ...masked(ctx) };
  if (o.json) await printJson(o.io, shown);
  else await o.io.print(`${lines(shown, '').join('\n')}\n`);
}
