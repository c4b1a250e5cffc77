// The `qlik user` group: wires its verbs.
import { operationCommand } from '../../api/run.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { userFilterOperation } from './filter.js';
import { userGetOperation } from './get.js';
import { userLsOperation } from './ls.js';
import { userMeOperation } from './me.js';

export function newCmdUser(f: Factory): Command {
  return new Command({ use: 'user', short: 'Manage, create and remove users', long: 'Users represent clients accessing the Qlik Cloud tenant.' }, [
    operationCommand(f, userFilterOperation),
    operationCommand(f, userGetOperation),
    operationCommand(f, userLsOperation),
    operationCommand(f, userMeOperation),
  ]);
}
