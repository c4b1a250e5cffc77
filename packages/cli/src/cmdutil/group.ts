// Group commands (`qlik api-key`, `qlik context`): they only wire their verbs. Run bare they print their help,
// as Cobra does; with an unknown verb they fail with Cobra's wording.
import { Command } from 'commander';
import { FlagError } from './errors.js';
import type { Factory } from './factory.js';
import { commandPath, renderHelp, setMeta, type CommandMeta } from './help.js';

export function newGroup(f: Factory, meta: Omit<CommandMeta, 'runnable'>, children: readonly Command[]): Command {
  const name = meta.use.split(' ')[0] ?? meta.use;
  const cmd = new Command(name).description(meta.short).argument('[command...]').allowExcessArguments(true);
  setMeta(cmd, { ...meta, runnable: true });
  for (const child of children) cmd.addCommand(child);
  cmd.action(async (args: string[]) => {
    const first = args[0];
    if (first !== undefined) throw new FlagError(`unknown command ${JSON.stringify(first)} for ${JSON.stringify(commandPath(cmd))}`);
    await f.io.print(renderHelp(cmd));
  });
  return cmd;
}
