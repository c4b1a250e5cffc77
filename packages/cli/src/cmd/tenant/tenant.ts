// The `qlik tenant` group: wires its verbs.
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { tenantMeOperation } from './me.js';

export function newCmdTenant(f: Factory): Command {
  return new Command(
    {
      use: 'tenant',
      short: 'Manage, create and remove tenants',
      long: 'Tenants are the highest level of logical container, with this API supporting configuration of several key tenant settings.',
    },
    [operationCommand(f, tenantMeOperation)],
  );
}
