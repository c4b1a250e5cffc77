// A leaf command: metadata for help, flags, a positional-argument count checked with Cobra's wording, and an
// action that receives the positional arguments. Commands build their options object in `action` and call runF.
import { Command } from 'commander';
import { checkArgCount } from '../api/runner.js';
import { addFlags, type FlagSpec } from './flags.js';
import { setMeta, type CommandMeta } from './help.js';

export function newLeaf(
  meta: Omit<CommandMeta, 'runnable'>,
  args: { min: number; max: number },
  flags: readonly FlagSpec[],
  action: (args: string[], cmd: Command) => Promise<void>,
): Command {
  const cmd = new Command(meta.use.split(' ')[0] ?? meta.use).description(meta.short).argument('[args...]').allowExcessArguments(true);
  setMeta(cmd, { ...meta, runnable: true });
  addFlags(cmd, flags);
  cmd.action(async (positional: string[]) => {
    checkArgCount(positional, args.min, args.max);
    await action(positional, cmd);
  });
  return cmd;
}
