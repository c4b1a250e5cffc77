// Line prompts for `context init`. On a terminal, secrets are read with echo off; when stdin is not a terminal,
// answers are read line by line from it (so scripts and tests can drive the prompts), and prompts still go to stderr.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CancelledError, CliError } from '../errors/errors.js';
import type { IOStreams } from './iostreams.js';

export interface Prompter {
  ask(question: string): Promise<string>;
  askSecret(question: string): Promise<string>;
  close(): void;
}

type RawInput = Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

export function readHidden(input: RawInput, io: IOStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    input.setRawMode?.(true);
    input.resume();
    const done = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.err.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        // Raw mode turns Ctrl-C into a character: end as the interrupt it is (exit 130), Ctrl-D as end of input.
        if (ch === '\u0003') return done(new CancelledError('SIGINT'));
        if (ch === '\u0004') return done(new CliError('no answer: input ended before the secret was entered'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

export function newPrompter(io: IOStreams): Prompter {
  const rl = createInterface({ input: io.in, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new CliError('no answer: stdin ended before all questions were answered');
    // Piped answers are not echoed: end the prompt line, as a terminal's echo of Enter would.
    if (!io.isStdinTTY) io.err.write('\n');
    return r.value;
  };
  return {
    async ask(question) {
      io.err.write(question);
      return (await nextLine()).trim();
    },
    async askSecret(question) {
      io.err.write(question);
      if (!io.isStdinTTY) return (await nextLine()).trim();
      rl.pause();
      return (await readHidden(io.in, io)).trim();
    },
    close() {
      rl.close();
    },
  };
}
