// Every `sh` block of the README, run in order with bash against the emulator, as a reader would run them: the CLI is
// installed from its packed tarball by the README's own install block (into a temporary npm prefix), `$QLIK_SERVER`
// and `$QLIK_API_KEY` are the emulator and its admin's key, `$QLIK_CLIENT_ID`/`$QLIK_CLIENT_SECRET` its seeded OAuth
// client, and HOME is a fresh directory. Blocks that use jq are skipped, and say so, where jq is not installed.
// The emulator README's `sh` blocks run too (each starts its own emulator, reading its port from the ready line).
// (`text` blocks are not commands: the two commands themselves, and the layout. `bash` blocks are commands this test
// cannot run yet because the emulator does not serve what they use: the SCIM block needs its identity-providers
// service; it becomes `sh` when that lands.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from './kit/emulator.js';
import { cleanEnv, start } from './kit/process.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const shBlocks = (text: string): string[] => [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = shBlocks(README);
// The emulator's README: its blocks start their own emulator (`npx qlik-emulator`, in a project that installed the
// package) and read its URL and keys from the ready line, so they need nothing from this test but a project.
const EMULATOR_BLOCKS = shBlocks(readFileSync(join(ROOT, 'packages', 'emulator', 'README.md'), 'utf8'));
/** A port written into a command (the emulator picks a free one: a block reads it from the ready line). */
const HARDCODED_PORT = /(?:127\.0\.0\.1|localhost|\[::1\]):\d+/;

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const missing = ['bash', 'jq', 'curl'].filter((t) => !has(t));

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

describe('packages/emulator/README.md shell blocks', () => {
  let project: string;
  let emuEnv: NodeJS.ProcessEnv;
  beforeAll(() => {
    // A project that installed the package: its node_modules are this repository's (where @qlik-ts/emulator is
    // the workspace package, so `npx qlik-emulator` finds its bin there and never asks the registry).
    project = mkdtempSync(join(tmpdir(), 'qlik-emu-readme-'));
    symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(join(project, 'package.json'), '{ "name": "my-project", "private": true }\n');
    emuEnv = cleanEnv(undefined, {
      HOME: join(project, 'home'),
      npm_config_update_notifier: 'false',
      npm_config_offline: 'true',
    });
  });
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
  });

  it('has the blocks this test expects, none with a port written in', () => {
    expect(EMULATOR_BLOCKS.length).toBeGreaterThanOrEqual(6);
    for (const block of [...EMULATOR_BLOCKS, ...BLOCKS]) expect(block).not.toMatch(HARDCODED_PORT);
  });

  // In order, in one project directory, as a reader would run them (each block's emulator.json replaces the last).
  EMULATOR_BLOCKS.forEach((block, i) => {
    const first = block.split('\n').find((l) => l.trim() !== '') ?? '';
    it(`block ${i + 1}: ${first.slice(0, 70)}`, { timeout: 120_000 }, async (ctx) => {
      const needs = missing.filter((t) => t === 'bash' || block.includes(t));
      if (needs.length > 0) ctx.skip(`${needs.join(', ')} not installed`);
      const r = await start('bash', ['-euo', 'pipefail', '-c', block], {
        env: emuEnv,
        cwd: project,
        timeoutMs: 110_000,
      }).done;
      expect(r.code, `stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
      // The kill example's claim: npx dies of SIGTERM (143), it does not exit 0.
      if (block.includes('wait $EMU')) expect(r.stdout).toContain('npx exited 143\n');
    });
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
