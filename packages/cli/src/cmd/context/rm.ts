import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../errors/errors.js';
import { shellWord } from '../../errors/hints.js';
import { commandSuggestions } from '../../text/suggest.js';
import { contextNameArgs, contextNameHint, writeContexts } from './shared.js';

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
        if (missing.length > 0) {
          // The command again, each unknown name replaced by its closest known one (when there is one).
          const known = doc.names();
          const fixed = (n: string): string => shellWord(commandSuggestions(n, known)[0] ?? n);
          const hint = contextNameHint(
            missing[0] ?? '',
            known,
            () => `qlik context rm ${names.map((n) => (doc.has(n) ? shellWord(n) : fixed(n))).join(' ')}`,
          );
          throw new CliError(`No context by the name '${missing.join("', '")}'; nothing was removed`, { hint });
        }
        for (const n of new Set(names)) doc.remove(n);
      });
      for (const n of new Set(names)) f.io.warn(`Context '${n}' removed`);
    },
  });
}
