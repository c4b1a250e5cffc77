// Golden help: every command's --help output is compared with a file under test/golden/help/.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { walk } from '../src/cmdutil/command.js';
import { newFactory } from '../src/cmdutil/factory.js';
import { testIO } from '../src/iostreams/testio.js';
import { newRootCmd } from '../src/root.js';
import { runQlik } from '../../../test/kit/run.js';

const root = newRootCmd(newFactory({ io: testIO(), env: {}, home: '/nonexistent' }));
const paths = walk(root)
  .filter((c) => !c.def.hidden)
  .map((c) => c.path().split(' ').slice(1));

describe('help', () => {
  it.each(paths.map((p) => [p.join(' ') || '(root)', p] as const))(
    '%s --help matches its golden file',
    async (_name, path) => {
      const r = await runQlik([...path, '--help']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      await expect(r.stdout).toMatchFileSnapshot(`golden/help/${['qlik', ...path].join('_')}.txt`);
    },
  );

  it('covers the whole api-key and context groups', () => {
    const names = paths.map((p) => p.join(' '));
    for (const want of [
      'api-key create',
      'api-key ls',
      'api-key get',
      'api-key rm',
      'api-key patch',
      'api-key edit',
      'api-key config get',
      'api-key config patch',
      'api-key config edit',
      'context init',
      'context rename',
      'completion bash',
      'version',
      'user me',
      'tenant me',
    ]) {
      expect(names).toContain(want);
    }
  });

  it('reproduces every flag line of the api-key create page byte for byte', async () => {
    const seed = (await readFile(new URL('fixtures/seed-api-key-create-flags.txt', import.meta.url), 'utf8'))
      .split('\n')
      .filter(Boolean);
    const r = await runQlik(['api-key', 'create', '--help']);
    const lines = r.stdout.split('\n');
    expect(seed.length).toBe(18);
    for (const line of seed) expect(lines).toContain(line);
  });

  it('prints help for `qlik help <command>` and bare groups, like Cobra', async () => {
    const a = await runQlik(['help', 'api-key', 'create']);
    const b = await runQlik(['api-key', 'create', '-h']);
    expect(a.stdout).toBe(b.stdout);
    const group = await runQlik(['api-key']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain(
      'Available Commands:\n  audit       Audit the API keys of the tenant\n  config      Manage API-keys configuration\n  create      Create API key',
    );
  });
});
