// The `qlik context` group: wires its verbs.
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { newCmdContextClear } from './clear.js';
import { newCmdContextCreate } from './create.js';
import { newCmdContextGet } from './get.js';
import { newCmdContextInit } from './init.js';
import { newCmdContextLs } from './ls.js';
import { newCmdContextRename } from './rename.js';
import { newCmdContextRm } from './rm.js';
import { newCmdContextUpdate } from './update.js';
import { newCmdContextUse } from './use.js';

export function newCmdContext(f: Factory): Command {
  return new Command(
    {
      use: 'context',
      short: 'Create, update and use contexts',
      long: [
        'Create, update and use contexts',
        '',
        'Contexts store connection information such as server url, certificates and headers,',
        'similar to a config. The main difference between contexts and configs is that they',
        'can be used globally. Use the context subcommands to configure contexts which',
        'facilitate app development in environments where certificates and headers are needed.',
        '',
        'The current context is the one that is being used. You can use "context get" to',
        'display the contents of the current context and switch context with "context use"',
        'or unset the current context with "context clear".',
        '',
        'Note that contexts have the lowest precedence. This means that e.g. an --server flag',
        '(or a server field in a config) will override the server url in the current context.',
        '',
        'Contexts are stored locally in your ~/.qlik/contexts.yml file.',
      ].join('\n'),
    },
    [
      newCmdContextClear(f),
      newCmdContextCreate(f),
      newCmdContextGet(f),
      newCmdContextInit(f),
      newCmdContextLs(f),
      newCmdContextRename(f),
      newCmdContextRm(f),
      newCmdContextUpdate(f),
      newCmdContextUse(f),
    ],
  );
}
