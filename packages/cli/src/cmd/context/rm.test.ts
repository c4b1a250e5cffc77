// `qlik context rm`, in process: all or nothing; removing the current context clears current-context.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext } from './test/kit.js';

const FILE =
  'current-context: beta\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n  beta:\n    server: https://beta.example.com\n  gamma:\n    server: https://gamma.example.com\n';

const rm = (args: string[], home: string): Promise<RunResult> => runContext(['rm', ...args], { home });

describe('context rm', () => {
  it('removes one context; removing the current one clears current-context', async () => {
    const home = await homeWith(FILE);
    expect(await rm(['beta'], home)).toMatchObject({ code: 0, stdout: '', stderr: "Context 'beta' removed\n" });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(
      'current-context: ""\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n  gamma:\n    server: https://gamma.example.com\n',
    );
  });

  it('removes several (a name given twice counts once), one line each', async () => {
    const home = await homeWith(FILE);
    expect(await rm(['alpha', 'gamma', 'alpha'], home)).toMatchObject({
      code: 0,
      stderr: "Context 'alpha' removed\nContext 'gamma' removed\n",
    });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(
      'current-context: beta\ncontexts:\n  beta:\n    server: https://beta.example.com\n',
    );
  });

  it.each<[string, string[], string]>([
    [
      'an unknown name among known ones',
      ['alpha', 'missing'],
      "No context by the name 'missing'; nothing was removed\nHint: the contexts are: alpha, beta, gamma (qlik context ls)",
    ],
    [
      'several unknown names',
      ['x', 'alpha', 'y'],
      "No context by the name 'x', 'y'; nothing was removed\nHint: the contexts are: alpha, beta, gamma (qlik context ls)",
    ],
    [
      'a misspelt name',
      ['alpah', 'beta'],
      "No context by the name 'alpah'; nothing was removed\nHint: did you mean 'alpha'? qlik context rm alpha beta",
    ],
    ['no name', [], 'requires at least 1 arg(s), only received 0'],
  ])('fails for %s and removes nothing', async (_what, args, message) => {
    const home = await homeWith(FILE);
    expect(await rm(args, home)).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(FILE);
  });
});
