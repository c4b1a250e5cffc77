// Every `sh` block of the README, run in order with bash against the emulator, as a reader would run them: the CLI is
// installed from its packed tarball by the README's own install block (into a temporary npm prefix), `$QLIK_SERVER`
// and `$QLIK_API_KEY` are the emulator and its admin's key, `$QLIK_CLIENT_ID`/`$QLIK_CLIENT_SECRET` its seeded OAuth
// client, and HOME is a fresh directory. Blocks that use jq are skipped, and say so, where jq is not installed.
// (`text` blocks are not commands: the two commands themselves, and the layout. `bash` blocks are commands this test
// cannot run yet because the emulator does not serve what they use: the SCIM block needs its identity-providers
// service; it becomes `sh` when that lands.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from './kit/emulator.js';
import { cleanEnv, start } from './kit/process.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const missing = ['bash', 'jq'].filter((t) => !has(t));

const emu = useEmulator({ reset: false });
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qlik-readme-'));
  const m2m = emu.oauthClient('m2m');
  env = {
    ...cleanEnv(undefined, {
      HOME: join(dir, 'home'),
      npm_config_prefix: join(dir, 'prefix'),
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      PATH: `${join(dir, 'prefix', 'bin')}:${process.env.PATH ?? ''}`,
      QLIK_SERVER: emu.url,
      QLIK_API_KEY: emu.admin.apiKey,
      QLIK_CLIENT_ID: m2m.clientId,
      QLIK_CLIENT_SECRET: m2m.clientSecret,
      QLIK_TS: ROOT,
    }),
    QLIK_CLI_USER_HOME_DIR: undefined,
  };
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(ROOT, 'qlik-ts-cli-0.1.0.tgz'), { force: true });
});

describe('README shell blocks', () => {
  it('has the blocks this test expects (install first)', () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(8);
    expect(BLOCKS[0]).toContain('npm install -g ./qlik-ts-cli-0.1.0.tgz');
  });

  BLOCKS.forEach((block, i) => {
    const first = block.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#!')) ?? '';
    it(`block ${i + 1}: ${first.slice(0, 70)}`, { timeout: 120_000 }, async (ctx) => {
      const needs = missing.filter((t) => t === 'bash' || block.includes(t));
      if (needs.length > 0) ctx.skip(`${needs.join(', ')} not installed`);
      mkdirHome();
      // The CI recipe (`qlik-emulator exec`) must run twice in a row: it leaves nothing behind that a second run trips on.
      const runs = block.includes(' exec -- ') ? 2 : 1;
      const homeBefore = homeSnapshot();
      for (let run = 0; run < runs; run += 1) {
        const r = await start('bash', ['-euo', 'pipefail', '-c', block], { env, cwd: ROOT, timeoutMs: 110_000 }).done;
        expect(r.code, `run ${run + 1}: stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
        expect(r.stderr).not.toMatch(/^Error:/m);
        // Whatever a block prints, no secret of the emulator's is among it.
        for (const secret of [emu.admin.apiKey, emu.oauthClient('m2m').clientSecret]) {
          expect(r.stdout).not.toContain(secret);
          expect(r.stderr).not.toContain(secret);
        }
      }
      // The CI recipe keeps its context in a temporary directory: the home is as it was.
      if (runs === 2) expect(homeSnapshot()).toEqual(homeBefore);
    });
  });

  it('the installed package carries its README, which says which Qlik CLI release it tracks', () => {
    const readme = readFileSync(join(dir, 'prefix', 'lib', 'node_modules', '@qlik-ts', 'cli', 'README.md'), 'utf8');
    expect(readme).toMatch(/^# @qlik-ts\/cli/);
    expect(readme).toContain('Qlik CLI 3.2');
  });

  it('the installed qlik is the packed one, not the checkout', () => {
    const r = spawnSync('sh', ['-c', 'command -v qlik'], { env, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(join(dir, 'prefix', 'bin', 'qlik'));
  });
});

/** The files under the test's home and their contents. */
function homeSnapshot(): Record<string, string> {
  const home = join(dir, 'home');
  const files: Record<string, string> = {};
  if (!existsSync(home)) return files;
  for (const entry of readdirSync(home, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[path] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

function mkdirHome(): void {
  spawnSync('mkdir', ['-p', join(dir, 'home')]);
}
