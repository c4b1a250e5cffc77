// `qlik context use`, in process.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StubRegistry } from '../../../test/kit/httpmock.js';
import { runQlik, tempHome } from '../../../test/kit/run.js';

const FILE = 'current-context: ""\ncontexts:\n  alpha:\n    server: https://alpha.example.com\n  beta:\n    server: https://beta.example.com\n';

async function homeWith(yaml: string): Promise<string> {
  const home = await tempHome();
  await mkdir(join(home, '.qlik'), { mode: 0o700 });
  await writeFile(join(home, '.qlik', 'contexts.yml'), yaml, { mode: 0o600 });
  return home;
}

async function use(args: string[], home: string): Promise<Awaited<ReturnType<typeof runQlik>>> {
  const reg = new StubRegistry();
  const r = await runQlik(['context', 'use', ...args], { home, transport: reg });
  reg.verify();
  return r;
}

describe('context use', () => {
  it('makes the context current and says so on stderr', async () => {
    const home = await homeWith(FILE);
    expect(await use(['beta'], home)).toMatchObject({ code: 0, stdout: '', stderr: 'Context: beta\n' });
    expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toBe(FILE.replace('current-context: ""', 'current-context: beta'));
  });

  it.each<[string, string[], string]>([
    ['an unknown name', ['gamma'], "context with name 'gamma' does not exist"],
    ['no name', [], 'accepts 1 arg(s), received 0'],
    ['two names', ['alpha', 'beta'], 'accepts 1 arg(s), received 2'],
  ])('fails for %s and changes nothing', async (_what, args, message) => {
    const home = await homeWith(FILE);
    expect(await use(args, home)).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
    expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toBe(FILE);
  });
});
