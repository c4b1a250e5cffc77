// Settings resolution: command-line flag > -c config file > the environment (QLIK_SERVER with QLIK_API_KEY or an
// OAuth client, unless --context or --server says otherwise) > context (--context or current-context) > default.
// Every header source is checked here, before any request, and a context's credentials are bound to the context's own
// server: when --server or a -c `server:` points elsewhere they are not sent (as gh binds tokens to hosts).
// Pure apart from reading the contexts file, and table-tested in resolve.test.ts.
import { ConfigError } from '../errors/errors.js';
import type { CredentialSource } from '../errors/hints.js';
import { authorizationHeader, checkHeaders, mergeHeaders } from '../text/headers.js';
import { commandSuggestions } from '../text/suggest.js';
import { isSecretName } from '../text/secrets.js';
import type { ConfigValues } from './configfile.js';
import { readContexts, type ContextsSnapshot } from './contexts.js';
import { hasOAuthClient, type QlikContext, type ServerType } from './schema.js';
import { apiSuffixNote, normalizeServer, parseServerType } from './server.js';

export { normalizeServer, parseServerType } from './server.js';

export type { ServerType } from './schema.js';

export interface OAuthCredentials {
  clientId: string;
  clientSecret: string;
  scope: string | undefined;
  contextName: string;
}

export interface Settings {
  /** The server's base URL; '' when none was given and none is required. */
  server: string;
  serverType: ServerType;
  /** Whether the server type was given anywhere, or guessed as cloud. */
  serverTypeGuessed: boolean;
  /** Sent with every request (validated). */
  headers: Record<string, string>;
  /** The context's OAuth client, when it authenticates that way. */
  oauth: OAuthCredentials | undefined;
  insecure: boolean;
  json: boolean;
  verbose: boolean;
  contextName: string | undefined;
  /** Where the credentials sent come from (for hints when the server refuses them). */
  credentials: CredentialSource;
  /** Lines for stderr, printed once (credentials withheld, file permissions). */
  notices: string[];
  /** Whether the credentials come from the environment (QLIK_SERVER with QLIK_API_KEY or an OAuth client). */
  fromEnv: boolean;
}

/** The name OAuth messages use for credentials from the environment. */
const ENV_CREDENTIALS = 'the environment (QLIK_SERVER)';

/** Credentials from the environment: QLIK_SERVER with QLIK_API_KEY, or with QLIK_OAUTH_CLIENT_ID and _SECRET (an incomplete set with QLIK_SERVER is an error). */
export function envCredentials(
  env: Record<string, string | undefined>,
): { server: string; apiKey?: string; clientId?: string; clientSecret?: string } | undefined {
  const v = (k: string): string | undefined => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const server = v('QLIK_SERVER');
  const apiKey = v('QLIK_API_KEY');
  const clientId = v('QLIK_OAUTH_CLIENT_ID');
  const clientSecret = v('QLIK_OAUTH_CLIENT_SECRET');
  // Without QLIK_SERVER the other variables may be another tool's: they are not used.
  if (server === undefined) return undefined;
  if (apiKey !== undefined && (clientId !== undefined || clientSecret !== undefined)) {
    throw new ConfigError(
      'QLIK_API_KEY and QLIK_OAUTH_CLIENT_ID/QLIK_OAUTH_CLIENT_SECRET are both set: keep one kind of credentials',
    );
  }
  if (apiKey !== undefined) {
    if (/[\r\n]/.test(apiKey)) throw new ConfigError('QLIK_API_KEY has a line break in its value');
    return { server, apiKey: apiKey.trim() };
  }
  if (clientId !== undefined && clientSecret !== undefined) return { server, clientId, clientSecret };
  if (clientId !== undefined || clientSecret !== undefined) {
    throw new ConfigError(
      `${clientId !== undefined ? 'QLIK_OAUTH_CLIENT_ID' : 'QLIK_OAUTH_CLIENT_SECRET'} is set without ${clientId !== undefined ? 'QLIK_OAUTH_CLIENT_SECRET' : 'QLIK_OAUTH_CLIENT_ID'}`,
    );
  }
  throw new ConfigError(
    'QLIK_SERVER is set without credentials: set QLIK_API_KEY, or QLIK_OAUTH_CLIENT_ID and QLIK_OAUTH_CLIENT_SECRET',
  );
}

/** The global flags that resolution reads (the command line's values; undefined when not given). */
export interface ResolveFlags {
  context?: string | undefined;
  headers?: Record<string, string> | undefined;
  insecure?: boolean | undefined;
  json?: boolean | undefined;
  server?: string | undefined;
  'server-type'?: string | undefined;
  verbose?: boolean | undefined;
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

function pickContext(
  snapshot: ContextsSnapshot,
  wanted: string | undefined,
  source: string,
): [string, QlikContext] | undefined {
  const name = wanted ?? (snapshot.current || undefined);
  if (name === undefined) return undefined;
  const ctx = snapshot.get(name);
  if (!ctx) {
    const names = snapshot.names();
    const available = names.length > 0 ? `; available: ${names.join(', ')}` : '';
    const origin = wanted === undefined ? `current-context '${name}'` : `context '${name}'`;
    const close = commandSuggestions(name, names)[0];
    const hint =
      close === undefined
        ? undefined
        : wanted !== undefined && source === '--context'
          ? `did you mean --context ${close}?`
          : `did you mean '${close}'? qlik context use ${close}`;
    throw new ConfigError(
      `${origin} not found in ${snapshot.path}${available}${wanted !== undefined ? ` (${source})` : ''}`,
      { hint },
    );
  }
  return [name, ctx];
}

export interface ResolveInput {
  flags: ResolveFlags;
  config: ConfigValues;
  configPath: string;
  contextsPath: string;
  /** Only commands that talk to a server need one. */
  requireServer: boolean;
  /** The process environment (credentials from QLIK_SERVER/QLIK_API_KEY/QLIK_OAUTH_CLIENT_*). */
  env?: Record<string, string | undefined>;
}

function originOf(server: string | undefined): string | undefined {
  if (server === undefined) return undefined;
  try {
    return new URL(normalizeServer(server, 'server')).origin;
  } catch {
    return undefined;
  }
}

export async function resolveSettings(input: ResolveInput): Promise<Settings> {
  const { flags, config, configPath: cfgPath } = input;
  const notices: string[] = [];
  if (flags.headers) checkHeaders(flags.headers, '--headers');
  const cfgHeaders = headerMap(config, cfgPath);
  checkHeaders(cfgHeaders, `config file ${cfgPath}: headers`);
  const cfgApiKey = str(config, 'api-key', cfgPath);
  if (cfgApiKey !== undefined) {
    if (/[\r\n]/.test(cfgApiKey))
      throw new ConfigError(
        `config file ${cfgPath}: 'api-key' has a line break in its value (does the environment variable end in a newline?)`,
      );
    cfgHeaders.Authorization = `Bearer ${cfgApiKey}`;
    checkHeaders({ Authorization: cfgHeaders.Authorization }, `config file ${cfgPath}: 'api-key'`);
  }

  const wantedContext = flags.context ?? str(config, 'context', cfgPath);
  const fromEnv = wantedContext === undefined ? envCredentials(input.env ?? {}) : undefined;
  // --server (or a -c `server:`) pointing elsewhere than QLIK_SERVER says otherwise: the environment is not used.
  const givenServer = flags.server ?? str(config, 'server', cfgPath);
  if (fromEnv !== undefined && (givenServer === undefined || originOf(givenServer) === originOf(fromEnv.server))) {
    return envSettings(input, fromEnv, cfgHeaders, notices);
  }
  const snapshot = await readContexts(input.contextsPath);
  notices.push(...snapshot.warnings);
  const picked = pickContext(snapshot, wantedContext, flags.context !== undefined ? '--context' : 'config file');
  const [contextName, ctx] = picked ?? [undefined, {}];
  const ctxHeaders = ctx.headers ?? {};
  checkHeaders(ctxHeaders, `context '${contextName ?? ''}' in ${input.contextsPath}`);

  const rawServer = flags.server ?? str(config, 'server', cfgPath) ?? ctx.server;
  const serverSource =
    flags.server !== undefined
      ? '--server'
      : config.server !== undefined
        ? `config file ${cfgPath}`
        : `context '${contextName ?? ''}'`;
  if (rawServer === undefined && input.requireServer) {
    throw new ConfigError(
      'no server given: use --server, a -c config file with "server", or a context (qlik context create <name> --server <url> --api-key -)',
    );
  }
  const server = rawServer === undefined ? '' : normalizeServer(rawServer, serverSource);
  const suffix = rawServer === undefined ? undefined : apiSuffixNote(rawServer, serverSource);
  if (suffix !== undefined) notices.push(suffix);

  // The context's credentials go only to the context's own server.
  const ctxOrigin = originOf(ctx.server);
  const sameServer = server !== '' && ctxOrigin !== undefined && new URL(server).origin === ctxOrigin;
  const ctxSecretHeaders = Object.keys(ctxHeaders).filter((h) => isSecretName(h));
  const hasOAuth = hasOAuthClient(ctx);
  let sentCtxHeaders = ctxHeaders;
  if (!sameServer && contextName !== undefined && (ctxSecretHeaders.length > 0 || hasOAuth) && server !== '') {
    sentCtxHeaders = Object.fromEntries(Object.entries(ctxHeaders).filter(([h]) => !isSecretName(h)));
    notices.push(
      `Warning: not sending the credentials of context '${contextName}' to ${new URL(server).origin}: they belong to ${ctxOrigin ?? 'no server'} (${serverSource} points elsewhere)`,
    );
  }
  let oauth: OAuthCredentials | undefined;
  if (hasOAuth && sameServer) {
    if (authorizationHeader(ctxHeaders) !== undefined) {
      throw new ConfigError(
        `context '${contextName ?? ''}' has both an API key and an OAuth client; keep one (qlik context update)`,
      );
    }
    const secret = ctx['oauth-client-secret'];
    if (secret === undefined || secret === '') {
      throw new ConfigError(
        `context '${contextName ?? ''}' has an OAuth client id but no client secret (qlik context update ${contextName ?? ''} --oauth-client-secret -)`,
      );
    }
    oauth = {
      clientId: ctx['oauth-client-id'] ?? '',
      clientSecret: secret,
      scope: ctx['oauth-scope'],
      contextName: contextName ?? '',
    };
  }

  const rawType = flags['server-type'] ?? str(config, 'server-type', cfgPath) ?? ctx['server-type'];
  const serverType =
    rawType === undefined
      ? 'cloud'
      : parseServerType(rawType, flags['server-type'] !== undefined ? '--server-type' : 'server-type');

  const json = flags.json ?? bool(config, 'json', cfgPath) ?? false;
  const credentials: CredentialSource =
    authorizationHeader(flags.headers ?? {}) !== undefined
      ? { kind: 'headers' }
      : authorizationHeader(cfgHeaders) !== undefined
        ? { kind: 'config' }
        : authorizationHeader(sentCtxHeaders) !== undefined && contextName !== undefined
          ? { kind: 'context-api-key', context: contextName }
          : oauth !== undefined
            ? { kind: 'context-oauth', context: oauth.contextName }
            : { kind: 'none' };
  return {
    server,
    serverType,
    serverTypeGuessed: rawType === undefined,
    headers: mergeHeaders(sentCtxHeaders, cfgHeaders, flags.headers ?? {}),
    oauth,
    insecure: flags.insecure ?? bool(config, 'insecure', cfgPath) ?? ctx.insecure ?? false,
    json,
    // --json disables verbose and traffic output.
    verbose: !json && (flags.verbose ?? bool(config, 'verbose', cfgPath) ?? false),
    contextName,
    credentials,
    notices,
    fromEnv: false,
  };
}

/** Settings when the environment gives the credentials: bound to QLIK_SERVER's origin as a context's are. */
function envSettings(
  input: ResolveInput,
  e: { server: string; apiKey?: string; clientId?: string; clientSecret?: string },
  cfgHeaders: Record<string, string>,
  notices: string[],
): Settings {
  const { flags, config, configPath: cfgPath } = input;
  const envServer = normalizeServer(e.server, 'QLIK_SERVER');
  const rawServer = flags.server ?? str(config, 'server', cfgPath);
  const server =
    rawServer === undefined
      ? envServer
      : normalizeServer(rawServer, flags.server !== undefined ? '--server' : `config file ${cfgPath}`);
  const envHeaders: Record<string, string> = {};
  let oauth: OAuthCredentials | undefined;
  if (e.apiKey !== undefined) {
    envHeaders.Authorization = `Bearer ${e.apiKey}`;
    checkHeaders(envHeaders, 'QLIK_API_KEY');
  } else if (e.clientId !== undefined && e.clientSecret !== undefined) {
    oauth = {
      clientId: e.clientId,
      clientSecret: e.clientSecret,
      scope: input.env?.QLIK_OAUTH_SCOPE,
      contextName: ENV_CREDENTIALS,
    };
  }
  const rawType = flags['server-type'] ?? str(config, 'server-type', cfgPath);
  const serverType =
    rawType === undefined
      ? 'cloud'
      : parseServerType(rawType, flags['server-type'] !== undefined ? '--server-type' : 'server-type');
  const json = flags.json ?? bool(config, 'json', cfgPath) ?? false;
  return {
    server,
    serverType,
    serverTypeGuessed: rawType === undefined,
    headers: mergeHeaders(envHeaders, cfgHeaders, flags.headers ?? {}),
    oauth,
    insecure: flags.insecure ?? bool(config, 'insecure', cfgPath) ?? false,
    json,
    verbose: !json && (flags.verbose ?? bool(config, 'verbose', cfgPath) ?? false),
    contextName: undefined,
    credentials:
      authorizationHeader(flags.headers ?? {}) !== undefined
        ? { kind: 'headers' }
        : authorizationHeader(cfgHeaders) !== undefined
          ? { kind: 'config' }
          : { kind: 'env' },
    notices,
    fromEnv: true,
  };
}
