// The `qlik identity-provider` group: wires its verbs. Texts from Qlik's group pages (generation G2): the group,
// `me` and `.well-known` (the last two have no Synopsis).
import { editCommand } from '../../api/edit.js';
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { idpCreateOperation } from './create.js';
import { idpEditOperation } from './edit.js';
import { idpGetOperation } from './get.js';
import { idpLsOperation } from './ls.js';
import { idpMeMetaOperation } from './me-meta.js';
import { idpPatchOperation } from './patch.js';
import { idpRmOperation } from './rm.js';
import { idpStatusOperation } from './status.js';
import { idpWellKnownOperation } from './well-known.js';

export function newCmdIdentityProvider(f: Factory): Command {
  return new Command(
    {
      use: 'identity-provider',
      short: 'Manage identity providers',
      long: 'Identity providers define how your users authenticate to your tenant when attempting to access content.',
    },
    [
      new Command({ use: '.well-known', short: "Use to return identity providers' metadata" }, [
        operationCommand(f, idpWellKnownOperation),
      ]),
      operationCommand(f, idpCreateOperation),
      editCommand(f, idpEditOperation),
      operationCommand(f, idpGetOperation),
      operationCommand(f, idpLsOperation),
      new Command({ use: 'me', short: 'Get active interactive IDP metadata' }, [
        operationCommand(f, idpMeMetaOperation),
      ]),
      operationCommand(f, idpPatchOperation),
      operationCommand(f, idpRmOperation),
      operationCommand(f, idpStatusOperation),
    ],
  );
}
