// IOStreams: the only way commands reach stdin, stdout and stderr (after gh's iostreams package).
// Tests use testIO(), whose streams are in-memory buffers with switchable TTY flags.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { CliError } from '../cmdutil/errors.js';
import { stripControls } from '../http/redact.js';

export interface IOStreams {
  in: Readable;
  out: Writable;
  err: Writable;
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  colorEnabled: boolean;
  /** Write data to stdout; resolves once the chunk is handed to the OS (so a slow pipe reader gets everything). */
  print(text: string): Promise<void>;
  /** Write a diagnostic line to stderr. */
  warn(text: string): void;
}

function writeAll(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(err);
    };
    stream.once('error', onError);
    stream.write(text, (err) => {
      stream.off('error', onError);
      if (err) reject(err);
      else resolve();
    });
  });
}

function colorFrom(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.CLICOLOR === '0') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

function make(
  streams: { in: Readable; out: Writable; err: Writable },
  tty: { in: boolean; out: boolean; err: boolean },
  env: Record<string, string | undefined>,
): IOStreams {
  return {
    ...streams,
    isStdinTTY: tty.in,
    isStdoutTTY: tty.out,
    isStderrTTY: tty.err,
    colorEnabled: colorFrom(env, tty.out),
    print: (text) => writeAll(streams.out, text),
    warn: (raw) => {
      // Warnings can echo server data (an id, a name): terminal escape sequences never reach stderr.
      const text = stripControls(raw);
      streams.err.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}

export function systemIO(env: Record<string, string | undefined> = process.env): IOStreams {
  return make(
    { in: process.stdin, out: process.stdout, err: process.stderr },
    { in: process.stdin.isTTY, out: process.stdout.isTTY, err: process.stderr.isTTY },
    env,
  );
}

export interface TestIO extends IOStreams {
  stdout(): string;
  stderr(): string;
  /** Feed stdin and end it. */
  setStdin(text: string): void;
}

export function testIO(opts: { stdinTTY?: boolean; stdoutTTY?: boolean; stderrTTY?: boolean } = {}): TestIO {
  const input = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => outChunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  const io = make(
    { in: input, out, err },
    { in: opts.stdinTTY ?? false, out: opts.stdoutTTY ?? false, err: opts.stderrTTY ?? false },
    { NO_COLOR: '1' },
  );
  return {
    ...io,
    stdout: () => Buffer.concat(outChunks).toString('utf8'),
    stderr: () => Buffer.concat(errChunks).toString('utf8'),
    setStdin: (text) => {
      input.end(text);
    },
  };
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
