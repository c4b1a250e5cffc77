// qlik-emulator's entry point: parses argv, starts the emulator, prints the one JSON line on stdout,
// and shuts down cleanly on SIGINT/SIGTERM. Everything else goes to stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { ApiError } from './errors.js';
import { startEmulator, type RunningEmulator } from './emulator.js';
import { defaultSeed, parseSeed, type Seed } from './seed.js';

const USAGE = `Usage: qlik-emulator [options]

A local Qlik Cloud API-keys service for tests and development.

Options:
  --host HOST       interface to listen on (default 127.0.0.1)
  --port PORT       port to listen on; 0 picks a free one (default 0)
  --data PATH       SQLite file that keeps state across restarts (default: in memory)
  --tls             serve HTTPS with a self-signed certificate (its PEM path is printed as caCert)
  --rate-limit      apply Qlik's rate limits (tier 1: 1000/min, tier 2: 100/min, 5-minute window)
  --clamp-expiry    clamp a too-long key expiry to the tenant maximum instead of answering 400
  --strict          answer 400 to unknown or repeated query parameters (default: ignore them / take the first)
  --seed FILE       JSON file with the tenant, users and config to create on first start
  -h, --help        show this help
  -v, --version     show the version

When ready, prints one JSON line on stdout: {"url","tenantId","users":[...],"caCert"?}.
`;

const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '0' },
  data: { type: 'string' },
  tls: { type: 'boolean', default: false },
  'rate-limit': { type: 'boolean', default: false },
  'clamp-expiry': { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

class UsageError extends Error {}

function log(line: string): void {
  process.stderr.write(`[qlik-emulator] ${line}\n`);
}

function message(e: unknown): string {
  if (e instanceof ApiError)
    return `${e.message}${e.error.source?.pointer === undefined ? '' : ` (at ${e.error.source.pointer || '/'})`}`;
  return e instanceof Error ? e.message : String(e);
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`invalid --port "${text}": expected 0-65535`);
  return port;
}

function loadSeed(file: string | undefined): Seed {
  if (file === undefined) return defaultSeed();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read --seed ${file}: ${message(e)}`);
  }
  try {
    return parseSeed(json, Date.now());
  } catch (e) {
    throw new UsageError(`invalid --seed ${file}: ${message(e)}`);
  }
}

function handleSignals(running: RunningEmulator): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    running.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log(`shutdown failed: ${message(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export async function run(argv: string[]): Promise<void> {
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    if (values.version) {
      process.stdout.write(`${pkg.version}\n`);
      return;
    }
    const running = await startEmulator({
      host: values.host,
      port: parsePort(values.port),
      ...(values.data === undefined ? {} : { dataPath: values.data }),
      tls: values.tls,
      rateLimit: values['rate-limit'],
      clampExpiry: values['clamp-expiry'],
      strict: values.strict,
      seed: loadSeed(values.seed),
      log,
    });
    process.on('uncaughtException', (e) => log(`uncaught exception: ${e.stack ?? e.message}`));
    process.on('unhandledRejection', (e) => log(`unhandled rejection: ${message(e)}`));
    handleSignals(running);
    process.stdout.write(`${JSON.stringify(running.info)}\n`);
    log(`listening on ${running.info.url} (tenant ${running.info.tenantId})`);
  } catch (e) {
    const usage =
      e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
    process.stderr.write(`qlik-emulator: ${message(e)}${usage ? ' (see --help)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}
