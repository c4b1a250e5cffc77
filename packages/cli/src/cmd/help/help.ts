import { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { FlagError } from '../../cmdutil/errors.js';
import { commandPath, renderHelp, setMeta } from '../../cmdutil/help.js';

/** `qlik help [command]`: Cobra's help command. */
export function newCmdHelp(f: Factory, root: () => Command): Command {
  const cmd = new Command('help').description('Help about any command').argument('[command...]').allowExcessArguments(true);
  setMeta(cmd, {
    use: 'help [command]',
    short: 'Help about any command',
    long: 'Help provides help for any command in the application.\nSimply type qlik help [path to command] for full details.',
    runnable: true,
  });
  cmd.action(async (path: string[]) => {
    let target = root();
    for (const word of path) {
      const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
      if (!next) throw new FlagError(`unknown help topic ${JSON.stringify(path.join(' '))} for ${JSON.stringify(commandPath(target))}`);
      target = next;
    }
    await f.io.print(renderHelp(target));
  });
  return cmd;
}
