// The Factory lazily provides what commands need: IO streams, the environment, resolved settings and the HTTP
// client. Nothing is read or loaded until a command asks for it, so `qlik --help` touches no file and no network.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile, type ConfigValues } from '../config/configfile.js';
import { contextsFilePath } from '../config/contexts.js';
import { resolveSettings, type GlobalFlagValues, type Settings } from '../config/resolve.js';
import type { HttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import { systemIO, type IOStreams } from '../iostreams/iostreams.js';
import { CliError } from './errors.js';
import { flagSpecs, globalFlags } from './flags.js';

export interface Factory {
  io: IOStreams;
  env: Record<string, string | undefined>;
  redactor: Redactor;
  contextsPath(): string;
  /** The -c config file's values (empty when -c is not given). */
  config(cmd: Command): Promise<ConfigValues>;
  settings(cmd: Command, opts?: { requireServer?: boolean }): Promise<Settings>;
  httpClient(cmd: Command): Promise<HttpClient>;
  /** Whether resolved settings asked for JSON output (`json: true` in a -c file counts too); false before resolution. */
  jsonRequested(): boolean;
  /** Called by main when the command ends, to close sockets. */
  dispose(): Promise<void>;
}

export function globalValues(cmd: Command): GlobalFlagValues {
  return cmd.optsWithGlobals<GlobalFlagValues>();
}

/** Every key a -c config file may hold for this command: the global flags, api-key, and the command's own flags. */
export function configKeys(cmd: Command): string[] {
  return [...new Set([...globalFlags.map((s) => s.name), 'api-key', ...flagSpecs(cmd).map((s) => s.name)])].filter(
    (k) => k !== 'config',
  );
}

export function newFactory(opts: { io?: IOStreams; env?: Record<string, string | undefined>; home?: string } = {}): Factory {
  const env = opts.env ?? process.env;
  const io = opts.io ?? systemIO(env);
  const home = opts.home ?? homedir();
  const redactor = new Redactor();
  let configValues: Promise<ConfigValues> | undefined;
  let settings: Promise<Settings> | undefined;
  let client: HttpClient | undefined;
  let json = false;

  const f: Factory = {
    io,
    env,
    redactor,
    contextsPath: () => contextsFilePath(env, home),
    config(cmd) {
      configValues ??= (async () => {
        const path = globalValues(cmd).config;
        if (path === undefined) return {};
        if (path === '') throw new CliError('--config: the path is empty');
        return loadConfigFile(resolve(path), configKeys(cmd), env);
      })();
      return configValues;
    },
    settings(cmd, o = {}) {
      settings ??= (async () => {
        const flags = globalValues(cmd);
        const s = await resolveSettings({
          flags,
          config: await f.config(cmd),
          configPath: flags.config ?? '',
          contextsPath: f.contextsPath(),
          requireServer: o.requireServer ?? true,
        });
        json = s.json;
        return s;
      })();
      return settings;
    },
    async httpClient(cmd) {
      if (client) return client;
      const s = await f.settings(cmd);
      if (s.insecure) io.warn('Warning: --insecure is set: the server certificate is not verified');
      if (s.verbose && s.serverTypeGuessed) io.warn('Server-type not set, guessing "cloud"');
      if (s.server.startsWith('http://') && s.headers.Authorization !== undefined && !isLoopback(s.server)) {
        io.warn(`Warning: sending credentials over plain http:// to ${new URL(s.server).host}`);
      }
      const { HttpClient } = await import('../http/client.js');
      client = new HttpClient({ server: s.server, headers: s.headers, insecure: s.insecure, verbose: s.verbose, io, redactor, env });
      return client;
    },
    jsonRequested: () => json,
    async dispose() {
      await client?.close();
    },
  };
  return f;
}

function isLoopback(server: string): boolean {
  const host = new URL(server).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
