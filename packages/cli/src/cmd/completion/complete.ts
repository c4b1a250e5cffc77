// `qlik complete -- <words>`: the hidden callback of the completion scripts. It answers with one
// `value<TAB>description` line per candidate and a last `:<directive>` line (Cobra's protocol). Candidates come from
// the command tree itself: commands, flags (global ones too), enum values and context names.
import { Command as Commander } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { flagSpecs, globalFlags, type FlagSpec } from '../../cmdutil/flags.js';
import { getMeta } from '../../cmdutil/help.js';
import { setMeta } from '../../cmdutil/help.js';
import { readContexts } from '../../config/contexts.js';
import type { IOStreams } from '../../iostreams/iostreams.js';

export interface CompleteOptions {
  io: IOStreams;
  words: string[];
  descriptions: boolean;
  root: Commander;
  contextNames: () => Promise<string[]>;
}

/** Commands whose positional arguments are context names. */
const CONTEXT_ARGS = new Set(['context use', 'context get', 'context rm', 'context rename', 'context update']);
const FLAG_VALUES: Record<string, readonly string[]> = { 'server-type': ['cloud', 'windows', 'engine'] };

export function newCmdComplete(f: Factory, root: () => Commander, runF: (o: CompleteOptions) => Promise<void> = runComplete): Commander {
  const cmd = new Commander('complete').argument('[words...]').option('--no-descriptions');
  setMeta(cmd, { use: 'complete', short: 'Answer a completion request from a shell', runnable: true, hidden: true });
  cmd.action((words: string[]) =>
    runF({
      io: f.io,
      words,
      descriptions: cmd.opts<{ descriptions?: boolean }>().descriptions !== false,
      root: root(),
      contextNames: async () => {
        try {
          return (await readContexts(f.contextsPath())).names();
        } catch {
          return [];
        }
      },
    }),
  );
  return cmd;
}

type TabModule = typeof import('@bomb.sh/tab');
type TabCommand = InstanceType<TabModule['Command']>;

function addOptions(target: TabCommand, specs: readonly FlagSpec[], names: readonly string[]): void {
  for (const spec of specs) {
    if (spec.hidden) continue;
    const values = spec.name === 'context' ? names : (spec.choices ?? FLAG_VALUES[spec.name]);
    if (spec.type === 'bool') {
      if (spec.short) target.option(spec.name, spec.usage, spec.short);
      else target.option(spec.name, spec.usage);
    } else {
      const handler = (complete: (v: string, d: string) => void): void => {
        for (const v of values ?? []) complete(v, '');
      };
      target.option(spec.name, spec.usage, handler, spec.short);
    }
  }
}

export async function runComplete(o: CompleteOptions): Promise<void> {
  const tab = (await import('@bomb.sh/tab'));
  const names = await o.contextNames();
  const t = new tab.RootCommand();
  addOptions(t, globalFlags, names);
  t.option('help', 'help for qlik', 'h');
  const walk = (cmd: Commander, prefix: string[]): void => {
    for (const child of cmd.commands) {
      const meta = getMeta(child);
      if (meta?.hidden) continue;
      const path = [...prefix, child.name()];
      const key = path.join(' ');
      const c = t.command(key, meta?.short ?? child.description());
      addOptions(c, [...flagSpecs(child), ...globalFlags], names);
      c.option('help', `help for ${child.name()}`, 'h');
      if (CONTEXT_ARGS.has(key)) {
        c.argument(
          'name',
          (complete) => {
            for (const n of names) complete(n, '');
          },
          true,
        );
      }
      walk(child, path);
    }
  };
  walk(o.root, []);
  // The library prints with console.log; collect what it would print and write it through IOStreams instead.
  const state = t as unknown as { completions: { value: string; description?: string }[]; directive: number; complete: (prefix: string) => void };
  const out: string[] = [];
  state.complete = (prefix: string) => {
    const seen = new Set<string>();
    const typed = prefix.includes('=') ? (prefix.split('=')[1] ?? '') : prefix;
    for (const c of state.completions) {
      if (seen.has(c.value) || !c.value.startsWith(typed)) continue;
      seen.add(c.value);
      out.push(o.descriptions && c.description ? `${c.value}\t${c.description.split('\n')[0] ?? ''}` : c.value);
    }
    out.push(`:${tab.ShellCompDirective.ShellCompDirectiveNoFileComp}`);
  };
  t.parse([...o.words]);
  await o.io.print(`${out.join('\n')}\n`);
}
