import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newGroup } from '../../cmdutil/group.js';
import { newCmdConfig } from './config/config.js';
import { newCmdCreate } from './create.js';
import { newCmdEdit } from './edit.js';
import { newCmdGet } from './get.js';
import { newCmdLs } from './ls.js';
import { newCmdPatch } from './patch.js';
import { newCmdRm } from './rm.js';

export function newCmdApiKey(f: Factory): Command {
  return newGroup(
    f,
    {
      use: 'api-key',
      short: 'Manage API keys used for authorization',
      long: 'API keys can be used by developers to gain programmatic access to the Qlik platform, acting as their own user.',
    },
    [newCmdConfig(f), newCmdCreate(f), newCmdEdit(f), newCmdGet(f), newCmdLs(f), newCmdPatch(f), newCmdRm(f)],
  );
}
