// The `qlik user` group: wires its verbs.
import { editCommand } from '../../api/edit.js';
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { userCountOperation } from './count.js';
import { userCreateOperation } from './create.js';
import { userEditOperation } from './edit.js';
import { userFilterOperation } from './filter.js';
import { userGetOperation } from './get.js';
import { userInviteOperation } from './invite.js';
import { userLsOperation } from './ls.js';
import { userMeOperation } from './me.js';
import { userPatchOperation } from './patch.js';
import { userRmOperation } from './rm.js';

export function newCmdUser(f: Factory): Command {
  return new Command(
    {
      use: 'user',
      short: 'Manage, create and remove users',
      long: 'Users represent clients accessing the Qlik Cloud tenant.',
    },
    [
      operationCommand(f, userCountOperation),
      operationCommand(f, userCreateOperation),
      editCommand(f, userEditOperation),
      operationCommand(f, userFilterOperation),
      operationCommand(f, userGetOperation),
      operationCommand(f, userInviteOperation),
      operationCommand(f, userLsOperation),
      operationCommand(f, userMeOperation),
      operationCommand(f, userPatchOperation),
      operationCommand(f, userRmOperation),
    ],
  );
}
