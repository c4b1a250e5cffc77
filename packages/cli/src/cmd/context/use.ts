import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../errors/errors.js';
import { contextNameArgs, requireContext, writeContexts } from './shared.js';

export function newCmdContextUse(f: Factory): Command {
  return new Command({
    use: 'use <context-name>',
    short: 'Specify what context to use',
    example: 'qlik context use local-engine',
    completeArgs: contextNameArgs(f, 1),
    args: { min: 1, max: 1 },
    run: async ({ args: [name = ''] }) => {
      await writeContexts(f, (doc) => {
        requireContext(
          doc,
          name,
          (n) => new CliError(`context with name '${n}' does not exist`),
          (n) => `qlik context use ${n}`,
        );
        doc.current = name;
      });
      f.io.warn(`Context: ${name}`);
    },
  });
}
