// `qlik help [command]`: Cobra's help command.
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { renderHelp } from '../../cmdutil/help.js';
import { FlagError } from '../../errors/errors.js';

export function newCmdHelp(f: Factory): Command {
  const cmd: Command = new Command({
    use: 'help [command]',
    short: 'Help about any command',
    long: 'Help provides help for any command in the application.\nSimply type qlik help [path to command] for full details.',
    run: async (inv) => {
      let target = cmd.root();
      for (const word of inv.args) {
        const next = target.findChild(word);
        if (!next) throw new FlagError(`unknown help topic ${JSON.stringify(inv.args.join(' '))} for ${JSON.stringify(target.path())}`);
        target = next;
      }
      await f.io.print(renderHelp(target));
    },
  });
  return cmd;
}
