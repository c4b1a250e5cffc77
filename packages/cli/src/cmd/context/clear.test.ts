// `qlik context clear`, in process.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StubRegistry } from '../../../test/kit/httpmock.js';
import { runQlik, tempHome } from '../../../test/kit/run.js';

describe('context clear', () => {
  it('sets the current context to none (as current-context: "") and keeps the contexts', async () => {
    const home = await tempHome();
    await mkdir(join(home, '.qlik'), { mode: 0o700 });
    const file = join(home, '.qlik', 'contexts.yml');
    await writeFile(file, 'current-context: alpha # mine\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n', { mode: 0o600 });
    const reg = new StubRegistry();
    expect(await runQlik(['context', 'clear'], { home, transport: reg })).toMatchObject({ code: 0, stdout: '', stderr: 'Context: <NONE>\n' });
    reg.verify();
    expect(await readFile(file, 'utf8')).toBe('current-context: "" # mine\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n');
    // Clearing again is fine, and `context get` agrees.
    expect((await runQlik(['context', 'clear'], { home })).code).toBe(0);
    expect((await runQlik(['context', 'get'], { home })).stdout).toBe('No current context\n');
  });

  it('takes no arguments', async () => {
    expect(await runQlik(['context', 'clear', 'x'], { home: await tempHome() })).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 0 arg(s), received 1\n' });
  });
});
