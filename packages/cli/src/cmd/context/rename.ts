import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { noSuchContext } from '../../config/document.js';
import { shellWord } from '../../errors/hints.js';
import { contextNameArgs, requireContext, writeContexts } from './shared.js';

export function newCmdContextRename(f: Factory): Command {
  return new Command({
    use: 'rename',
    short: 'Rename a context',
    // Exactly as on Qlik's page (both the .md and the rendered page show the backslashes inside the code block, where
    // usage lines are not escaped).
    example: 'qlik context rename \\<old-name\\> \\<new-name\\>',
    completeArgs: contextNameArgs(f, 1),
    args: { min: 2, max: 2 },
    run: async ({ args: [from = '', to = ''] }) => {
      await writeContexts(f, (doc) => {
        requireContext(doc, from, noSuchContext, (n) => `qlik context rename ${n} ${shellWord(to)}`);
        doc.rename(from, to);
      });
      f.io.warn(`Context '${from}' renamed to '${to}'`);
    },
  });
}
