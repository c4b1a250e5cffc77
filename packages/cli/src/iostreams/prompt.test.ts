import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CancelledError, CliError } from '../errors/errors.js';
import { readHidden } from './prompt.js';
import { testIO } from './testio.js';

/** A stand-in for a terminal's stdin in raw mode: records setRawMode calls. */
function rawInput(): PassThrough & { modes: boolean[]; setRawMode(on: boolean): void } {
  const modes: boolean[] = [];
  return Object.assign(new PassThrough(), { modes, setRawMode: (on: boolean) => void modes.push(on) });
}

describe('readHidden (a secret typed on a terminal)', () => {
  it('returns what was typed up to Enter, with backspace applied and nothing echoed', async () => {
    const input = rawInput();
    const io = testIO();
    const p = readHidden(input, io);
    input.write('s3cx\u007fret\r');
    await expect(p).resolves.toBe('s3cret');
    expect(io.stderr()).toBe('\n');
    expect(input.modes).toEqual([true, false]);
  });

  it('ends as an interrupt on Ctrl-C (exit 130 in main), leaving raw mode', async () => {
    const input = rawInput();
    const p = readHidden(input, testIO());
    input.write('abc\u0003');
    const e: unknown = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CancelledError);
    expect((e as CancelledError).signal).toBe('SIGINT');
    expect(input.modes).toEqual([true, false]);
  });

  it('ends with one line on Ctrl-D', async () => {
    const input = rawInput();
    const p = readHidden(input, testIO());
    input.write('\u0004');
    const e: unknown = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as Error).message).toBe('no answer: input ended before the secret was entered');
  });
});
