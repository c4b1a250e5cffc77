import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { writeContexts } from './shared.js';

export function newCmdContextClear(f: Factory): Command {
  return new Command({
    use: 'clear',
    short: 'Set the current context to none',
    example: 'qlik context clear',
    args: { min: 0, max: 0 },
    run: async () => {
      await writeContexts(f, (doc) => {
        doc.current = '';
      });
      f.io.warn('Context: <NONE>');
    },
  });
}
