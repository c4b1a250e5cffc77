import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../errors/errors.js';
import { contextNameArgs, writeContexts } from './shared.js';

export function newCmdContextRm(f: Factory): Command {
  return new Command({
    use: 'rm <context name>...',
    short: 'Remove one or more contexts',
    example: 'qlik context rm local-engine\nqlik context rm ctx1 ctx2',
    completeArgs: contextNameArgs(f, Infinity),
    args: { min: 1, max: Infinity },
    // All or nothing: an unknown name removes none of them. Removing the current context clears current-context.
    run: async ({ args: names }) => {
      await writeContexts(f, (doc) => {
        const missing = names.filter((n) => !doc.has(n));
        if (missing.length > 0) throw new CliError(`No context by the name '${missing.join("', '")}'; nothing was removed`);
        for (const n of new Set(names)) doc.remove(n);
      });
      for (const n of new Set(names)) f.io.warn(`Context '${n}' removed`);
    },
  });
}
