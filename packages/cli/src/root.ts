// The root command: global flags and the command tree.
import { newCmdApiKey } from './cmd/api-key/api-key.js';
import { newCmdCompletion } from './cmd/completion/completion.js';
import { newCmdContext } from './cmd/context/context.js';
import { newCmdGroup } from './cmd/group/group.js';
import { newCmdHelp } from './cmd/help/help.js';
import { newCmdIdentityProvider } from './cmd/identity-provider/identity-provider.js';
import { newCmdOauthToken } from './cmd/oauth-token/oauth-token.js';
import { newCmdRaw } from './cmd/raw/raw.js';
import { newCmdRole } from './cmd/role/role.js';
import { newCmdTenant } from './cmd/tenant/tenant.js';
import { newCmdUser } from './cmd/user/user.js';
import { newCmdVersion } from './cmd/version/version.js';
import { Command, walk } from './cmdutil/command.js';
import type { Factory } from './cmdutil/factory.js';
import { globalFlags } from './cmdutil/flags.js';
import { renderHelp } from './cmdutil/help.js';
import type { HelpTable } from './fast.js';
import { VERSION } from './version.js';

const ROOT_LONG = `qlik is a Command Line Interface for Qlik Cloud.

It gives you access to all public APIs which enables you to administrate your tenant and apps,
develop and manage apps, migrate data and much more.

Sending quotes in the body requires a different syntax for some Windows terminals.
Powershell: qlik ... --body '[{"op":"replace","path":"/name","value":"abc"}]'
CMD.exe: qlik ... --body [{"op":"replace","path":"/name","value":"abc"}]

This qlik implements the api-key, context, user, role, group, identity-provider, tenant and oauth-token commands of Qlik's CLI; qlik raw reaches every other endpoint.

Credentials come from the flags (--context, --server), then from the environment (QLIK_SERVER with QLIK_API_KEY,
or with QLIK_OAUTH_CLIENT_ID and QLIK_OAUTH_CLIENT_SECRET), then from the current context.
QLIK_NO_EXPIRY_WARNING=1 turns off the warning about a context's API key that expires soon.`;

export function newRootCmd(f: Factory): Command {
  return new Command(
    { use: 'qlik', short: 'qlik is a tool for working with Qlik Cloud', long: ROOT_LONG, persistentFlags: globalFlags },
    [
      newCmdApiKey(f),
      newCmdCompletion(f),
      newCmdContext(f),
      newCmdGroup(f),
      newCmdHelp(f),
      newCmdIdentityProvider(f),
      newCmdOauthToken(f),
      newCmdRaw(f),
      newCmdRole(f),
      newCmdTenant(f),
      newCmdUser(f),
      newCmdVersion(f),
    ],
  );
}

/** Every help page of the tree, for the launcher's fast path (rendered at build time into dist/fast.cjs). */
export function helpTable(root: Command): HelpTable {
  const pages: Record<string, string> = {};
  const groups: string[] = [];
  for (const cmd of walk(root)) {
    if (cmd.def.hidden) continue;
    pages[cmd.path()] = renderHelp(cmd);
    if (!cmd.runnable()) groups.push(cmd.path());
  }
  return { version: VERSION, pages, groups };
}
