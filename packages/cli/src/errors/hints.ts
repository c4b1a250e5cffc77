// What the server refused, for people: one line `<title>: <detail> (<code>)` from Qlik's error body, and one table
// (HINTS) of what the CLI knows about the way out, each entry one `Hint:` with the exact command. main.ts alone prints
// them; the run's facts it gathers (the command, the flags given, where the credentials came from) are a HintContext.
import type { HttpError } from './errors.js';

/** One entry of Qlik's error body `{"errors":[{code,title,detail,status,source}],"traceId"}`. */
export interface ServerErrorEntry {
  code?: string;
  title?: string;
  detail?: string;
  status?: number | string;
  source?: { pointer?: string; parameter?: string };
}

/** Where the credentials of the run came from. */
export type CredentialSource =
  { kind: 'context-api-key' | 'context-oauth'; context: string } | { kind: 'headers' | 'config' | 'env' | 'none' };

export interface HintContext {
  /** The command's path without the root (`api-key create`). */
  command: string;
  /** The command's own flags given on the command line, by name. */
  flags: Readonly<Record<string, unknown>>;
  /** Unknown when the failure came before the settings were read. */
  credentials: CredentialSource | undefined;
}

/** The server's body as JSON, when it is JSON. */
export function errorBodyJson(e: HttpError): unknown {
  if (e.body.trim() === '') return undefined;
  try {
    return JSON.parse(e.body) as unknown;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The entries of a Qlik error body (also an OAuth `{error, error_description}` or a `{message}` body). */
function serverErrors(e: HttpError): ServerErrorEntry[] {
  const body = errorBodyJson(e);
  if (!body || typeof body !== 'object') return [];
  const o = body as Record<string, unknown>;
  if (Array.isArray(o.errors)) {
    return o.errors
      .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
      .map((x) => {
        const entry: ServerErrorEntry = {};
        const [code, title, detail] = [str(x.code), str(x.title), str(x.detail)];
        if (code !== undefined) entry.code = code;
        if (title !== undefined) entry.title = title;
        if (detail !== undefined) entry.detail = detail;
        if (typeof x.status === 'number' || typeof x.status === 'string') entry.status = x.status;
        const source = x.source && typeof x.source === 'object' ? (x.source as Record<string, unknown>) : {};
        const [pointer, parameter] = [source.pointer, source.parameter];
        if (typeof pointer === 'string') entry.source = { pointer };
        if (typeof parameter === 'string') entry.source = { ...entry.source, parameter };
        return entry;
      });
  }
  const title = str(o.title) ?? str(o.error);
  const detail = str(o.detail) ?? str(o.error_description) ?? str(o.message);
  if (title === undefined && detail === undefined) return [];
  return [{ ...(title !== undefined ? { title } : {}), ...(detail !== undefined ? { detail } : {}) }];
}

/** `<title>: <detail> (<code>)`; the status line stands in for a missing title, and a body without entries. */
export function serverErrorLine(e: HttpError): string {
  if (e.status >= 300 && e.status < 400 && e.location !== undefined) {
    return `${e.message}: the server redirects to ${e.location}; not followed: only a GET follows a redirect, on the same origin (a request of another method is never sent again elsewhere; it may have been done)`;
  }
  const [first, ...more] = serverErrors(e);
  if (!first) return e.message;
  const title = first.title ?? e.message;
  const detail = first.detail !== undefined && first.detail !== title ? `: ${first.detail}` : '';
  const code = first.code !== undefined ? ` (${first.code})` : '';
  const rest = more.length > 0 ? `; and ${more.length} more (--json shows them)` : '';
  return `${title}${detail}${code}${rest}`.replace(/\s*[\r\n]+\s*/g, ' ');
}

interface Facts {
  status: number;
  code: string;
  detail: string;
  pointer: string;
  command: string;
  flags: Readonly<Record<string, unknown>>;
  credentials: CredentialSource | undefined;
}

interface HintRule {
  /** What the rule is about (for readers of this table). */
  about: string;
  when: (x: Facts) => boolean;
  hint: (x: Facts) => string;
}

/** Single quotes for a shell word, when it needs them. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const isCreate = (x: Facts): boolean => x.command === 'api-key create';
const subFlag = (x: Facts): string | undefined => (typeof x.flags.sub === 'string' ? x.flags.sub : undefined);

function quotaHint(x: Facts): string {
  const limit = /\((\d+)\)/.exec(x.detail)?.[1];
  const sub = subFlag(x);
  const ls = `qlik api-key ls --status active${sub !== undefined ? ` --sub ${shellWord(sub)}` : ''}`;
  const n = limit === undefined ? undefined : Number(limit);
  const what =
    n === undefined
      ? "the tenant's limit of active API keys per user is reached"
      : `the tenant allows ${n} active API keys per user`;
  const value = n === undefined ? '<n>' : String(Math.min(n + 5, 1000));
  return `${what}: list them with ${ls} and remove one (qlik api-key rm <id>), or a TenantAdmin raises the limit: qlik api-key config patch --op replace --path /max_keys_per_user --value ${value}`;
}

function deadKeyHint(x: Facts): string | undefined {
  const c = x.credentials;
  if (c === undefined) return undefined;
  switch (c.kind) {
    case 'context-api-key':
      // A refused key cannot rotate itself (rotate authenticates with the key it replaces): the way out is a key made
      // elsewhere; rotating is what keeps the next one from dying, so the hint names both, in that order.
      return `the API key of context '${c.context}' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update ${shellWord(c.context)} --api-key -, then rotate it before it expires with: qlik api-key rotate --context ${shellWord(c.context)}`;
    case 'context-oauth':
      return `the access token of context '${c.context}' was refused; check the OAuth client, and replace its secret with: qlik context update ${shellWord(c.context)} --oauth-client-secret -`;
    case 'headers':
      return 'the Authorization header given with --headers was refused; check the key, or use a context: qlik context create <name> --server <url> --api-key -';
    case 'config':
      return "the 'api-key' of the -c config file was refused (expired, revoked or wrong); replace it in that file";
    case 'env':
      return 'the credentials from the environment (QLIK_SERVER with QLIK_API_KEY or QLIK_OAUTH_CLIENT_*) were refused; replace them, or unset QLIK_SERVER to use the current context';
    case 'none':
      return 'no credentials were sent; make a context with: qlik context create <name> --server <url> --api-key -';
  }
}

/** The hint table: the first rule whose `when` holds gives the hint. */
const HINTS: readonly HintRule[] = [
  {
    about: 'a --sub that is an email address instead of a user id',
    when: (x) =>
      (subFlag(x)?.includes('@') ?? false) && x.status >= 400 && x.status < 500 && x.status !== 401 && x.status !== 429,
    hint: (x) =>
      `--sub takes a user id, not an email address; find the id with: qlik user ls --filter ${shellWord(`email eq "${subFlag(x) ?? ''}"`)} -q`,
  },
  {
    about: 'the credentials were refused (a revoked or expired key, a wrong secret)',
    when: (x) => x.status === 401 && deadKeyHint(x) !== undefined,
    hint: (x) => deadKeyHint(x) ?? '',
  },
  {
    about: 'the active-key quota is full',
    when: (x) =>
      isCreate(x) &&
      x.status === 403 &&
      (x.code === 'APIKEYS-6' || /maximum number of active API keys/i.test(x.detail)),
    hint: quotaHint,
  },
  {
    about: 'an expiry longer than the tenant allows',
    when: (x) =>
      isCreate(x) &&
      x.status === 400 &&
      (x.code === 'APIKEYS-7' || (x.pointer === '/expiry' && /maximum/i.test(x.detail))),
    hint: (x) => {
      const max = /\((P[0-9A-Z.,]+)\)/.exec(x.detail)?.[1];
      return max === undefined
        ? 'the expiry is longer than the tenant allows; qlik api-key config get shows its max_api_key_expiry'
        : `the longest expiry this tenant allows is ${max}: pass --expiry ${max} or shorter (a TenantAdmin raises it with qlik api-key config patch --op replace --path /max_api_key_expiry --value ${typeof x.flags.expiry === 'string' ? shellWord(x.flags.expiry) : '<duration>'})`;
    },
  },
  {
    about: 'creating a key for someone else, or a SCIM key, needs TenantAdmin',
    when: (x) =>
      isCreate(x) &&
      x.status === 403 &&
      (subFlag(x) !== undefined || x.flags.subType === 'externalClient') &&
      /TenantAdmin/i.test(x.detail),
    hint: () =>
      'API keys for other users and SCIM (externalClient) keys need the TenantAdmin role; without --sub the key is your own',
  },
  {
    about: "an OAuth client's bot user owns no keys: it creates them for users",
    when: (x) => isCreate(x) && x.status === 403 && x.credentials?.kind === 'context-oauth' && subFlag(x) === undefined,
    hint: () =>
      `with an OAuth client, create the key for a user: --sub <user id> (qlik user ls --filter 'email eq "<email>"' -q finds it)`,
  },
  {
    about: 'creating any key needs the Developer role',
    when: (x) => isCreate(x) && x.status === 403,
    hint: () =>
      `creating API keys needs the Developer role (the "Manage API keys" permission) and API keys enabled on the tenant; see your roles with: qlik user me | jq -r '.assignedRoles[].name'`,
  },
  {
    about: 'a key id that does not exist (or is not yours)',
    when: (x) => x.status === 404 && /^api-key (get|patch|edit|rm)$/.test(x.command),
    hint: () => 'list the ids of your keys with: qlik api-key ls -q',
  },
  {
    about: 'rate limited',
    when: (x) => x.status === 429,
    hint: () => 'the server limits how often it may be called; add --retry 3 to wait and send again',
  },
];

/** The hint for a server error, or undefined when the CLI knows no way out. */
export function serverErrorHint(e: HttpError, ctx: HintContext): string | undefined {
  const first = serverErrors(e)[0] ?? {};
  const facts: Facts = {
    status: e.status,
    code: first.code ?? '',
    detail: first.detail ?? '',
    pointer: first.source?.pointer ?? '',
    command: ctx.command,
    flags: ctx.flags,
    credentials: ctx.credentials,
  };
  const rule = HINTS.find((r) => r.when(facts));
  return rule?.hint(facts);
}
