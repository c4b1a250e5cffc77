// `qlik context clear`, in process.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runQlik, tempHome } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext } from './test/kit.js';

describe('context clear', () => {
  it('sets the current context to none (as current-context: "") and keeps the contexts', async () => {
    const home = await homeWith(
      'current-context: alpha # mine\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n',
    );
    const file = contextsFile(home);
    expect(await runContext(['clear'], { home })).toMatchObject({ code: 0, stdout: '', stderr: 'Context: <NONE>\n' });
    expect(await readFile(file, 'utf8')).toBe(
      'current-context: "" # mine\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n',
    );
    // Clearing again is fine, and `context get` agrees.
    expect((await runQlik(['context', 'clear'], { home })).code).toBe(0);
    expect((await runQlik(['context', 'get'], { home })).stdout).toBe('No current context\n');
  });

  it('takes no arguments', async () => {
    expect(await runQlik(['context', 'clear', 'x'], { home: await tempHome() })).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: accepts 0 arg(s), received 1\n',
    });
  });
});
