import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { readContexts } from '../../config/contexts.js';
import { recordedExpiry } from '../../config/key-expiry.js';
import { envCredentials } from '../../config/resolve.js';
import { authKind } from '../../config/schema.js';
import { authorizationHeader } from '../../text/headers.js';
import { ConfigError } from '../../errors/errors.js';
import { printJson } from '../../iostreams/print.js';
import { safeField } from '../../text/safety.js';
import { contextNameArgs, contextNameHint, masked } from './shared.js';

function lines(value: unknown, indent: string): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? [`${indent}${safeField(k)}:`, ...lines(v, `${indent}  `)]
        : [`${indent}${safeField(k)}: ${safeField(typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)))}`],
    );
  }
  return [];
}

export function newCmdContextGet(f: Factory): Command {
  return new Command({
    use: 'get [context name]',
    short: 'Get context, current context by default',
    long: [
      'Get context, current context by default',
      '',
      'Secrets (API keys, OAuth client secrets, cookies) are shown as **omitted**. A last line,',
      '"authentication: api-key|oauth|headers|none", says how the context authenticates.',
    ].join('\n'),
    example: 'qlik context get\nqlik context get local-engine',
    completeArgs: contextNameArgs(f, 1),
    args: { min: 0, max: 1 },
    run: async ({ args }) => {
      const snap = await readContexts(f.contextsPath());
      for (const w of snap.warnings) f.io.warn(w);
      const json = await f.jsonMode();
      const name = args[0] ?? (snap.current || undefined);
      if (args[0] === undefined && f.globals().context === undefined) {
        let env;
        try {
          env = envCredentials(f.env);
        } catch (e) {
          f.io.warn(`Warning: ${(e as Error).message}`);
        }
        if (env !== undefined) {
          const what = env.apiKey !== undefined ? 'QLIK_API_KEY' : 'QLIK_OAUTH_CLIENT_ID/QLIK_OAUTH_CLIENT_SECRET';
          f.io.warn(
            `Note: QLIK_SERVER and ${what} are set: commands use them (server ${env.server})${name !== undefined ? `, not context '${name}'` : ''}, unless --context or --server says otherwise`,
          );
        }
      }
      if (name === undefined) {
        if (json) await printJson(f.io, null);
        else await f.io.printHuman('No current context\n');
        return;
      }
      const ctx = snap.get(name);
      if (!ctx)
        throw new ConfigError(`No context by the name '${name}' in ${snap.path}`, {
          hint: contextNameHint(name, snap.names(), (n) => `qlik context get ${n}`),
        });
      // `name` comes first and `authentication` last, always this CLI's own: fields of those names in the file
      // (unknown to Qlik's CLI) are not shown, so that a hand-edited file cannot make a line lie.
      const fields = Object.entries(masked(ctx)).filter(([k]) => k !== 'name' && k !== 'authentication');
      const h = authorizationHeader(ctx.headers);
      const keyExpiry = recordedExpiry(f.contextsPath(), name, h === undefined ? undefined : ctx.headers?.[h]);
      const shown = {
        name,
        ...Object.fromEntries(fields),
        ...(keyExpiry ? { 'api-key-expiry': keyExpiry } : {}),
        authentication: authKind(ctx),
      };
      if (json) await printJson(f.io, shown);
      else await f.io.printHuman(`${lines(shown, '').join('\n')}\n`);
    },
  });
}
