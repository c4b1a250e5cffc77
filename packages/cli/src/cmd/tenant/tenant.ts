// The `qlik tenant` group: wires its verbs.
import { operationCommand } from '../../api/run.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { tenantMeOperation } from './me.js';

export function newCmdTenant(f: Factory): Command {
  return new Command({ use: 'tenant', short: 'Manage tenants' }, [operationCommand(f, tenantMeOperation)]);
}
