// Turns an Operation declaration into a command. What the command does (runner.ts) is loaded only when it runs, so
// that building the command tree for help, completion or another verb costs no more than reading the declarations.
import { Command } from '../cmdutil/command.js';
import type { Factory } from '../cmdutil/factory.js';
import { operationFlags, type Operation } from './operation.js';

/** The command for an operation; its positional arguments are checked by the runner (some may be omitted). */
export function operationCommand(f: Factory, op: Operation): Command {
  const { completeArgs, completeFlags } = op;
  return new Command({
    use: op.use,
    short: op.short,
    ...(op.long ? { long: op.long } : {}),
    ...(op.example ? { example: op.example } : {}),
    flags: operationFlags(op),
    ...(completeArgs ? { completeArgs: (req) => completeArgs(f, req) } : {}),
    ...(completeFlags ? { completeFlag: async (name, req) => completeFlags[name]?.(f, req) } : {}),
    run: async (inv) => (await import('./runner.js')).runOperation({ op, f, inv }),
  });
}
