// IOStreams: the only way commands reach stdin, stdout and stderr (after gh's iostreams package). The process
// streams are created only when first used (touching process.stdin costs start-up time), and TTY checks use isatty.
// Tests use testIO(), whose streams are in-memory buffers with switchable TTY flags.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { CliError } from '../errors/errors.js';
import { stripControls } from '../text/safety.js';

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

interface Streams {
  in(): Readable;
  out(): Writable;
  err(): Writable;
}

function make(streams: Streams, tty: { in: boolean; out: boolean; err: boolean }): IOStreams {
  return {
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
    print: (data) => writeAll(streams.out(), data),
    printHuman: (text) => writeAll(streams.out(), stripControls(text)),
    warn: (raw) => {
      // Warnings can echo server data (an id, a name): terminal escape sequences never reach stderr.
      const text = stripControls(raw);
      streams.err().write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}

export function systemIO(): IOStreams {
  return make(
    { in: () => process.stdin, out: () => process.stdout, err: () => process.stderr },
    { in: isatty(0), out: isatty(1), err: isatty(2) },
  );
}

export interface TestIO extends IOStreams {
  stdout(): string;
  stderr(): string;
  /** Feed stdin and end it. */
  setStdin(text: string): void;
}

export function testIO(opts: { stdinTTY?: boolean; stdoutTTY?: boolean; stderrTTY?: boolean; stdout?: Writable } = {}): TestIO {
  const input = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => outChunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  const stdout = opts.stdout ?? out;
  const io = make(
    { in: () => input, out: () => stdout, err: () => err },
    { in: opts.stdinTTY ?? false, out: opts.stdoutTTY ?? false, err: opts.stderrTTY ?? false },
  );
  return Object.assign(io, {
    stdout: () => Buffer.concat(outChunks).toString('utf8'),
    stderr: () => Buffer.concat(errChunks).toString('utf8'),
    setStdin: (text: string) => {
      input.end(text);
    },
  });
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
