// What the context verbs share: the flags of `create` and `update`, reading secrets from stdin, turning flags into
// context fields (checked before anything is written), and showing a context with its secrets masked.
import {
  Command,
  Directive,
  type CommandDef,
  type CompletionRequest,
  type CompletionResult,
} from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import type { FlagSet, FlagSpec } from '../../cmdutil/flags.js';
import { readContexts, type ContextsDocument, type QlikContext } from '../../config/contexts.js';
import { isSecretField } from '../../config/schema.js';
import { apiSuffixNote, normalizeServer, parseServerType } from '../../config/server.js';
import { FlagError, type CliError } from '../../errors/errors.js';
import { shellWord } from '../../errors/hints.js';
import { permissionWarnings } from '../../fsutil/perms.js';
import { readAllCapped, type IOStreams } from '../../iostreams/iostreams.js';
import { authorizationHeader, checkHeaders } from '../../text/headers.js';
import { isSecretName, maskedHeaderValue, OMITTED } from '../../text/secrets.js';
import { commandSuggestions } from '../../text/suggest.js';

const MYQLIK = 'obtained from My Qlik (https://account.myqlik.qlik.com/account)';

const contextFlags: readonly FlagSpec[] = [
  { name: 'api-key', type: 'string', usage: 'API-key to be used for Qlik Cloud' },
  { name: 'comment', type: 'string', usage: 'Comment for the context' },
  { name: 'oauth-client-id', type: 'string', usage: `The ID of the configured OAuth client, ${MYQLIK}` },
  { name: 'oauth-client-secret', type: 'string', usage: `The secret of the configured OAuth client, ${MYQLIK}` },
  // Not in Qlik's CLI: the scope requested for OAuth access tokens.
  { name: 'oauth-scope', type: 'string', usage: 'The scope to request for OAuth access tokens, space-separated' },
];

/** What create and update add to Qlik's help text (after it, never instead of it). */
export const SECRET_NOTE = [
  'Give --api-key - or --oauth-client-secret - to read the secret from stdin, so that it',
  'never appears in the process list or shell history. A context holds either an API key',
  'or an OAuth client, not both. --oauth-scope is an extension of this CLI: the scope to',
  'request for OAuth access tokens (without it, none is sent).',
].join('\n');

export interface ContextFieldOptions {
  apiKey?: string | undefined;
  comment?: string | undefined;
  oauthClientId?: string | undefined;
  oauthClientSecret?: string | undefined;
  oauthScope?: string | undefined;
  server?: string | undefined;
  serverType?: string | undefined;
  insecure?: boolean | undefined;
  headers?: Record<string, string> | undefined;
}

const FLAG_KEYS: [keyof ContextFieldOptions, string][] = [
  ['apiKey', 'api-key'],
  ['comment', 'comment'],
  ['oauthClientId', 'oauth-client-id'],
  ['oauthClientSecret', 'oauth-client-secret'],
  ['oauthScope', 'oauth-scope'],
  ['server', 'server'],
  ['serverType', 'server-type'],
  ['insecure', 'insecure'],
  ['headers', 'headers'],
];

/** The flags given on the command line (unset flags leave fields unchanged on update). */
function givenContextFlags(flags: FlagSet): ContextFieldOptions {
  const out: ContextFieldOptions = {};
  for (const [key, flag] of FLAG_KEYS) if (flags.changed(flag)) Object.assign(out, { [key]: flags.get(flag) });
  return out;
}

/** `--api-key -` (and `--oauth-client-secret -`) read the secret from stdin, so it never sits in argv or history. */
async function readSecretArgs(o: ContextFieldOptions, io: IOStreams): Promise<ContextFieldOptions> {
  const dashes = [o.apiKey, o.oauthClientSecret].filter((v) => v === '-').length;
  if (dashes === 0) return o;
  const flag = o.apiKey === '-' ? '--api-key' : '--oauth-client-secret';
  if (dashes > 1) throw new FlagError('only one of --api-key and --oauth-client-secret can be read from stdin (-)');
  if (io.isStdinTTY)
    throw new FlagError(`${flag} -: stdin is a terminal; pipe the secret in (e.g. from a secret store)`);
  const secret = (await readAllCapped(io.in, 64 * 1024, 'the secret on stdin')).trim();
  if (secret === '') throw new FlagError(`${flag} -: stdin was empty`);
  return o.apiKey === '-' ? { ...o, apiKey: secret } : { ...o, oauthClientSecret: secret };
}

function checkSecret(value: string, flag: string): string {
  if (value.trim() === '' || /[\r\n\0]/.test(value))
    throw new FlagError(`${flag}: the value is empty or has a line break`);
  return value.trim();
}

/** The OAuth fields of a context, in file order of the schema. */
export const OAUTH_FIELDS = ['oauth-client-id', 'oauth-client-secret', 'oauth-scope'] as const;

/** Whether the fields set an API key (`--api-key`, or an Authorization header through `--headers`). */
export function setsApiKey(fields: QlikContext): boolean {
  return authorizationHeader(fields.headers) !== undefined;
}

/** Whether the fields set an OAuth client (its id or its secret). */
export function setsOAuthClient(fields: QlikContext): boolean {
  return fields['oauth-client-id'] !== undefined || fields['oauth-client-secret'] !== undefined;
}

/** Checked before anything is written: a bad value never reaches the file. */
export function toContextFields(o: ContextFieldOptions): QlikContext {
  const fields: QlikContext = {};
  if (o.server !== undefined) fields.server = normalizeServer(o.server, '--server');
  if (o.serverType !== undefined) fields['server-type'] = parseServerType(o.serverType, '--server-type');
  if (o.comment !== undefined) fields.comment = o.comment;
  if (o.insecure !== undefined) fields.insecure = o.insecure;
  if (o.oauthClientId !== undefined) fields['oauth-client-id'] = checkSecret(o.oauthClientId, '--oauth-client-id');
  if (o.oauthClientSecret !== undefined)
    fields['oauth-client-secret'] = checkSecret(o.oauthClientSecret, '--oauth-client-secret');
  if (o.oauthScope !== undefined) fields['oauth-scope'] = o.oauthScope.trim();
  // --api-key wins over an Authorization header given with --headers (in any case).
  const given = Object.entries(o.headers ?? {}).filter(
    ([h]) => o.apiKey === undefined || h.toLowerCase() !== 'authorization',
  );
  const headers: Record<string, string> = Object.fromEntries(given);
  if (o.apiKey !== undefined) headers.Authorization = `Bearer ${checkSecret(o.apiKey, '--api-key')}`;
  checkHeaders(headers, o.apiKey !== undefined ? '--api-key/--headers' : '--headers');
  if (Object.keys(headers).length > 0) fields.headers = headers;
  // One kind of credentials per context (as the resolver insists when the context is used).
  if (setsApiKey(fields) && setsOAuthClient(fields)) {
    const key = o.apiKey !== undefined ? '--api-key' : '--headers Authorization=…';
    throw new FlagError(
      `${key} and --oauth-client-id/--oauth-client-secret cannot be used together: a context uses an API key or an OAuth client, not both`,
    );
  }
  return fields;
}

/**
 * A context's OAuth fields must hang together: a client secret or a scope needs a client id (given now or stored).
 * `name` names the context in the message.
 */
export function checkOAuthComplete(ctx: QlikContext, name: string): void {
  if (ctx['oauth-client-id'] !== undefined) return;
  const orphan = (['oauth-client-secret', 'oauth-scope'] as const).find((k) => ctx[k] !== undefined);
  if (orphan !== undefined) {
    throw new FlagError(`--${orphan}: context '${name}' has no OAuth client id; give --oauth-client-id too`);
  }
}

/**
 * Change the contexts file (updateContexts) and warn, one line per problem, when the file or its directory could be
 * changed by other users (fsutil/perms.ts). The write itself makes the file 0600 and `.qlik` 0700: a problem that the
 * write fixed is still reported (someone may have changed the file before), and says so.
 */
export async function writeContexts<T>(f: Factory, mutate: (doc: ContextsDocument) => T | Promise<T>): Promise<T> {
  const path = f.contextsPath();
  const before = await permissionWarnings(path);
  try {
    const { updateContexts } = await import('../../config/transaction.js');
    return await updateContexts(path, mutate);
  } finally {
    const after = before.length > 0 ? await permissionWarnings(path) : [];
    for (const w of before)
      f.io.warn(after.includes(w) ? w : `${w} (done by this run's write; check that the file's contents are yours)`);
  }
}

/**
 * When a context gets an API key, look the key up once (its id is the token's jti) and keep its expiry in the private
 * side file (config/key-expiry.ts), so that every later command can warn before it expires at no request. Best
 * effort, bounded to 3 s: a context is saved whether or not the server answers.
 */
export async function noteKeyExpiry(f: Factory, name: string): Promise<void> {
  const ctx = (await readContexts(f.contextsPath())).get(name);
  const h = authorizationHeader(ctx?.headers);
  const auth = h === undefined ? undefined : ctx?.headers?.[h];
  const { keyIdOf, recordKeyExpiry } = await import('../../config/key-expiry.js');
  const jti = keyIdOf(auth);
  if (
    ctx?.server === undefined ||
    auth === undefined ||
    jti === undefined ||
    (ctx['server-type'] ?? 'cloud') !== 'cloud'
  )
    return;
  const lookup = async (): Promise<void> => {
    const http = await f.httpClientFor({
      server: ctx.server ?? '',
      headers: { Authorization: auth },
      insecure: ctx.insecure ?? false,
    });
    const res = await http.attempt({ method: 'GET', path: `/api/v1/api-keys/${encodeURIComponent(jti)}` });
    if (res.status !== 200) return;
    const key = JSON.parse(res.text) as { expiry?: string | null; created?: string };
    await recordKeyExpiry(f.contextsPath(), name, jti, key.expiry, key.created ?? new Date().toISOString());
  };
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([lookup().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, 3000)))]);
  clearTimeout(timer);
}

function registerSecrets(f: Factory, o: ContextFieldOptions): void {
  f.redactor.addSecret(o.apiKey);
  f.redactor.addSecret(o.oauthClientSecret);
}

/** A context with its secrets masked (one rule: text/secrets.ts), for `context get` and `context ls --json`. */
export function masked(ctx: QlikContext): QlikContext {
  const out: QlikContext = {};
  for (const [k, v] of Object.entries(ctx)) {
    if (k === 'headers' && v && typeof v === 'object') {
      out.headers = Object.fromEntries(
        Object.entries(v as Record<string, string>).map(([h, val]) => [
          h,
          isSecretName(h) ? maskedHeaderValue(val) : val,
        ]),
      );
    } else if (isSecretField(k) && typeof v === 'string' && v !== '') {
      out[k] = OMITTED;
    } else {
      out[k] = v;
    }
  }
  return out;
}

export interface ContextWrite {
  name: string;
  fields: ContextFieldOptions;
}

/** The command shape `create` and `update` share: one context name, the context flags, secrets from stdin. */
export function contextWriteCommand(
  f: Factory,
  def: Pick<CommandDef, 'use' | 'short' | 'long' | 'example' | 'completeArgs'>,
  run: (w: ContextWrite) => Promise<void>,
): Command {
  return new Command({
    ...def,
    flags: contextFlags,
    args: { min: 1, max: 1 },
    run: async (inv) => {
      const given = givenContextFlags(inv.flags);
      const suffix = given.server === undefined ? undefined : apiSuffixNote(given.server, '--server');
      if (suffix !== undefined) f.io.warn(suffix);
      const fields = await readSecretArgs(given, f.io);
      registerSecrets(f, fields);
      await run({ name: inv.args[0] ?? '', fields });
      // It worked; one line on how to keep the secret out of the process list and the shell history next time.
      const inline = [
        ['--api-key', given.apiKey] as const,
        ['--oauth-client-secret', given.oauthClientSecret] as const,
      ].find(([, v]) => v !== undefined && v !== '-');
      if (inline)
        f.io.warn(
          `Warning: ${inline[0]} on the command line can be read from the process list and shell history; pipe the secret in with ${inline[0]} - instead`,
        );
    },
  });
}

/** Completion of positional arguments that are context names (at most `max` of them). */
export function contextNameArgs(f: Factory, max: number): (req: CompletionRequest) => Promise<CompletionResult> {
  return async ({ args, toComplete }) => {
    if (args.length >= max) return { candidates: [], directive: Directive.NoFileComp };
    let names: string[] = [];
    try {
      names = (await readContexts(f.contextsPath())).names();
    } catch {
      // An unreadable contexts file offers nothing; the command itself will report it.
    }
    const candidates = names.filter((n) => n.startsWith(toComplete) && !args.includes(n)).map((value) => ({ value }));
    return { candidates, directive: Directive.NoFileComp };
  };
}

/**
 * The hint for a context name that does not exist: the closest names (Cobra's suggestion rule) with the command that
 * would use the first one (`command` builds it from a name), else the names there are, else how to make one.
 */
export function contextNameHint(name: string, names: readonly string[], command: (name: string) => string): string {
  const close = commandSuggestions(name, names);
  const first = close[0];
  if (first !== undefined)
    return `did you mean ${close.map((c) => `'${c}'`).join(' or ')}? ${command(shellWord(first))}`;
  if (names.length > 0) return `the contexts are: ${names.join(', ')} (qlik context ls)`;
  return 'there are no contexts yet; make one with: qlik context create <name> --server <url> --api-key -';
}

/**
 * Unless the contexts file has a context `name`: `error(name)`, with the hint of contextNameHint (`command` is the
 * command again with a known name).
 */
export function requireContext(
  doc: { has(name: string): boolean; names(): string[] },
  name: string,
  error: (name: string) => CliError,
  command: (name: string) => string,
): void {
  if (!doc.has(name)) throw error(name).withHint(contextNameHint(name, doc.names(), command));
}
