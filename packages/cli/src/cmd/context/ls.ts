import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { readContexts } from '../../config/contexts.js';
import { recordedExpiry } from '../../config/key-expiry.js';
import { authorizationHeader } from '../../text/headers.js';
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
        const h = authorizationHeader(ctx.headers);
        const keyExpiry = recordedExpiry(f.contextsPath(), name, h === undefined ? undefined : ctx.headers?.[h]);
        return {
          name,
          server: ctx.server ?? '',
          current: name === snap.current,
          comment: ctx.comment ?? '',
          ...(keyExpiry ? { keyExpiry } : {}),
        };
      });
      if (await f.jsonMode()) {
        await printJson(f.io, rows);
        return;
      }
      // The key's expiry (recorded when the context got the key) is a column only when one is known.
      const expiries = rows.some((r) => r.keyExpiry !== undefined);
      await printTable(
        f.io,
        ['name', 'server', 'current', 'comment', ...(expiries ? ['key expiry'] : [])],
        rows.map((r) => [r.name, r.server, r.current ? '*' : '', r.comment, ...(expiries ? [r.keyExpiry ?? ''] : [])]),
      );
    },
  });
}
