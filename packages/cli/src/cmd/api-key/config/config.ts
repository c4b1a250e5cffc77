import type { Command } from 'commander';
import type { Factory } from '../../../cmdutil/factory.js';
import { newGroup } from '../../../cmdutil/group.js';
import { newCmdConfigEdit } from './edit.js';
import { newCmdConfigGet } from './get.js';
import { newCmdConfigPatch } from './patch.js';

export function newCmdConfig(f: Factory): Command {
  return newGroup(f, { use: 'config', short: 'Manage API-keys configuration' }, [newCmdConfigEdit(f), newCmdConfigGet(f), newCmdConfigPatch(f)]);
}
