// qlik-emulator's entry point: parses argv, starts the emulator, prints the one JSON line on stdout (or, on a
// terminal, a summary for people), and shuts down cleanly on SIGINT/SIGTERM or when its parent process has
// gone. Everything else goes to stderr, through a log that never blocks (lifecycle.ts).
import pkg from '../package.json' with { type: 'json' };
import { startService } from './host/emulator.js';
import { runExec, EXEC_USAGE } from './host/exec.js';
import { handleSignals, startingParent, stderrSink, watchParent } from './host/lifecycle.js';
import { describeError, OptionError, parseFlags, serviceOptions } from './host/options.js';
import { renderSummary, writeKeyFiles } from './host/summary.js';

const USAGE = `Usage: qlik-emulator [options]

A local, faithful Qlik Cloud (API keys, users, roles, groups, identity providers, OAuth, SCIM) for tests and
development.

Options:
  --host HOST       interface to listen on (default 127.0.0.1)
  --port PORT       port to listen on; 0 picks a free one (default: with --data the stored port when free, else 0)
  --data PATH       SQLite file that keeps state (and the port) across restarts (default: in memory)
  --tls             serve HTTPS with a self-signed certificate (its PEM path is printed as caCert)
  --rate-limit      apply Qlik's rate limits (tier 1: 1000/min, tier 2: 100/min, 5-minute window)
  --clamp-expiry    clamp a too-long key expiry to the tenant maximum instead of answering 400
  --strict          answer 400 to unknown or repeated query parameters (default: ignore them / take the first)
  --seed FILE       JSON file with the tenant, users, OAuth clients and config to create on first start
  --m2m-api-keys MODE
                    may an OAuth client's bot (client_credentials token) create API keys: for-users
                    (default: only for another user, with sub), allow, or deny
  --quiet           no log line per request on stderr
  --allow-remote-control
                    serve the control API (/__emulator/) to other machines when --host is not loopback
                    (it needs no credentials and mints admin keys)
  --json            print the JSON line even when stdout is a terminal
  -h, --help        show this help
  -v, --version     show the version

When ready, prints one JSON line on stdout: {"url","tenantId","users":[...],"oauthClients":[...],"caCert"?};
on a terminal (without --json), a summary with a ready-to-paste "qlik context create" line instead.
It exits when its parent process exits.

${EXEC_USAGE}`;

/**
 * The command line. `ppidAtStart` is the parent pid bin/qlik-emulator.js read before loading anything, so that
 * a parent that dies while the emulator starts is noticed (startingParent).
 */
export async function run(argv: string[], ppidAtStart: number = process.ppid): Promise<void> {
  const sink = stderrSink();
  const log = (line: string): void => sink.write(line);
  const parent = startingParent(ppidAtStart);
  if (argv[0] === 'exec') {
    await runExec(argv.slice(1), { log, parent });
    return;
  }
  // Until the service runs there is nothing to close: a parent gone while starting ends the process at once.
  let onParentGone = (): void => {
    log('the parent process has exited: not starting');
    process.exit(1);
  };
  const unwatch = watchParent(() => onParentGone(), parent);
  // A stdout whose reader has gone is ignored: nothing but the ready line is ever written there.
  process.stdout.on('error', () => undefined);
  try {
    const { help, version, json, options } = parseFlags(argv);
    if (help || version) unwatch();
    if (help) {
      process.stdout.write(USAGE);
      return;
    }
    if (version) {
      process.stdout.write(`${pkg.version}\n`);
      return;
    }
    const running = await startService(serviceOptions({ ...options, log }, '--seed'));
    process.on('uncaughtException', (e) => log(`uncaught exception: ${e.stack ?? e.message}`));
    process.on('unhandledRejection', (e) => log(`unhandled rejection: ${describeError(e)}`));
    const human = process.stdout.isTTY && !json;
    let keys: ReturnType<typeof writeKeyFiles> | undefined;
    try {
      keys = human ? writeKeyFiles(running.info.users) : undefined;
    } catch (e) {
      // The summary then has no key files and no context line; the keys stay in GET /__emulator/info.
      log(`cannot write the key files: ${describeError(e)}`);
      keys = { byUser: new Map(), cleanup: () => undefined };
    }
    const stop = handleSignals(async () => {
      try {
        await running.close();
      } finally {
        keys?.cleanup();
      }
    }, log);
    onParentGone = () => stop('the parent process has exited');
    process.stdout.write(
      keys ? `${renderSummary(running.info, pkg.version, keys.byUser)}\n` : `${JSON.stringify(running.info)}\n`,
    );
  } catch (e) {
    const usage = e instanceof OptionError;
    process.stderr.write(`qlik-emulator: ${describeError(e)}${usage ? ' (see --help)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
    unwatch();
  }
}
