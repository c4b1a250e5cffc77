// The `qlik role` group: wires its verbs. Texts from Qlik's group page (qlik.dev role/role.md, generation G2).
import { editCommand } from '../../api/edit.js';
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { roleCreateOperation } from './create.js';
import { roleEditOperation } from './edit.js';
import { roleGetOperation } from './get.js';
import { roleLsOperation } from './ls.js';
import { rolePatchOperation } from './patch.js';
import { roleRmOperation } from './rm.js';

export function newCmdRole(f: Factory): Command {
  return new Command(
    {
      use: 'role',
      short: 'Resource representing a role in the system',
      long: 'Tenant roles are assigned to users or groups in the tenant, and define what permissions they have.',
    },
    [
      operationCommand(f, roleCreateOperation),
      editCommand(f, roleEditOperation),
      operationCommand(f, roleGetOperation),
      operationCommand(f, roleLsOperation),
      operationCommand(f, rolePatchOperation),
      operationCommand(f, roleRmOperation),
    ],
  );
}
