// qlik-emulator's entry point: parses argv, starts the emulator, prints the one JSON line on stdout,
// and shuts down cleanly on SIGINT/SIGTERM. Everything else goes to stderr.
import pkg from '../package.json' with { type: 'json' };
import { startService, type RunningService } from './emulator.js';
import { describeError, OptionError, parseFlags, serviceOptions } from './options.js';

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
  --seed FILE       JSON file with the tenant, users, OAuth clients and config to create on first start
  --m2m-api-keys MODE
                    may an OAuth client's bot (client_credentials token) create API keys: for-users
                    (default: only for another user, with sub), allow, or deny
  -h, --help        show this help
  -v, --version     show the version

When ready, prints one JSON line on stdout: {"url","tenantId","users":[...],"oauthClients":[...],"caCert"?}.
`;

function log(line: string): void {
  process.stderr.write(`[qlik-emulator] ${line}\n`);
}

function handleSignals(running: RunningService): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    running.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log(`shutdown failed: ${describeError(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export async function run(argv: string[]): Promise<void> {
  try {
    const { help, version, options } = parseFlags(argv);
    if (help) {
      process.stdout.write(USAGE);
      return;
    }
    if (version) {
      process.stdout.write(`${pkg.version}\n`);
      return;
    }
    const running = await startService({ ...serviceOptions(options, '--seed'), log });
    process.on('uncaughtException', (e) => log(`uncaught exception: ${e.stack ?? e.message}`));
    process.on('unhandledRejection', (e) => log(`unhandled rejection: ${describeError(e)}`));
    handleSignals(running);
    process.stdout.write(`${JSON.stringify(running.info)}\n`);
  } catch (e) {
    const usage = e instanceof OptionError;
    process.stderr.write(`qlik-emulator: ${describeError(e)}${usage ? ' (see --help)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}
