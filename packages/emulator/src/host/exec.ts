// `qlik-emulator exec [flags] [--as USER] -- CMD [ARGS…]`: starts an emulator in this process, runs CMD with the
// emulator's address and credentials in its environment, stops the emulator however CMD ends and exits with CMD's
// code (128 + the signal's number when a signal ended it). SIGINT, SIGTERM and SIGHUP are passed on to CMD; when
// this process's parent goes away, CMD gets SIGTERM (SIGKILL a few seconds later) and the emulator stops.
//
// Handing secrets to a child through its environment is what this command is for (the one exception to the
// project's rule, documented in the README): CMD is the user's own test command, started for this purpose.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from './emulator.js';
import { watchParent } from './lifecycle.js';
import { describeError, OptionError, parseFlags, serviceOptions } from './options.js';

export const EXEC_USAGE = `Usage: qlik-emulator exec [options] [--as USER] -- CMD [ARGS...]

Starts an emulator, runs CMD with these variables in its environment, stops the emulator when CMD ends and
exits with CMD's exit code (128 + the signal's number when a signal ended it); SIGINT, SIGTERM and SIGHUP
are passed on to CMD. The options are those above; request log lines are off unless --verbose is given.
  QLIK_SERVER          the emulator's URL
  QLIK_API_KEY         the API key of USER (--as; default: the first TenantAdmin user, "admin")
  QLIK_CLIENT_ID       the first seeded OAuth client's id and secret (not set when the seed has none)
  QLIK_CLIENT_SECRET
  NODE_EXTRA_CA_CERTS  with --tls: the emulator's certificate (PEM)
`;

const KILL_AFTER_MS = 3000;
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface ExecArgs {
  as?: string;
  verbose: boolean;
  flags: string[];
  command: string[];
}

/** Splits `exec`'s arguments: its own `--as USER` / `--verbose`, the emulator's flags, and CMD after `--`. */
function parseExecArgs(argv: string[]): ExecArgs {
  const dash = argv.indexOf('--');
  if (dash < 0 || dash === argv.length - 1)
    throw new OptionError('exec needs a command after "--" (qlik-emulator exec [options] -- CMD [ARGS...])');
  const flags: string[] = [];
  let as: string | undefined;
  let verbose = false;
  const own = argv.slice(0, dash);
  for (let i = 0; i < own.length; i += 1) {
    const arg = own[i] ?? '';
    if (arg === '--as' || arg.startsWith('--as=')) {
      const value = arg === '--as' ? own[(i += 1)] : arg.slice('--as='.length);
      if (value === undefined || value === '') throw new OptionError('exec: --as needs a user name');
      as = value;
    } else if (arg === '--verbose') verbose = true;
    else flags.push(arg);
  }
  return { ...(as === undefined ? {} : { as }), verbose, flags, command: argv.slice(dash + 1) };
}

/** The variables CMD gets (added to this process's environment). */
function execEnvironment(info: RunningService['info'], as: string | undefined): Record<string, string> {
  const user =
    as === undefined
      ? (info.users.find((u) => u.roles.includes('TenantAdmin')) ?? info.users[0])
      : info.users.find((u) => u.name === as);
  if (user === undefined) {
    const names = info.users.map((u) => u.name).join(', ');
    throw new OptionError(
      as === undefined
        ? 'exec: the emulator has no user'
        : `exec: no user named ${JSON.stringify(as)} (users: ${names})`,
    );
  }
  const env: Record<string, string> = { QLIK_SERVER: info.url, QLIK_API_KEY: user.apiKey };
  const client = info.oauthClients[0];
  if (client !== undefined) {
    env.QLIK_CLIENT_ID = client.clientId;
    env.QLIK_CLIENT_SECRET = client.clientSecret;
  }
  if (info.caCert !== undefined) env.NODE_EXTRA_CA_CERTS = info.caCert;
  return env;
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal !== null) return 128 + (osConstants.signals[signal] ?? 0);
  return code ?? 1;
}

/** Runs `exec`; sets process.exitCode (or exits) itself. */
export async function runExec(
  argv: string[],
  host: { log: (line: string) => void; parent: { pid: number } | undefined },
): Promise<void> {
  const { log, parent } = host;
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(EXEC_USAGE);
    return;
  }
  let child: ChildProcess | undefined;
  let running: RunningService | undefined;
  let finishing = false;
  let bundleDir: string | undefined;
  // Until CMD runs, a parent gone or a signal ends this process at once (the service, if started, dies with it).
  const early = (reason: string, code: number): void => {
    if (child !== undefined) return;
    log(`${reason}: not running the command`);
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (child === undefined) early(signal, 128 + (osConstants.signals[signal] ?? 0));
    else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, onSignal);
  watchParent(() => {
    if (child === undefined) return early('the parent process has exited', 1);
    log('the parent process has exited: stopping the command');
    child.kill('SIGTERM');
    setTimeout(() => child?.kill('SIGKILL'), KILL_AFTER_MS).unref();
  }, parent);
  try {
    const args = parseExecArgs(argv);
    const { options } = parseFlags(args.flags);
    running = await startService(serviceOptions({ ...options, quiet: !args.verbose, log }, '--seed'));
    const vars = execEnvironment(running.info, args.as);
    const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
    const inherited = process.env.NODE_EXTRA_CA_CERTS;
    if (vars.NODE_EXTRA_CA_CERTS !== undefined && inherited !== undefined && inherited !== '') {
      // Node reads one file: keep trusting what the environment already trusted, plus the emulator.
      bundleDir = mkdtempSync(join(tmpdir(), 'qlik-emulator-exec-'));
      const bundle = join(bundleDir, 'ca.pem');
      let before = '';
      try {
        before = readFileSync(inherited, 'utf8');
      } catch (e) {
        log(`cannot read NODE_EXTRA_CA_CERTS ${inherited} (${describeError(e)}): CMD trusts the emulator only`);
      }
      writeFileSync(bundle, `${before.trimEnd()}\n${readFileSync(vars.NODE_EXTRA_CA_CERTS, 'utf8')}`, { mode: 0o600 });
      env.NODE_EXTRA_CA_CERTS = bundle;
    }
    delete env.QLIK_EMULATOR_PARENT_PID;
    const [command = '', ...rest] = args.command;
    const started = spawn(command, rest, { stdio: 'inherit', env });
    child = started;
    const { code, signal, error } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      error?: Error;
    }>((resolve) => {
      started.once('error', (e) => resolve({ code: null, signal: null, error: e }));
      started.once('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    finishing = true;
    if (error !== undefined) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      process.stderr.write(
        `qlik-emulator: cannot run ${JSON.stringify(command)}: ${missing ? 'command not found' : error.message}\n`,
      );
      process.exitCode = missing ? 127 : 126;
    } else process.exitCode = exitCodeOf(code, signal);
  } catch (e) {
    const usage = e instanceof OptionError;
    process.stderr.write(`qlik-emulator: ${describeError(e)}${usage ? ' (see --help)' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  } finally {
    for (const signal of FORWARDED) process.off(signal, onSignal);
    // A signal that arrives while the emulator closes is not passed on to a command that has ended.
    if (finishing || running !== undefined) {
      const closing = running?.close();
      const timer = setTimeout(() => process.exit(), 800);
      await closing?.catch((e: unknown) => log(`shutdown failed: ${describeError(e)}`));
      clearTimeout(timer);
    }
    if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
    // Nothing else may keep the process alive: the parent watch's timer is unref'd.
    process.exit();
  }
}
