import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { readContexts } from '../../config/contexts.js';
import { printJson, printTable } from '../../iostreams/print.js';

/** A table (aligned on a terminal, tab-separated when piped) with the current context starred; --json for JSON. */
export function newCmdContextLs(f: Factory): Command {
  return new Command({
    use: 'ls',
    short: 'List all contexts',
    example: 'qlik context ls',
    args: { min: 0, max: 0 },
    run: async () => {
      const snap = await readContexts(f.contextsPath());
      for (const w of snap.warnings) f.io.warn(w);
      const rows = snap.names().map((name) => {
        const ctx = snap.get(name) ?? {};
        return { name, server: ctx.server ?? '', current: name === snap.current, comment: ctx.comment ?? '' };
      });
      if (await f.jsonMode()) {
        await printJson(f.io, rows);
        return;
      }
      await printTable(
        f.io,
        ['name', 'server', 'current', 'comment'],
        rows.map((r) => [r.name, r.server, r.current ? '*' : '', r.comment]),
      );
    },
  });
}
