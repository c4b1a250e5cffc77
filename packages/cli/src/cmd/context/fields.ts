// What `context create` and `context update` share: their flags, and turning flags into context fields.
import type { Command } from 'commander';
import { newLeaf } from '../../cmdutil/leaf.js';
import { FlagError } from '../../cmdutil/errors.js';
import type { Factory } from '../../cmdutil/factory.js';
import { flagChanged, type FlagSpec } from '../../cmdutil/flags.js';
import type { CommandMeta } from '../../cmdutil/help.js';
import type { QlikContext } from '../../config/contexts.js';
import { checkHeaders, normalizeServer, parseServerType } from '../../config/resolve.js';
import { readAllCapped, type IOStreams } from '../../iostreams/iostreams.js';
import { OMITTED } from '../../http/redact.js';

const MYQLIK = 'obtained from My Qlik (https://account.myqlik.qlik.com/account)';

export const contextFlags: readonly FlagSpec[] = [
  { name: 'api-key', type: 'string', usage: 'API-key to be used for Qlik Cloud' },
  { name: 'comment', type: 'string', usage: 'Comment for the context' },
  { name: 'oauth-client-id', type: 'string', usage: `The ID of the configured OAuth client, ${MYQLIK}` },
  { name: 'oauth-client-secret', type: 'string', usage: `The secret of the configured OAuth client, ${MYQLIK}` },
];

export interface ContextFieldOptions {
  apiKey?: string | undefined;
  comment?: string | undefined;
  oauthClientId?: string | undefined;
  oauthClientSecret?: string | undefined;
  server?: string | undefined;
  serverType?: string | undefined;
  insecure?: boolean | undefined;
  headers?: Record<string, string> | undefined;
}

/** The flags given on the command line (unset flags leave fields unchanged on update). */
export function changedContextFlags(cmd: Command): ContextFieldOptions {
  const all = cmd.optsWithGlobals<ContextFieldOptions>();
  const out: ContextFieldOptions = {};
  const flags: [keyof ContextFieldOptions, string][] = [
    ['apiKey', 'api-key'],
    ['comment', 'comment'],
    ['oauthClientId', 'oauth-client-id'],
    ['oauthClientSecret', 'oauth-client-secret'],
    ['server', 'server'],
    ['serverType', 'server-type'],
    ['insecure', 'insecure'],
    ['headers', 'headers'],
  ];
  for (const [key, flag] of flags) if (flagChanged(cmd, flag)) Object.assign(out, { [key]: all[key] });
  return out;
}

/** `--api-key -` (and `--oauth-client-secret -`) read the secret from stdin, so it never sits in argv or history. */
export async function readSecretArgs(o: ContextFieldOptions, io: IOStreams): Promise<ContextFieldOptions> {
  const dashes = [o.apiKey, o.oauthClientSecret].filter((v) => v === '-').length;
  if (dashes === 0) return o;
  if (dashes > 1) throw new FlagError('only one of --api-key and --oauth-client-secret can be read from stdin (-)');
  if (io.isStdinTTY) throw new FlagError('--api-key -: stdin is a terminal; pipe the key in (e.g. from a secret store)');
  const secret = (await readAllCapped(io.in, 64 * 1024, 'the secret on stdin')).trim();
  if (secret === '') throw new FlagError('--api-key -: stdin was empty');
  return o.apiKey === '-' ? { ...o, apiKey: secret } : { ...o, oauthClientSecret: secret };
}

/** Checked before anything is written: a bad value never reaches the file. */
export function toContextFields(o: ContextFieldOptions): QlikContext {
  const fields: QlikContext = {};
  if (o.server !== undefined) fields.server = normalizeServer(o.server, '--server');
  if (o.serverType !== undefined) fields['server-type'] = parseServerType(o.serverType, '--server-type');
  if (o.comment !== undefined) fields.comment = o.comment;
  if (o.insecure !== undefined) fields.insecure = o.insecure;
  if (o.oauthClientId !== undefined) fields['oauth-client-id'] = o.oauthClientId;
  if (o.oauthClientSecret !== undefined) fields['oauth-client-secret'] = o.oauthClientSecret;
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.apiKey !== undefined) {
    if (o.apiKey.trim() === '' || /[\r\n\0]/.test(o.apiKey)) throw new FlagError('--api-key: the key is empty or has a line break');
    headers.Authorization = `Bearer ${o.apiKey.trim()}`;
  }
  checkHeaders(headers, o.apiKey !== undefined ? '--api-key/--headers' : '--headers');
  if (Object.keys(headers).length > 0) fields.headers = headers;
  return fields;
}

export function registerSecrets(f: Factory, o: ContextFieldOptions): void {
  f.redactor.addSecret(o.apiKey);
  f.redactor.addSecret(o.oauthClientSecret);
}

const SECRET_FIELD = /secret|password|token/i;
const SECRET_HEADER = /authorization|cookie|token|secret|key/i;

/** A context with its secrets masked, for `context get` and `context ls --json`. */
export function masked(ctx: QlikContext): QlikContext {
  const out: QlikContext = {};
  for (const [k, v] of Object.entries(ctx)) {
    if (k === 'headers' && v && typeof v === 'object') {
      out.headers = Object.fromEntries(
        Object.entries(v as Record<string, string>).map(([h, val]) => [
          h,
          SECRET_HEADER.test(h) ? (/^Bearer\s/i.test(val) ? `Bearer ${OMITTED}` : OMITTED) : val,
        ]),
      );
    } else if (SECRET_FIELD.test(k) && typeof v === 'string' && v !== '') {
      out[k] = OMITTED;
    } else {
      out[k] = v;
    }
  }
  return out;
}

export interface ContextWriteOptions {
  io: IOStreams;
  path: string;
  name: string;
  fields: ContextFieldOptions;
}

/** The command shape `create` and `update` share: one context name, the context flags, secrets from stdin. */
export function newContextWriteCmd(
  f: Factory,
  meta: Omit<CommandMeta, 'runnable'>,
  runF: (o: ContextWriteOptions) => Promise<void>,
): Command {
  return newLeaf(meta, { min: 1, max: 1 }, contextFlags, async (args, cmd) => {
    const fields = await readSecretArgs(changedContextFlags(cmd), f.io);
    registerSecrets(f, fields);
    await runF({ io: f.io, path: f.contextsPath(), name: args[0] ?? '', fields });
  });
}
