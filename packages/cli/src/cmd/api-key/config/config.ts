// The `qlik api-key config` group: wires its verbs.
import { editCommand } from '../../../api/edit.js';
import { operationCommand } from '../../../api/operation-command.js';
import { Command } from '../../../cmdutil/command.js';
import type { Factory } from '../../../cmdutil/factory.js';
import { configEditOperation } from './edit.js';
import { configGetOperation } from './get.js';
import { configPatchOperation } from './patch.js';

export function newCmdConfig(f: Factory): Command {
  return new Command({ use: 'config', short: 'Manage API-keys configuration' }, [
    editCommand(f, configEditOperation),
    operationCommand(f, configGetOperation),
    operationCommand(f, configPatchOperation),
  ]);
}
