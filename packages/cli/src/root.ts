// The root command: global flags, the command tree, and Cobra-like help for every command.
import { Command } from 'commander';
import { newCmdApiKey } from './cmd/api-key/api-key.js';
import { newCmdComplete } from './cmd/completion/complete.js';
import { newCmdCompletion } from './cmd/completion/completion.js';
import { newCmdContext } from './cmd/context/context.js';
import { newCmdHelp } from './cmd/help/help.js';
import { newCmdTenant } from './cmd/tenant/me.js';
import { newCmdUser } from './cmd/user/me.js';
import { newCmdVersion } from './cmd/version/version.js';
import type { Factory } from './cmdutil/factory.js';
import { addFlags, globalFlags } from './cmdutil/flags.js';
import { newGroup } from './cmdutil/group.js';
import { renderHelp } from './cmdutil/help.js';

export const ROOT_LONG = `qlik is a Command Line Interface for Qlik Cloud. It gives you access to the API-keys and context commands of Qlik's own CLI, byte-compatible where scripts depend on it.

Note that quoting of --body differs between shells. In PowerShell, for example, write
--body '[{"op":"replace","path":"/description","value":"abc"}]'`;

/** Apply commander settings to every command: our help renderer, no process.exit, no commander error text. */
function configureTree(cmd: Command, f: Factory): void {
  cmd.helpOption('-h, --help', `help for ${cmd.name()}`);
  cmd.helpCommand(false);
  cmd.configureHelp({ formatHelp: (c) => renderHelp(c) });
  cmd.configureOutput({
    writeOut: (s) => {
      void f.io.print(s);
    },
    writeErr: (s) => f.io.err.write(s),
    outputError: () => undefined,
  });
  cmd.exitOverride();
  cmd.showSuggestionAfterError(false);
  for (const child of cmd.commands) configureTree(child, f);
}

export function newRootCmd(f: Factory): Command {
  const tree: { root?: Command } = {};
  const getRoot = (): Command => tree.root ?? new Command();
  const children = [
    newCmdApiKey(f),
    newCmdComplete(f, getRoot),
    newCmdCompletion(f),
    newCmdContext(f),
    newCmdHelp(f, getRoot),
    newCmdTenant(f),
    newCmdUser(f),
    newCmdVersion(f),
  ];
  const root = newGroup(f, { use: 'qlik', short: 'qlik is a tool for working with Qlik Cloud', long: ROOT_LONG }, children);
  tree.root = root;
  addFlags(root, globalFlags);
  configureTree(root, f);
  return root;
}
