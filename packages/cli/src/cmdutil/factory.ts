// The Factory lazily provides what commands need: IO streams, the environment, the -c config file, resolved settings
// and the HTTP client. Nothing is read or loaded until a command asks for it, so `qlik --help` touches no file and no
// network. The root records the global flags once (begin), before the command runs; nothing here knows the parser.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { ConfigValues } from '../config/configfile.js';
import { expiryWarning, keyIdOf } from '../config/key-expiry.js';
import { contextsFilePath, tokenCachePath } from '../config/paths.js';
import type { OAuthCredentials, Settings } from '../config/resolve.js';
import { CliError, ConfigError } from '../errors/errors.js';
import { shellWord } from '../errors/hints.js';
import type { HttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import type { Transport } from '../http/transport.js';
import { systemIO, type IOStreams } from '../iostreams/iostreams.js';
import { authorizationHeader, checkHeaders } from '../text/headers.js';
import { isSecretName } from '../text/secrets.js';
import type { Command } from './command.js';
import type { FlagSet, FlagSpec, GlobalFlagValues } from './flags.js';

export type Env = Record<string, string | undefined>;

export interface ClientTarget {
  server: string;
  headers: Record<string, string>;
  insecure: boolean;
  oauth?: OAuthCredentials | undefined;
  verbose?: boolean;
  userAgentComment?: string;
  /** Not aborted by an interrupt (the clean-up a command must still do after SIGINT/SIGTERM). */
  ignoreInterrupt?: boolean;
}

export interface Factory {
  io: IOStreams;
  env: Env;
  redactor: Redactor;
  /** Aborted when the run is interrupted (SIGINT/SIGTERM); its reason is a CancelledError. */
  signal: AbortSignal;
  contextsPath(): string;
  /** Recorded by the root before the command runs: the command and the flags given. */
  begin(cmd: Command, flags: FlagSet): void;
  /** The global flags given on the command line. */
  globals(): GlobalFlagValues;
  /** The -c config file's values (empty when -c is not given), checked against the command's flags. */
  config(): Promise<ConfigValues>;
  /** Settings resolved from flags, -c and the context (read once; notices printed once). */
  settings(): Promise<Settings>;
  /** The settings, if a command has resolved them already (main.ts reads them to explain a server's refusal). */
  resolvedSettings(): Settings | undefined;
  /** The command that runs and the flags given (recorded by begin). */
  invocation(): { cmd: Command; flags: FlagSet } | undefined;
  /** Whether errors and output should be JSON: --json, else `json: true` in the -c file. */
  jsonMode(): Promise<boolean>;
  /** The client for the resolved settings (a server is required); `userAgentComment` is added to the User-Agent. */
  httpClient(opts?: { userAgentComment?: string }): Promise<HttpClient>;
  /** A client for an explicit server and credentials (context init). */
  httpClientFor(target: ClientTarget): Promise<HttpClient>;
  /** Waits, or rejects with the cancellation reason when the run is interrupted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Called by main when the command ends, to close sockets. */
  dispose(): Promise<void>;
}

export interface FactoryOptions {
  io?: IOStreams;
  env?: Env;
  home?: string;
  signal?: AbortSignal;
  /** Replaces the network (tests: a stub registry). */
  transport?: Transport;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const MAX_ENV_SECONDS = 86_400;

function envSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(`${name}: expected a positive number of seconds, got ${JSON.stringify(raw)}`);
  // Node's timers hold at most 2^31-1 ms (~24.8 days); a larger value would fire at once and fail every request.
  if (n > MAX_ENV_SECONDS)
    throw new CliError(`${name}: at most ${MAX_ENV_SECONDS} seconds (one day), got ${JSON.stringify(raw)}`);
  return n;
}

function isLoopback(server: string): boolean {
  const host = new URL(server).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** Every key a -c config file may hold for a command: the global flags, api-key, and the command's own flags. */
function configKeys(cmd: Command): string[] {
  const specs: FlagSpec[] = [...cmd.inheritedFlags(), ...cmd.localFlags()];
  return [...new Set([...specs.map((s) => s.name), 'api-key'])].filter((k) => k !== 'config' && k !== 'help');
}

export function newFactory(opts: FactoryOptions = {}): Factory {
  const env = opts.env ?? process.env;
  const io = opts.io ?? systemIO();
  const home = opts.home ?? homedir();
  const redactor = new Redactor();
  const signal = opts.signal ?? new AbortController().signal;
  const sleep = opts.sleep ?? abortableSleep;
  let command: Command | undefined;
  let flags: FlagSet | undefined;
  let configValues: Promise<ConfigValues> | undefined;
  let settings: Promise<Settings> | undefined;
  let resolved: Settings | undefined;
  const clientsByComment = new Map<string, Promise<HttpClient>>();
  const clients: HttpClient[] = [];
  // One transport (its connection pools) for every client of the command that verifies certificates the same way:
  // a rotate's clients for the old and the new key reuse one keep-alive connection. A pool holds no credentials (each
  // request carries its own headers) and keeps connections per host and port, so sharing it sends nothing elsewhere.
  const transports = new Map<boolean, Transport>();

  const globals = (): GlobalFlagValues => {
    const out: Record<string, unknown> = {};
    for (const name of flags?.names() ?? []) out[name] = flags?.get(name);
    return out;
  };

  const f: Factory = {
    io,
    env,
    redactor,
    signal,
    contextsPath: () => contextsFilePath(env, home),
    begin(cmd, given) {
      command = cmd;
      flags = given;
      const h = given.get('headers') as Record<string, string> | undefined;
      if (h) for (const [k, v] of Object.entries(h)) if (isSecretName(k)) redactor.addHeaderSecret(v);
    },
    globals,
    config() {
      configValues ??= (async () => {
        const path = globals().config;
        if (path === undefined) return {};
        if (path === '') throw new ConfigError('--config: the path is empty');
        const { loadConfigFile } = await import('../config/configfile.js');
        return loadConfigFile(resolve(path), command ? configKeys(command) : [], env);
      })();
      return configValues;
    },
    settings() {
      settings ??= (async () => {
        const g = globals();
        const { resolveSettings } = await import('../config/resolve.js');
        const s = await resolveSettings({
          flags: g,
          config: await f.config(),
          configPath: g.config ?? '',
          contextsPath: f.contextsPath(),
          requireServer: false,
          env,
        });
        for (const [k, v] of Object.entries(s.headers)) if (isSecretName(k)) redactor.addHeaderSecret(v);
        if (s.oauth) redactor.addSecret(s.oauth.clientSecret);
        for (const line of s.notices) io.warn(line);
        if (s.contextName !== undefined && !s.fromEnv) {
          const auth = s.headers.Authorization ?? s.headers.authorization;
          const warning = expiryWarning(f.contextsPath(), s.contextName, keyIdOf(auth), env);
          if (warning !== undefined) io.warn(warning);
        }
        resolved = s;
        return s;
      })();
      return settings;
    },
    resolvedSettings: () => resolved,
    invocation: () => (command && flags ? { cmd: command, flags } : undefined),
    async jsonMode() {
      const flag = globals().json;
      if (flag !== undefined) return flag;
      try {
        return (await f.config()).json === true;
      } catch {
        return false;
      }
    },
    httpClient(o = {}) {
      const comment = o.userAgentComment ?? '';
      let client = clientsByComment.get(comment);
      if (!client) {
        client = (async () => {
          const s = await f.settings();
          if (s.server === '') {
            if (s.contextName === undefined) {
              // Contexts exist but none is current: the way out is `context use`, not `context create`.
              const { readContexts } = await import('../config/contexts.js');
              const names = await readContexts(f.contextsPath()).then(
                (c) => c.names(),
                () => [],
              );
              const [only] = names;
              if (only !== undefined) {
                throw new ConfigError(`no server given and no context is current (contexts: ${names.join(', ')})`, {
                  hint: `make one current with: qlik context use ${names.length === 1 ? shellWord(only) : '<name>'} (or pass --context <name>)`,
                });
              }
            }
            throw new ConfigError(
              'no server given: use --server, a -c config file with "server", or a context (qlik context create <name> --server <url> --api-key -)',
            );
          }
          if (s.verbose && s.serverTypeGuessed) io.warn('Server-type not set, guessing "cloud"');
          return f.httpClientFor({
            server: s.server,
            headers: s.headers,
            insecure: s.insecure,
            oauth: s.oauth,
            verbose: s.verbose,
            ...(comment ? { userAgentComment: comment } : {}),
          });
        })();
        clientsByComment.set(comment, client);
      }
      return client;
    },
    async httpClientFor(target) {
      checkHeaders(target.headers, 'headers');
      if (target.insecure) io.warn('Warning: --insecure is set: the server certificate is not verified');
      const hasCredentials = target.oauth !== undefined || authorizationHeader(target.headers) !== undefined;
      if (target.server.startsWith('http://') && hasCredentials && !isLoopback(target.server)) {
        io.warn(`Warning: sending credentials over plain http:// to ${new URL(target.server).host}`);
      }
      const [{ HttpClient }, { NodeTransport }, { proxyFromEnv }] = await Promise.all([
        import('../http/client.js'),
        import('../http/transport.js'),
        import('../http/proxy.js'),
      ]);
      let proxy;
      try {
        proxy = proxyFromEnv(env);
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
      for (const p of [proxy.http, proxy.https]) {
        if (p?.password) {
          redactor.addSecret(p.password);
          redactor.addSecret(decodeURIComponent(p.password));
        }
      }
      let transport = opts.transport ?? transports.get(target.insecure);
      if (transport === undefined) {
        transport = new NodeTransport({
          insecure: target.insecure,
          connectTimeoutMs: envSeconds(env, 'QLIK_HTTP_CONNECT_TIMEOUT', 10) * 1000,
          totalTimeoutMs: envSeconds(env, 'QLIK_HTTP_TIMEOUT', 60) * 1000,
          maxBodyBytes: 10 * 1024 * 1024,
          proxy,
        });
        transports.set(target.insecure, transport);
      }
      const common = {
        warn: (line: string) => io.warn(line),
        redactor,
        transport,
        sleep,
        signal: target.ignoreInterrupt ? new AbortController().signal : signal,
        // -v traces every client of the command, those made for another key (rotate, exec, context) included.
        verbose: target.verbose ?? resolved?.verbose ?? false,
      };
      let auth;
      if (target.oauth) {
        redactor.addSecret(target.oauth.clientSecret);
        const { OAuthAuthenticator } = await import('../http/oauth.js');
        const tokens = new HttpClient({ ...common, server: target.server, headers: {} });
        auth = new OAuthAuthenticator({
          client: tokens,
          credentials: target.oauth,
          cacheFile: tokenCachePath(f.contextsPath()),
          redactor,
          // The token request is safe to repeat: it follows the command's --retry and --interval.
          retry: { retry: Number(flags?.get('retry') ?? 0), intervalSeconds: Number(flags?.get('interval') ?? 1) },
        });
      }
      const http = new HttpClient({
        ...common,
        server: target.server,
        headers: target.headers,
        auth,
        ...(target.userAgentComment ? { userAgentComment: target.userAgentComment } : {}),
      });
      clients.push(http);
      return http;
    },
    sleep: (ms, s) => sleep(ms, s ?? signal),
    async dispose() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
  return f;
}
