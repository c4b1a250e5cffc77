// The only place where errors become text and exit codes: 0 on success, 1 on any failure (as Qlik's CLI), and
// 128 + the signal's number when a signal ended the run (130 for Ctrl-C, 143 for SIGTERM).
import { writeSync } from 'node:fs';
import { findCommand, resolve, type Command } from './cmdutil/command.js';
import { newFactory, type Factory } from './cmdutil/factory.js';
import { renderHelp } from './cmdutil/help.js';
import {
  CancelledError,
  CliError,
  errorCode,
  ExitCodeError,
  HttpError,
  SilentError,
  UnknownCommandError,
} from './errors/errors.js';
import { errorBodyJson, serverErrorHint, serverErrorLine } from './errors/hints.js';
import { inertData } from './text/safety.js';
import { helpTable, newRootCmd } from './root.js';

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15, SIGBREAK: 21 };

/** The exit code of a run that a signal ended: 128 + the signal's number. */
const signalExitCode = (signal: NodeJS.Signals): number => 128 + (SIGNAL_NUMBERS[signal] ?? 2);

/**
 * A server's refusal: with --json its error body as JSON (exact, parseable); else one line `Error: <title>: <detail>
 * (<code>)` and, when the hint table (errors/hints.ts) knows the way out, `Hint: <the command>`.
 */
function httpErrorText(e: HttpError, f: Factory, json: boolean): string {
  if (json) {
    const body = errorBodyJson(e);
    return body !== undefined ? inertData(JSON.stringify(body, null, 2)) : JSON.stringify({ error: e.message });
  }
  const inv = f.invocation();
  const flags: Record<string, unknown> = {};
  for (const name of inv?.flags.names() ?? []) flags[name] = inv?.flags.get(name);
  const command = inv ? inv.cmd.path().split(' ').slice(1).join(' ') : '';
  const hint = serverErrorHint(e, { command, flags, credentials: f.resolvedSettings()?.credentials });
  return `Error: ${serverErrorLine(e)}${hint !== undefined ? `\nHint: ${hint}` : ''}`;
}

/** Qlik's CLI suggests `--` for an argument that begins with `-` (`qlik app get -- -my-app`). */
function dashHint(e: CliError, argv: readonly string[], root: Command): string | undefined {
  const m = /^unknown shorthand flag: '.' in (-[^-]\S+)$/.exec(e.message);
  const arg = m?.[1];
  if (arg === undefined || !argv.includes(arg)) return undefined;
  const { cmd } = findCommand(
    root,
    argv.filter((a) => a !== arg),
  );
  return `If ${arg} is an argument and not a flag, put -- before it: ${cmd.path()} -- ${arg}`;
}

/** Turn any error into stderr text; secrets and terminal escapes never get through (io.warn strips escapes). */
function reportError(e: unknown, f: Factory, json: boolean, argv: readonly string[], root: Command): number {
  if (e instanceof SilentError) return e.exitCode;
  const code = e instanceof CancelledError ? signalExitCode(e.signal) : e instanceof ExitCodeError ? e.exitCode : 1;
  let text: string;
  if (e instanceof HttpError) {
    text = httpErrorText(e, f, json);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    text = json
      ? JSON.stringify({ error: message.replace(/\n+Did you mean this\?\n\t/, ' (did you mean: ').replace(/\n$/, ')') })
      : `Error: ${message}`;
    if (!json && e instanceof UnknownCommandError) text = `${text}\nRun '${e.commandPath} --help' for usage.`;
    if (!json && e instanceof CliError) {
      const hint = dashHint(e, argv, root);
      if (hint) text += `\n${hint}`;
      if (e.hint !== undefined) text += `\nHint: ${e.hint}`;
    }
    if (!(e instanceof CliError) && f.env.QLIK_DEBUG && e instanceof Error && e.stack) text += `\n${e.stack}`;
  }
  f.io.warn(f.redactor.text(text));
  return code;
}

export async function main(argv: string[], f: Factory = newFactory()): Promise<number> {
  const root = newRootCmd(f);
  try {
    const first = argv[0];
    if (first === '__complete' || first === '__completeNoDesc') {
      const { runComplete } = await import('./cmd/completion/complete.js');
      await runComplete(f, root, argv.slice(1), first === '__complete');
      return 0;
    }
    const r = resolve(root, argv);
    if (r.kind === 'help') {
      await f.io.print(renderHelp(r.cmd));
      return 0;
    }
    f.begin(r.inv.cmd, r.inv.flags);
    await r.inv.cmd.def.run?.(r.inv);
    return 0;
  } catch (e) {
    // Plain output whose reader went away (`qlik api-key ls | head -1`) ends quietly.
    if (errorCode(e) === 'EPIPE') return 0;
    return reportError(e, f, await f.jsonMode(), argv, root);
  } finally {
    await f.dispose();
  }
}

/** The help pages of the CLI (the build embeds them in the launcher's fast path). */
export function helpPages() {
  return helpTable(newRootCmd(newFactory({ env: {} })));
}

/** Entry point for bin/qlik.cjs: signals, the exit code, and letting stdout drain (never process.exit after printing). */
export async function run(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      controller.abort(new CancelledError(signal));
      // Whatever is waiting (a prompt, a slow server) gets a bounded time to clean up and report.
      setTimeout(() => process.exit(signalExitCode(signal)), 15_000).unref();
      return;
    }
    // A second signal: stop now.
    writeSync(2, `Interrupted again by ${signal}; stopping without cleaning up\n`);
    process.exit(signalExitCode(signal));
  };
  // Windows: Ctrl-C arrives as SIGINT and closing the console as SIGHUP; Ctrl-Break arrives as SIGBREAK, which without
  // a listener ends the process at once (a create in flight would leave its key behind), so it is handled too.
  // SIGTERM is never delivered there (process.kill and taskkill /F terminate the process).
  const handled =
    process.platform === 'win32'
      ? (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const)
      : (['SIGINT', 'SIGTERM', 'SIGHUP'] as const);
  for (const s of handled) process.on(s, onSignal);
  process.exitCode = await main(argv, newFactory({ signal: controller.signal }));
}
