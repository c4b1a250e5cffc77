// The only place where errors become text and exit codes: 0 on success, 1 on any failure (as Qlik's CLI).
import { CommanderError } from 'commander';
import { CliError, HttpError, SilentError } from './cmdutil/errors.js';
import { newFactory, type Factory } from './cmdutil/factory.js';
import { stripControls } from './http/redact.js';
import { newRootCmd } from './root.js';

/** Cobra/pflag wording for commander's parse errors. */
function commanderMessage(e: CommanderError): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'commander.unknownOption': {
      if (/^-[^-]/.test(quoted)) return `unknown shorthand flag: '${quoted.slice(1, 2)}' in ${quoted}`;
      return `unknown flag: ${quoted.split('=')[0] ?? quoted}`;
    }
    case 'commander.optionMissingArgument': {
      const flag = /--[\w-]+/.exec(e.message)?.[0] ?? quoted;
      return `flag needs an argument: ${flag}`;
    }
    case 'commander.missingMandatoryOptionValue': {
      const flag = /--([\w-]+)/.exec(e.message)?.[1] ?? quoted;
      return `required flag(s) "${flag}" not set`;
    }
    case 'commander.invalidArgument':
      return e.message.replace(/^error: /, '').replace(/^.*is invalid\. /, '');
    default:
      return e.message.replace(/^error: /, '');
  }
}

function jsonMode(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--json' || a === '--json=true');
}

function prettyBody(e: HttpError): string | undefined {
  try {
    return JSON.stringify(JSON.parse(e.body), null, 2);
  } catch {
    return undefined;
  }
}

/** Turn any error into stderr text; secrets and terminal escapes never get through. */
export function reportError(e: unknown, f: Factory, json: boolean): number {
  if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)) return 0;
  if (e instanceof SilentError) return 1;
  let text: string;
  if (e instanceof HttpError) {
    const body = prettyBody(e);
    text = body ?? (json ? JSON.stringify({ error: e.message }) : `Error: ${e.message}`);
  } else {
    const message =
      e instanceof CommanderError ? commanderMessage(e) : e instanceof CliError || e instanceof Error ? e.message : String(e);
    text = json ? JSON.stringify({ error: message }) : `Error: ${message}`;
    if (!(e instanceof CliError) && !(e instanceof CommanderError) && f.env.QLIK_DEBUG && e instanceof Error && e.stack) {
      text += `\n${e.stack}`;
    }
  }
  f.io.warn(stripControls(f.redactor.text(text)));
  return 1;
}

function isEpipe(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'EPIPE';
}

export async function main(argv: string[], f: Factory = newFactory()): Promise<number> {
  const program = newRootCmd(f);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (isEpipe(e)) return 0;
    return reportError(e, f, jsonMode(argv) || f.jsonRequested());
  } finally {
    await f.dispose();
  }
}

/** Entry point for bin/qlik.js: sets the exit code and lets stdout drain (never process.exit after printing). */
export async function run(argv: string[]): Promise<void> {
  process.stdout.on('error', (e) => {
    if (isEpipe(e)) process.exitCode ??= 0;
  });
  process.exitCode = await main(argv);
}
