// `qlik context use`, in process.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext } from './test/kit.js';

const FILE =
  'current-context: ""\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n  beta:\n    server: https://beta.example.com\n';

const use = (args: string[], home: string): Promise<RunResult> => runContext(['use', ...args], { home });

describe('context use', () => {
  it('makes the context current and says so on stderr', async () => {
    const home = await homeWith(FILE);
    expect(await use(['beta'], home)).toMatchObject({ code: 0, stdout: '', stderr: 'Context: beta\n' });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(
      FILE.replace('current-context: ""', 'current-context: beta'),
    );
  });

  it.each<[string, string[], string]>([
    [
      'an unknown name',
      ['gamma'],
      "context with name 'gamma' does not exist\nHint: the contexts are: alpha, beta (qlik context ls)",
    ],
    [
      'a misspelt name',
      ['alpah'],
      "context with name 'alpah' does not exist\nHint: did you mean 'alpha'? qlik context use alpha",
    ],
    ['no name', [], 'accepts 1 arg(s), received 0'],
    ['two names', ['alpha', 'beta'], 'accepts 1 arg(s), received 2'],
  ])('fails for %s and changes nothing', async (_what, args, message) => {
    const home = await homeWith(FILE);
    expect(await use(args, home)).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(FILE);
  });
});
