// IOStreams for tests: in-memory buffers with switchable TTY flags (kept out of iostreams.ts so that node:stream is
// not loaded when the CLI starts).
import { PassThrough, type Writable } from 'node:stream';
import { make, type IOStreams } from './iostreams.js';

export interface TestIO extends IOStreams {
  stdout(): string;
  stderr(): string;
  /** Feed stdin and end it. */
  setStdin(text: string): void;
}

export function testIO(
  opts: { stdinTTY?: boolean; stdoutTTY?: boolean; stderrTTY?: boolean; stdout?: Writable } = {},
): TestIO {
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
