// Smoke tests of the standalone binaries (`npm run build:binaries`, dist/binaries/): linux-x64 natively, win-x64 under
// wine, linux-arm64 under qemu-user-static, each alone in its directory against the emulator on 127.0.0.1. A target
// whose binary was not built, or whose runner is missing, is skipped by name.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../kit/emulator.js';
import { cleanEnv, ROOT, start } from '../kit/process.mjs';
import { ensureWinePrefix, runWine, WINE, winPath } from '../kit/wine.js';
import { tempHome } from '../kit/temp.js';

const BINARIES = join(ROOT, 'dist', 'binaries');
const QEMU = ['/usr/bin/qemu-aarch64-static', '/usr/bin/qemu-aarch64'].find((p) => existsSync(p));
const ARM64_LIBS = '/usr/aarch64-linux-gnu';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Target {
  name: string;
  exe: string;
  /** Why the target cannot run here, or undefined. */
  missing(): string | undefined;
  run(args: string[], home: string, o?: { stdin?: string; env?: Record<string, string> }): Promise<Result>;
}

const linux = (name: string, prefix: string[], missing: () => string | undefined): Target => {
  const exe = join(BINARIES, name, 'qlik');
  return {
    name,
    exe,
    missing,
    run: (args, home, o = {}) => {
      const [file, ...pre] = [...prefix, exe];
      return start(file, [...pre, ...args], {
        env: cleanEnv(home, o.env),
        cwd: home,
        timeoutMs: 240_000,
        ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
      }).done;
    },
  };
};

const notBuilt = (exe: string): string | undefined =>
  existsSync(exe) ? undefined : `${exe.slice(ROOT.length)} not built (npm run build:binaries)`;

const TARGETS: Target[] = [
  linux('linux-x64', [], () =>
    process.platform === 'linux' && process.arch === 'x64'
      ? notBuilt(join(BINARIES, 'linux-x64', 'qlik'))
      : 'not a linux-x64 machine',
  ),
  linux('linux-arm64', QEMU ? [QEMU, '-L', ARM64_LIBS] : [], () =>
    QEMU === undefined
      ? 'qemu-user-static not installed'
      : !existsSync(ARM64_LIBS)
        ? 'libc6-arm64-cross not installed'
        : notBuilt(join(BINARIES, 'linux-arm64', 'qlik')),
  ),
  {
    name: 'win-x64',
    exe: join(BINARIES, 'win-x64', 'qlik.exe'),
    missing: () => (WINE === undefined ? 'wine not installed' : notBuilt(join(BINARIES, 'win-x64', 'qlik.exe'))),
    run(args, home, o = {}) {
      return runWine(this.exe, args, {
        cwd: home,
        env: { QLIK_CLI_USER_HOME_DIR: winPath(home), ...o.env },
        ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
      });
    },
  },
];

const emu = useEmulator({ reset: false });
beforeAll(async () => {
  if (TARGETS.every((t) => t.missing() !== undefined)) return;
  if (TARGETS.some((t) => t.name === 'win-x64' && t.missing() === undefined)) await ensureWinePrefix();
  await emu.control('PUT', 'config', { max_keys_per_user: 100 });
}, 300_000);

describe.concurrent.each(TARGETS)('the $name binary', (target) => {
  it('--help, version, context create with the key from stdin, api-key create and ls, exit codes', async (ctx) => {
    const why = target.missing();
    if (why !== undefined) ctx.skip(why);
    const home = await tempHome();
    const help = await target.run(['--help'], home);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe(await readFile(join(ROOT, 'packages/cli/test/golden/help/qlik.txt'), 'utf8'));
    const version = await target.run(['version'], home);
    expect([version.code, version.stdout]).toEqual([0, 'qlik version: 0.1.0\n']);

    const ctxCreate = await target.run(['context', 'create', 'smoke', '--server', emu.url, '--api-key', '-'], home, {
      stdin: `${emu.admin.apiKey}\n`,
    });
    expect(ctxCreate.code, ctxCreate.stderr).toBe(0);
    expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toContain(`Bearer ${emu.admin.apiKey}\n`);
    const use = await target.run(['context', 'use', 'smoke'], home);
    expect(use.code, use.stderr).toBe(0);

    const created = await target.run(
      ['api-key', 'create', '--description', `smoke ${target.name}`, '--expiry', 'PT1H'],
      home,
    );
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; token: string };
    expect(key.token).toMatch(/\S{20,}/);
    expect((await emu.ledger()).find((e) => e.id === key.id)).toMatchObject({
      description: `smoke ${target.name}`,
      state: 'active',
      delivered: true,
    });
    const ls = await target.run(['api-key', 'ls', '--json'], home);
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as { id: string }[]).map((k) => k.id)).toContain(key.id);

    const usage = await target.run(['api-key', 'create', '--expiry', 'P1D'], home);
    expect([usage.code, usage.stdout, usage.stderr]).toEqual([
      1,
      '',
      'Error: required flag(s) "description" not set\n',
    ]);
    const server = await target.run(['api-key', 'get', 'no-such-key'], home);
    expect(server.code).toBe(1);
    expect(server.stdout).toBe('');
  });
});

describe.each(TARGETS.filter((t) => t.name.endsWith('-x64')))('the $name binary', (target) => {
  it('loads the CLI with the code cache the build made (V8 accepts it)', async (ctx) => {
    const why = target.missing();
    if (why !== undefined) ctx.skip(why);
    const home = await tempHome();
    const r = await target.run(['context', 'ls'], home, { env: { QLIK_SEA_DEBUG: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('sea: main.cjs code cache accepted\n');
  });
});
