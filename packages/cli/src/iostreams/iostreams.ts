// IOStreams: the only way commands reach stdin, stdout and stderr (after gh's iostreams package). The process
// streams are created only when first used (touching process.stdin costs start-up time), and TTY checks use isatty.
// Tests use testIO() (testio.ts), whose streams are in-memory buffers with switchable TTY flags.
import { fstatSync, statSync, write, writeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CliError } from '../errors/errors.js';
import { inertData, stripControls } from '../text/safety.js';

export interface IOStreams {
  readonly in: Readable;
  readonly out: Writable;
  readonly err: Writable;
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /**
   * Write data to stdout exactly (JSON, a response body); resolves once the chunk is handed to the OS, rejects when
   * it cannot be written (EPIPE, ENOSPC, EIO), so a created key that did not reach anyone is known as undelivered.
   */
  print(text: string | Uint8Array): Promise<void>;
  /**
   * Write text data a server supplied (a body as sent) to stdout like print, except that on a terminal what the
   * terminal would act on is written as `\uXXXX` (JSON keeps its value).
   */
  printData(text: string): Promise<void>;
  /** Write human output (tables, `key: value` lines, messages) to stdout, with terminal control sequences removed. */
  printHuman(text: string): Promise<void>;
  /** Write a diagnostic line to stderr (terminal control sequences removed). */
  warn(text: string): void;
}

const guarded = new WeakSet<Writable>();

function writeAll(stream: Writable, data: string | Uint8Array): Promise<void> {
  // A failed write is reported through the callback (and so to the command); the 'error' event that follows it
  // must not crash the process, so every stream written to gets one listener that keeps it.
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', () => undefined);
  }
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => {
      if (err) reject(err);
      else resolve();
    });
  });
}

export interface Streams {
  in(): Readable;
  out(): Writable;
  err(): Writable;
  /** How data reaches stdout and stderr; default: through the streams above. */
  writeOut?: (data: string | Uint8Array) => Promise<void>;
  writeErr?: (text: string) => void;
}

/**
 * Write all of `data` to a file descriptor with fs.write, without creating process.stdout (which would load Node's
 * stream stack, and for a pipe its net module, on every run). A non-blocking descriptor that is full (EAGAIN) is
 * tried again shortly; any other error (EPIPE, ENOSPC, EIO, EBADF) rejects.
 */
function fdWriter(fd: number): (data: string | Uint8Array) => Promise<void> {
  return async (data) => {
    let rest = typeof data === 'string' ? Buffer.from(data) : data;
    while (rest.length > 0) {
      const chunk = rest;
      const n = await new Promise<number>((resolve, reject) => {
        write(fd, chunk, 0, chunk.length, null, (err, written) => {
          if (err?.code === 'EAGAIN') setTimeout(() => resolve(0), 2);
          else if (err) reject(err);
          else resolve(written);
        });
      });
      rest = rest.subarray(n);
    }
  };
}

/** Diagnostics to stderr, synchronously (as Node writes stderr); a reader that went away loses them quietly. */
function errWriter(text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(2, rest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

export function make(streams: Streams, tty: { in: boolean; out: boolean; err: boolean }): IOStreams {
  const out = streams.writeOut ?? ((data: string | Uint8Array) => writeAll(streams.out(), data));
  const err = streams.writeErr ?? ((text: string) => void streams.err().write(text));
  const io: IOStreams = {
    get in() {
      return streams.in();
    },
    get out() {
      return streams.out();
    },
    get err() {
      return streams.err();
    },
    isStdinTTY: tty.in,
    isStdoutTTY: tty.out,
    isStderrTTY: tty.err,
    print: (data) => out(data),
    // (io, not tty: systemIO learns the TTY flags lazily, on the object.)
    printData: (text) => out(io.isStdoutTTY ? inertData(text) : text),
    printHuman: (text) => out(stripControls(text)),
    warn: (raw) => {
      // Warnings can echo server data (an id, a name): terminal escape sequences never reach stderr.
      const text = stripControls(raw);
      err(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
  return io;
}

/**
 * Whether a standard stream is a terminal. Only a character device can be one, and files and pipes are not: for them
 * the answer comes from one fstat, without creating the stream (which loads node:tty and node:net).
 */
function isTerminal(fd: 0 | 1 | 2): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    // /dev/null is a character device too (scripts and `> /dev/null`), and never a terminal.
    const nul = statSync('/dev/null', { throwIfNoEntry: false });
    if (nul !== undefined && st.dev === nul.dev && st.ino === nul.ino) return false;
  } catch {
    return false;
  }
  return (fd === 0 ? process.stdin : fd === 1 ? process.stdout : process.stderr).isTTY;
}

export function systemIO(): IOStreams {
  const io = make(
    {
      in: () => process.stdin,
      out: () => process.stdout,
      err: () => process.stderr,
      writeOut: fdWriter(1),
      writeErr: errWriter,
    },
    { in: false, out: false, err: false },
  );
  // Asked for only when a command needs to know (a prompt, a table, binary output).
  const tty: [boolean | undefined, boolean | undefined, boolean | undefined] = [undefined, undefined, undefined];
  const lazy = (i: 0 | 1 | 2) => ({
    get: () => (tty[i] ??= isTerminal(i)),
    set: (v: boolean) => {
      tty[i] = v;
    },
    enumerable: true,
  });
  Object.defineProperties(io, { isStdinTTY: lazy(0), isStdoutTTY: lazy(1), isStderrTTY: lazy(2) });
  return io;
}

/** Read all of a stream with a byte cap (stdin bodies, `--api-key -`). */
export async function readAllCapped(stream: Readable, maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > maxBytes) throw new CliError(`${what} is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
