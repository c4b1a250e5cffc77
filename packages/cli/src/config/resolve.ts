// Settings resolution: command-line flag > -c config file > context (--context or current-context) > default.
// Pure apart from reading the contexts file, and table-tested in resolve.test.ts.
import { ConfigError, FlagError } from '../cmdutil/errors.js';
import { mergeHeaders } from '../http/headers.js';
import type { ConfigValues } from './configfile.js';
import { readContexts, type ContextsSnapshot, type QlikContext } from './contexts.js';

export type ServerType = 'cloud' | 'windows' | 'engine';

export interface GlobalFlagValues {
  config?: string | undefined;
  context?: string | undefined;
  headers?: Record<string, string> | undefined;
  insecure?: boolean | undefined;
  json?: boolean | undefined;
  server?: string | undefined;
  serverType?: string | undefined;
  verbose?: boolean | undefined;
}

export interface Settings {
  server: string;
  serverType: ServerType;
  /** Whether the server type was given anywhere, or guessed as cloud. */
  serverTypeGuessed: boolean;
  headers: Record<string, string>;
  insecure: boolean;
  json: boolean;
  verbose: boolean;
  contextName: string | undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// CR, LF and NUL are never allowed (RFC 9110 §5.5); other C0 controls except TAB, and DEL, are rejected too.
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Reject header names that are not RFC 9110 tokens and values holding CR, LF, NUL or other controls. */
export function checkHeaders(headers: Record<string, string>, source: string): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new FlagError(`${source}: invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string') throw new FlagError(`${source}: header ${name} must be a string`);
    if (BAD_VALUE.test(value)) {
      throw new FlagError(`${source}: header ${name} has a control character (CR, LF or NUL) in its value`);
    }
  }
}

/** `tenant.eu.qlikcloud.com` → `https://tenant.eu.qlikcloud.com`; keeps a path prefix; rejects other schemes. */
export function normalizeServer(raw: string, source: string): string {
  const value = raw.trim();
  if (value === '') throw new FlagError(`${source}: the server URL is empty`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new FlagError(`${source}: ${JSON.stringify(raw)} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FlagError(`${source}: unsupported scheme "${url.protocol.replace(/:$/, '')}" in ${JSON.stringify(raw)} (use https:// or http://)`);
  }
  if (!url.hostname) throw new FlagError(`${source}: ${JSON.stringify(raw)} has no host`);
  if (url.username || url.password) throw new FlagError(`${source}: credentials in the server URL are not allowed; use --api-key or --headers`);
  if (url.search || url.hash) throw new FlagError(`${source}: the server URL must not have a query or fragment`);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function parseServerType(raw: string, source: string): ServerType {
  const v = raw.trim().toLowerCase();
  if (v === 'cloud' || v === 'windows' || v === 'engine') return v;
  throw new FlagError(`${source}: invalid server type ${JSON.stringify(raw)} (valid: cloud, windows, engine)`);
}

function str(config: ConfigValues, key: string, path: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`config file ${path}: '${key}' must be a string`);
  return v;
}

function bool(config: ConfigValues, key: string, path: string): boolean | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`config file ${path}: '${key}' must be true or false`);
  return v;
}

function headerMap(config: ConfigValues, path: string): Record<string, string> {
  const v = config.headers;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`config file ${path}: 'headers' must be a map`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') throw new ConfigError(`config file ${path}: 'headers.${k}' must be a string`);
    out[k] = val;
  }
  return out;
}


export function pickContext(snapshot: ContextsSnapshot, wanted: string | undefined, source: string): [string, QlikContext] | undefined {
  const name = wanted ?? (snapshot.current || undefined);
  if (name === undefined) return undefined;
  const ctx = snapshot.get(name);
  if (!ctx) {
    const names = snapshot.names();
    const available = names.length > 0 ? `; available: ${names.join(', ')}` : '';
    const origin = wanted === undefined ? `current-context '${name}'` : `context '${name}'`;
    throw new ConfigError(`${origin} not found in ${snapshot.path}${available}${wanted !== undefined ? ` (${source})` : ''}`);
  }
  return [name, ctx];
}

export interface ResolveInput {
  flags: GlobalFlagValues;
  config: ConfigValues;
  configPath: string;
  contextsPath: string;
  /** Only commands that talk to a server need one. */
  requireServer: boolean;
}

export async function resolveSettings(input: ResolveInput): Promise<Settings> {
  const { flags, config, configPath: cfgPath } = input;
  if (flags.headers) checkHeaders(flags.headers, '--headers');
  const cfgHeaders = headerMap(config, cfgPath);
  checkHeaders(cfgHeaders, `config file ${cfgPath}`);
  const cfgApiKey = str(config, 'api-key', cfgPath);
  if (cfgApiKey !== undefined) cfgHeaders.Authorization = `Bearer ${cfgApiKey}`;

  const wantedContext = flags.context ?? str(config, 'context', cfgPath);
  const snapshot = await readContexts(input.contextsPath);
  const picked = pickContext(snapshot, wantedContext, flags.context !== undefined ? '--context' : 'config file');
  const [contextName, ctx] = picked ?? [undefined, {}];
  const ctxHeaders = ctx.headers ?? {};
  checkHeaders(ctxHeaders, `context '${contextName ?? ''}' in ${input.contextsPath}`);

  const rawServer = flags.server ?? str(config, 'server', cfgPath) ?? ctx.server;
  const serverSource =
    flags.server !== undefined ? '--server' : config.server !== undefined ? `config file ${cfgPath}` : `context '${contextName ?? ''}'`;
  if (rawServer === undefined && input.requireServer) {
    throw new ConfigError(
      'no server given: use --server, a -c config file with "server", or a context (qlik context create <name> --server <url> --api-key -)',
    );
  }
  const server = rawServer === undefined ? '' : normalizeServer(rawServer, serverSource);

  const rawType = flags.serverType ?? str(config, 'server-type', cfgPath) ?? ctx['server-type'];
  const serverType = rawType === undefined ? 'cloud' : parseServerType(rawType, flags.serverType !== undefined ? '--server-type' : 'server-type');

  const json = flags.json ?? bool(config, 'json', cfgPath) ?? false;
  return {
    server,
    serverType,
    serverTypeGuessed: rawType === undefined,
    headers: mergeHeaders(ctxHeaders, cfgHeaders, flags.headers ?? {}),
    insecure: flags.insecure ?? bool(config, 'insecure', cfgPath) ?? ctx.insecure ?? false,
    json,
    // --json disables verbose and traffic output.
    verbose: !json && (flags.verbose ?? bool(config, 'verbose', cfgPath) ?? false),
    contextName,
  };
}
