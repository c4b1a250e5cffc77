// `qlik version`. The version is the last token of the last line, as installers parse it
// (`awk 'NF {print $NF}' | tail -n 1`), and follows `version: ` (as a packager's sed expects).
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { VERSION } from '../../version.js';

export function newCmdVersion(f: Factory): Command {
  return new Command({
    use: 'version',
    short: 'Print version info',
    run: async () => {
      await f.io.print(`qlik version: ${VERSION}\n`);
    },
  });
}
