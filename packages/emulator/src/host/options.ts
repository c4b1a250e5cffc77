// The emulator's options, once: the programmatic StartOptions, the command-line flags that spell the
// same options (parseFlags for bin/qlik-emulator.js, toFlags for a child process), and their checks.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiError } from '../shared/errors.js';
import { DEFAULT_M2M_API_KEYS, M2M_API_KEY_MODES, type M2mApiKeyMode } from '../shared/settings.js';
import { defaultSeed, parseSeed, type Seed, type SeedInput } from '../control/seed.js';
import { printable } from '../shared/text.js';
import type { StartOptions } from '../public-types.js';

/** A bad option or flag: reported as one line (exit 2 on the command line). */
export class OptionError extends Error {}

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  tls: { type: 'boolean', default: false },
  'rate-limit': { type: 'boolean', default: false },
  'clamp-expiry': { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  'allow-remote-control': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  seed: { type: 'string' },
  'm2m-api-keys': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new OptionError(`invalid --port "${text}": expected 0-65535`);
  return port;
}

function parseArgv(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new OptionError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Command-line flags as StartOptions (only the options given), plus --help, --version and --json
 * (print the JSON line even on a terminal: how the line is shown is not an option of the service).
 */
export function parseFlags(argv: string[]): { help: boolean; version: boolean; json: boolean; options: StartOptions } {
  const values = parseArgv(argv);
  const options: StartOptions = {};
  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = parsePort(values.port);
  if (values.data !== undefined) options.data = values.data;
  if (values.tls) options.tls = true;
  if (values['rate-limit']) options.rateLimit = true;
  if (values['clamp-expiry']) options.clampExpiry = true;
  if (values.strict) options.strict = true;
  if (values.quiet) options.quiet = true;
  if (values['allow-remote-control']) options.allowRemoteControl = true;
  if (values.seed !== undefined) options.seed = values.seed;
  if (values['m2m-api-keys'] !== undefined)
    options.m2mApiKeys = parseM2mApiKeys(values['m2m-api-keys'], '--m2m-api-keys');
  return { help: values.help, version: values.version, json: values.json, options };
}

/** The flags that give a child process the same options; a seed object must have been written to `seedFile`. */
export function toFlags(opts: StartOptions, seedFile?: string): string[] {
  const flags: string[] = [];
  if (opts.host !== undefined) flags.push('--host', opts.host);
  if (opts.port !== undefined) flags.push('--port', String(opts.port));
  if (opts.data !== undefined) flags.push('--data', opts.data);
  if (opts.tls === true) flags.push('--tls');
  if (opts.rateLimit === true) flags.push('--rate-limit');
  if (opts.clampExpiry === true) flags.push('--clamp-expiry');
  if (opts.strict === true) flags.push('--strict');
  if (opts.quiet === true) flags.push('--quiet');
  if (opts.allowRemoteControl === true) flags.push('--allow-remote-control');
  const seed = typeof opts.seed === 'string' ? opts.seed : opts.seed === undefined ? undefined : seedFile;
  if (seed !== undefined) flags.push('--seed', seed);
  if (opts.m2mApiKeys !== undefined) flags.push('--m2m-api-keys', opts.m2mApiKeys);
  return flags;
}

function describe(e: unknown): string {
  if (e instanceof ApiError)
    return `${e.message}${e.error.source?.pointer === undefined ? '' : ` (at ${e.error.source.pointer || '/'})`}`;
  return e instanceof Error ? e.message : String(e);
}

/** The options checked and completed with their defaults, the seed read and validated: what the service needs. */
export interface ServiceOptions {
  host: string;
  /** Undefined when not given: with a data file the stored port is tried first, else a free one is picked. */
  port?: number;
  dataPath?: string;
  tls: boolean;
  rateLimit: boolean;
  clampExpiry: boolean;
  strict: boolean;
  m2mApiKeys: M2mApiKeyMode;
  quiet: boolean;
  allowRemoteControl: boolean;
  seed: Seed;
  log: (line: string) => void;
  /** Warnings: to `log` when it was given, else process.emitWarning (never silent). */
  warn: (line: string) => void;
}

const BOOLEANS = ['tls', 'rateLimit', 'clampExpiry', 'strict', 'quiet', 'allowRemoteControl'] as const;

/**
 * Checks programmatic options (they may come from plain JavaScript) and loads the seed.
 * `seedName` names the seed in errors: `--seed` on the command line, `seed` for the API.
 */
export function serviceOptions(opts: StartOptions, seedName = 'seed'): ServiceOptions {
  const host = opts.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new OptionError('invalid host: expected a non-empty string');
  const port = opts.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new OptionError(`invalid port ${String(port)}: expected an integer 0-65535`);
  if (opts.data !== undefined && (typeof opts.data !== 'string' || opts.data === ''))
    throw new OptionError('invalid data: expected the path of a SQLite file');
  for (const name of BOOLEANS) {
    if (opts[name] !== undefined && typeof opts[name] !== 'boolean')
      throw new OptionError(`invalid ${name}: expected true or false`);
  }
  if (opts.log !== undefined && opts.log !== false && typeof opts.log !== 'function')
    throw new OptionError('invalid log: expected a function or false');
  const log = typeof opts.log === 'function' ? opts.log : () => undefined;
  const warn =
    typeof opts.log === 'function'
      ? (line: string) => log(`WARNING: ${line}`)
      : (line: string) => process.emitWarning(line, 'qlik-emulator');
  return {
    host,
    ...(port === undefined ? {} : { port }),
    ...(opts.data === undefined ? {} : { dataPath: opts.data }),
    tls: opts.tls === true,
    rateLimit: opts.rateLimit === true,
    clampExpiry: opts.clampExpiry === true,
    strict: opts.strict === true,
    m2mApiKeys: opts.m2mApiKeys === undefined ? DEFAULT_M2M_API_KEYS : parseM2mApiKeys(opts.m2mApiKeys, 'm2mApiKeys'),
    quiet: opts.quiet === true,
    allowRemoteControl: opts.allowRemoteControl === true,
    seed: loadSeed(opts.seed, seedName),
    log,
    warn,
  };
}

function loadSeed(seed: SeedInput | string | undefined, name: string): Seed {
  if (seed === undefined) return defaultSeed();
  let json: unknown = seed;
  const label = typeof seed === 'string' ? `${name} ${seed}` : name;
  if (typeof seed === 'string') {
    try {
      json = JSON.parse(readFileSync(seed, 'utf8'));
    } catch (e) {
      throw new OptionError(`cannot read ${label}: ${describe(e)}`);
    }
  }
  try {
    return parseSeed(json, Date.now());
  } catch (e) {
    throw new OptionError(`invalid ${label}: ${describe(e)}`);
  }
}

export { describe as describeError };

// ---- OAuth (#11) ----

function parseM2mApiKeys(value: unknown, name: string): M2mApiKeyMode {
  if (typeof value === 'string' && (M2M_API_KEY_MODES as readonly string[]).includes(value))
    return value as M2mApiKeyMode;
  const shown = typeof value === 'string' ? JSON.stringify(printable(value).slice(0, 40)) : typeof value;
  throw new OptionError(`invalid ${name} ${shown}: expected ${M2M_API_KEY_MODES.join(', ')}`);
}
