// Process hygiene for the command line (main.ts): a stderr log that never blocks and never spins, signals that
// end the process within a second whatever state it is in, and an exit when the parent process goes away.
//
// Log writes never wait for the reader. What happens to a line depends on what stderr is:
// - a pipe or socket (the usual case under a script or startEmulator({ mode: 'child' })): Node writes it
//   without blocking and queues what the reader has not taken yet; past LOG_BACKLOG queued bytes lines are
//   dropped (and counted) until the reader catches up;
// - a terminal: written through a second, non-blocking descriptor of the same terminal (/proc/self/fd/2), so a
//   terminal that stopped output (Ctrl-S) drops lines instead of freezing the server;
// - a file: written directly.
// After the first failed write (the reader has gone: EPIPE, or any other error) logging is off for good and
// the emulator goes on serving; it never retries a failed write.
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { isatty } from 'node:tty';

/** Bytes queued for a slow stderr reader before lines are dropped. */
const LOG_BACKLOG = 1024 * 1024;
/** How often the parent process is checked. */
const PARENT_POLL_MS = 500;
/** A graceful shutdown that takes longer than this is cut short. */
const SHUTDOWN_GRACE_MS = 800;

interface LogSink {
  /** Writes one line (a newline is added); never throws, never blocks. */
  write(line: string): void;
  /** Lines dropped because the reader was slow. */
  readonly dropped: number;
  /** True once a write failed: nothing is written any more. */
  readonly broken: boolean;
}

type Writer = (text: string) => 'ok' | 'full' | 'failed';

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined;
}

function syncWriter(fd: number): Writer {
  return (text) => {
    try {
      writeSync(fd, text);
      return 'ok';
    } catch (e) {
      return errnoCode(e) === 'EAGAIN' ? 'full' : 'failed';
    }
  };
}

/** A non-blocking descriptor of the terminal behind fd 2, or undefined where that cannot be had. */
function openTerminal(): number | undefined {
  try {
    return openSync('/proc/self/fd/2', constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
}

function streamWriter(stream: NodeJS.WriteStream, onError: () => void): Writer {
  stream.on('error', onError);
  return (text) => {
    if (stream.destroyed || !stream.writable) return 'failed';
    if (stream.writableLength > LOG_BACKLOG) return 'full';
    stream.write(text);
    return 'ok';
  };
}

function kindOf(fd: number): 'file' | 'terminal' | 'stream' {
  try {
    if (fstatSync(fd).isFile()) return 'file';
  } catch {
    return 'stream';
  }
  return isatty(fd) ? 'terminal' : 'stream';
}

/** The log sink for this process's stderr (see the top of this file). */
export function stderrSink(prefix = '[qlik-emulator] '): LogSink {
  let broken = false;
  let dropped = 0;
  let unreported = 0;
  const kind = kindOf(2);
  let writer: Writer;
  if (kind === 'file') writer = syncWriter(2);
  else {
    const fd = kind === 'terminal' ? openTerminal() : undefined;
    if (fd === undefined) {
      writer = streamWriter(process.stderr, () => {
        broken = true;
      });
    } else {
      writer = syncWriter(fd);
      process.once('exit', () => closeSync(fd));
    }
  }
  const put = (text: string): boolean => {
    const result = writer(text);
    if (result === 'failed') broken = true;
    return result === 'ok';
  };
  return {
    write(line) {
      if (broken) return;
      if (unreported > 0) {
        if (!put(`${prefix}${unreported} log line(s) dropped: stderr was not being read\n`)) {
          dropped += 1;
          unreported += 1;
          return;
        }
        unreported = 0;
      }
      if (!put(`${prefix}${line}\n`) && !broken) {
        dropped += 1;
        unreported += 1;
      }
    },
    get dropped() {
      return dropped;
    },
    get broken() {
      return broken;
    },
  };
}

/** The environment variable a launcher sets to its own pid, so the emulator knows whom to outlive (never more). */
export const PARENT_PID_ENV = 'QLIK_EMULATOR_PARENT_PID';

/**
 * The process that started this one, as early as it can be known: the pid a launcher passed in
 * QLIK_EMULATOR_PARENT_PID (startEmulator({ mode: 'child' }) does), else `process.ppid` read by
 * bin/qlik-emulator.js before anything else was loaded. Undefined when there is no parent to watch (started
 * by init on purpose, or this process is PID 1).
 *
 * "Adopted by init" must not pass for "started by init": a ppid of 1 at start is an orphan (the parent died
 * while Node was starting) unless this process leads its own process group or session, as services started
 * by systemd, tini or dumb-init do (Linux, from /proc/self/stat; elsewhere a ppid of 1 is taken as init's).
 * The variable is removed from this process's environment so that it never reaches a child.
 */
export function startingParent(
  ppidAtStart: number = process.ppid,
  env: NodeJS.ProcessEnv = process.env,
): { pid: number } | undefined {
  const passed = env[PARENT_PID_ENV];
  delete env.QLIK_EMULATOR_PARENT_PID;
  if (passed !== undefined && /^[1-9]\d{0,9}$/.test(passed)) return { pid: Number(passed) };
  if (process.pid === 1 || ppidAtStart === 0) return undefined;
  if (ppidAtStart !== 1) return { pid: ppidAtStart };
  return leadsOwnGroup() ? undefined : { pid: -1 };
}

function leadsOwnGroup(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const [, , pgrp, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === process.pid || Number(session) === process.pid;
  } catch {
    return true;
  }
}

/**
 * Calls `onGone` once when the parent `parent` (from startingParent) is no longer this process's parent: at
 * once (on the next tick) when it is already gone, else at the first poll that sees `process.ppid` change
 * (e.g. after `kill -TERM` of the `npx` that started it). No parent: not watched. The timer does not keep
 * the process alive.
 */
export function watchParent(
  onGone: () => void,
  parent: { pid: number } | undefined,
  intervalMs = PARENT_POLL_MS,
): () => void {
  if (parent === undefined) return () => undefined;
  let done = false;
  const check = (): void => {
    if (done || process.ppid === parent.pid) return;
    done = true;
    clearInterval(timer);
    onGone();
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  setImmediate(check);
  return () => {
    done = true;
    clearInterval(timer);
  };
}

/**
 * SIGINT and SIGTERM: `close()` then exit 0; if closing takes longer than SHUTDOWN_GRACE_MS, exit 0 anyway
 * (every write is already committed). A second signal exits at once with 128 + the signal's number.
 * Returns the same shutdown for other reasons (the parent has gone).
 */
export function handleSignals(close: () => Promise<void>, log: (line: string) => void): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string, code = 0): void => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: shutting down`);
    setTimeout(() => process.exit(code), SHUTDOWN_GRACE_MS);
    close().then(
      () => process.exit(code),
      (e: unknown) => {
        log(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(128 + osConstants.signals[signal]);
    stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return (reason) => stop(reason);
}
