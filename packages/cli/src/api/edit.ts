// `… edit` commands: fetch a resource, open its editable fields as JSON in $EDITOR, and send a JSON Patch of what
// changed (nothing changed: no request). Declared as data like the other REST verbs, and resolved with the same flag
// values (command line, then -c). An interrupt (SIGINT, SIGTERM, SIGHUP) ends the editor, removes the temporary
// directory and sends nothing.
import { Command } from '../cmdutil/command.js';
import type { Factory } from '../cmdutil/factory.js';
import { EDIT_FLAGS, type EditOperation } from './operation.js';

export type { EditOperation } from './operation.js';

export function editCommand(f: Factory, op: EditOperation): Command {
  const { completeArgs } = op;
  return new Command({
    use: op.use,
    short: op.short,
    long: op.long,
    flags: EDIT_FLAGS,
    ...(completeArgs ? { completeArgs: (req) => completeArgs(f, req) } : {}),
    run: async (inv) => (await import('./edit-run.js')).runEditCommand(f, op, inv),
  });
}
