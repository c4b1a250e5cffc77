// The `qlik api-key` group: wires its verbs.
import { editCommand } from '../../api/edit.js';
import { operationCommand } from '../../api/operation-command.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { newCmdAudit } from './audit.js';
import { newCmdConfig } from './config/config.js';
import { createOperation } from './create.js';
import { editOperation } from './edit.js';
import { newCmdExec } from './exec.js';
import { getOperation } from './get.js';
import { lsOperation } from './ls.js';
import { patchOperation } from './patch.js';
import { rmOperation } from './rm.js';
import { newCmdRotate } from './rotate.js';

export function newCmdApiKey(f: Factory): Command {
  return new Command(
    {
      use: 'api-key',
      short: 'Manage API keys used for authorization',
      long: 'API keys can be used by developers to gain programmatic access to the Qlik platform, acting as their own user.',
    },
    [
      newCmdAudit(f),
      newCmdConfig(f),
      operationCommand(f, createOperation),
      editCommand(f, editOperation),
      newCmdExec(f),
      operationCommand(f, getOperation),
      operationCommand(f, lsOperation),
      operationCommand(f, patchOperation),
      operationCommand(f, rmOperation),
      newCmdRotate(f),
    ],
  );
}
