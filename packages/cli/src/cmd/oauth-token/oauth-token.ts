// The `qlik oauth-token` group: wires its verbs.
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { oauthTokenLsOperation } from './ls.js';
import { oauthTokenRmOperation } from './rm.js';

export function newCmdOauthToken(f: Factory): Command {
  return new Command(
    {
      use: 'oauth-token',
      short: 'Manage OAuth tokens',
      long: 'List and revoke active OAuth tokens issued for your tenant.',
    },
    [operationCommand(f, oauthTokenLsOperation), operationCommand(f, oauthTokenRmOperation)],
  );
}
