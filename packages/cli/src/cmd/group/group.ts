// The `qlik group` group: wires its verbs. Texts from Qlik's group page (qlik.dev group/group.md, generation G2). No
// page of Qlik's was found for `group settings` itself: its Short is this CLI's.
import { editCommand } from '../../api/edit.js';
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { groupCreateOperation } from './create.js';
import { groupEditOperation } from './edit.js';
import { groupFilterOperation } from './filter.js';
import { groupGetOperation } from './get.js';
import { groupLsOperation } from './ls.js';
import { groupPatchOperation } from './patch.js';
import { groupRmOperation } from './rm.js';
import { groupSettingsEditOperation } from './settings-edit.js';
import { groupSettingsLsOperation } from './settings-ls.js';
import { groupSettingsPatchOperation } from './settings-patch.js';

export function newCmdGroup(f: Factory): Command {
  return new Command(
    {
      use: 'group',
      short: 'Manage groups',
      long: 'Groups is the resource representing a group in the system, to which space and tenant roles can be assigned to simplify access control management.',
    },
    [
      operationCommand(f, groupCreateOperation),
      editCommand(f, groupEditOperation),
      operationCommand(f, groupFilterOperation),
      operationCommand(f, groupGetOperation),
      operationCommand(f, groupLsOperation),
      operationCommand(f, groupPatchOperation),
      operationCommand(f, groupRmOperation),
      new Command({ use: 'settings', short: 'Get or update the group settings of the tenant' }, [
        editCommand(f, groupSettingsEditOperation),
        operationCommand(f, groupSettingsLsOperation),
        operationCommand(f, groupSettingsPatchOperation),
      ]),
    ],
  );
}
