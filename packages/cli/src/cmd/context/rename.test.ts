// `qlik context rename`, in process.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext } from './test/kit.js';

const FILE =
  'current-context: beta\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n  # the beta tenant\n  beta:\n    server: https://beta.example.com\n';

const rename = (args: string[], home: string): Promise<RunResult> => runContext(['rename', ...args], { home });

describe('context rename', () => {
  it('renames in place (comment and position kept) and follows the current context', async () => {
    const home = await homeWith(FILE);
    expect(await rename(['beta', 'gamma'], home)).toMatchObject({
      code: 0,
      stdout: '',
      stderr: "Context 'beta' renamed to 'gamma'\n",
    });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(
      FILE.replaceAll('beta:', 'gamma:').replace('current-context: beta', 'current-context: gamma'),
    );
  });

  it.each<[string, string[], string]>([
    ['an existing target', ['beta', 'alpha'], "Context 'alpha' already exists"],
    [
      'an unknown source',
      ['nope', 'x'],
      "No context by the name 'nope'\nHint: the contexts are: alpha, beta (qlik context ls)",
    ],
    [
      'a misspelt source',
      ['bta', 'x'],
      "No context by the name 'bta'\nHint: did you mean 'beta'? qlik context rename beta x",
    ],
    ['an empty target', ['beta', ''], 'A context name must not be empty'],
    ['one name', ['beta'], 'accepts 2 arg(s), received 1'],
  ])('fails for %s and changes nothing', async (_what, args, message) => {
    const home = await homeWith(FILE);
    expect(await rename(args, home)).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(FILE);
  });
});
