// `qlik help [command]`: Cobra's help command.
import { Command, Directive, findCommand, stripFlags } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { renderHelp } from '../../cmdutil/help.js';
import { FlagError } from '../../errors/errors.js';

export function newCmdHelp(f: Factory): Command {
  const cmd: Command = new Command({
    use: 'help [command]',
    short: 'Help about any command',
    long: 'Help provides help for any command in the application.\nSimply type qlik help [path to command] for full details.',
    // Cobra's help command completes the subcommands of the command named so far.
    completeArgs: ({ args, toComplete }) => {
      const { cmd: target, rest } = findCommand(cmd.root(), args);
      const unknown = !target.parent && stripFlags(rest, target).length > 0;
      const candidates = unknown
        ? []
        : target
            .visibleChildren()
            .filter((c) => c.name().startsWith(toComplete))
            .map((c) => ({ value: c.name(), description: c.def.short }));
      return Promise.resolve({ candidates, directive: Directive.NoFileComp });
    },
    run: async (inv) => {
      let target = cmd.root();
      for (const word of inv.args) {
        const next = target.findChild(word);
        if (!next)
          throw new FlagError(
            `unknown help topic ${JSON.stringify(inv.args.join(' '))} for ${JSON.stringify(target.path())}`,
          );
        target = next;
      }
      await f.io.print(renderHelp(target));
    },
  });
  return cmd;
}
