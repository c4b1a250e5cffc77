// qlik raw against issue 18's repros: output paths that are not regular files are written in place (never replaced),
// control characters cannot carry a path out of /api/, body files are regular files only, and bodies never take a
// prototype. In-process against the stub registry; the FIFO and device cases use real files of this machine.
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, StubRegistry, text } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik, type RunOptions } from '../../../../../test/kit/run.js';

const SERVER = 'https://tenant.example.com';

async function raw(args: string[], reg: StubRegistry, opts: RunOptions = {}) {
  const home = opts.home ?? (await homeWithContext(SERVER));
  return runQlik(['raw', ...args], { home, transport: reg, ...opts });
}

describe('raw --output-file: only regular files and new paths are replaced', () => {
  it('a character device (a null device of its own, and a link to it) stays a device: written in place, exit 0', async (ctx) => {
    // Never the machine's own /dev/null: were the fix to regress, the test would replace it for every process here.
    const home = await homeWithContext(SERVER);
    const dev = join(home, 'null');
    try {
      execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      ctx.skip('mknod needs root');
    }
    const link = join(home, 'null-link');
    await symlink(dev, link);
    for (const target of [dev, link]) {
      const before = await stat(dev);
      const reg = new StubRegistry().register('GET', '/api/v1/users/me', json(200, { id: 'u' }));
      const r = await raw(['get', 'v1/users/me', '--output-file', target], reg, { home });
      expect(r.code, r.stderr).toBe(0);
      const after = await stat(dev);
      expect(after.isCharacterDevice()).toBe(true);
      expect(after.ino).toBe(before.ino);
    }
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('a symlink to a FIFO: the FIFO gets the body and the link stays a link', async (ctx) => {
    const home = await homeWithContext(SERVER);
    const fifo = join(home, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      ctx.skip('mkfifo not installed');
    }
    const link = join(home, 'out-link');
    await symlink(fifo, link);
    // A reader on the FIFO (a child process, so that this process's open for writing does not wait on itself).
    const { spawn } = await import('node:child_process');
    const cat = spawn('cat', [fifo]);
    let got = '';
    cat.stdout.on('data', (c: Buffer) => (got += c.toString()));
    const done = new Promise((r) => cat.on('close', r));
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', text(200, 'through the pipe'));
    const r = await raw(['get', 'v1/users/me', '--output-file', link], reg, { home });
    await done;
    expect(r.code, r.stderr).toBe(0);
    expect(got).toBe('through the pipe');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await stat(fifo)).isFIFO()).toBe(true);
  });

  it('a regular file is still replaced atomically (0600), and a directory is refused before any request', async () => {
    const home = await homeWithContext(SERVER);
    const file = join(home, 'out.json');
    await writeFile(file, 'old', { mode: 0o644 });
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', text(200, 'new'));
    expect((await raw(['get', 'v1/users/me', '--output-file', file], reg, { home })).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const dir = join(home, 'd');
    await mkdir(dir);
    const none = new StubRegistry();
    const r = await raw(['get', 'v1/users/me', '--output-file', dir], none, { home });
    expect(r.stderr).toBe(`Error: --output-file ${dir}: is a directory\n`);
    expect(none.requests).toEqual([]);
  });
});

describe('raw paths: control characters never reach the URL parser', () => {
  it.each([
    ['v1/.\t./.\t./__emulator/info', '0009'],
    ['v1/.\n./oauth/revoke', '000A'],
    ['v1/items\r', '000D'],
    ['v1/\u007f', '007F'],
  ])('%j is refused before any request', async (path, code) => {
    const reg = new StubRegistry();
    const r = await raw(['get', path], reg);
    expect(r.code).toBe(1);
    // (stderr strips DEL itself, as every control character a terminal would act on; the code point names it.)
    expect(r.stderr).toBe(
      `Error: path ${JSON.stringify(path).replace('\u007f', '')}: has a control character (U+${code})\n`,
    );
    expect(reg.requests).toEqual([]);
  });
});

describe('raw --body-file: regular files only', () => {
  it.each([
    ['/dev/zero', 'not a regular file'],
    ['/dev/null', 'not a regular file'],
  ])('%s as a .qvf body is refused at once: %s', async (dev, why) => {
    const home = await homeWithContext(SERVER);
    const link = join(home, 'app.qvf');
    await symlink(dev, link);
    const reg = new StubRegistry();
    const r = await raw(['post', 'v1/apps/import', '--body-file', link], reg, { home });
    expect(r.stderr).toBe(`Error: --body-file ${link}: ${why}\n`);
    expect(reg.requests).toEqual([]);
  });

  it('a FIFO without a writer (as .qvf) does not block: refused in one line', async (ctx) => {
    const home = await homeWithContext(SERVER);
    const fifo = join(home, 'app.qvf');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      ctx.skip('mkfifo not installed');
    }
    const reg = new StubRegistry();
    const r = await raw(['post', 'v1/apps/import', '--body-file', fifo], reg, { home });
    expect(r.stderr).toBe(`Error: --body-file ${fifo}: not a regular file\n`);
  });
});

describe('bodies never take a prototype', () => {
  it.each([['__proto__.expiry=PT24H'], ['a.__proto__.b=1'], ['constructor.prototype.x=1']])(
    '--body-values %s is refused',
    async (pair) => {
      const reg = new StubRegistry();
      const r = await raw(['post', 'v1/api-keys', '--body-values', pair], reg);
      expect(r.stderr).toMatch(
        /^Error: --body-values: the key "(__proto__|constructor)" is not allowed in a request body\n$/,
      );
      expect(reg.requests).toEqual([]);
      expect(({} as Record<string, unknown>).expiry).toBeUndefined();
    },
  );

  it('-f with a __proto__ key is refused naming the file; the body is never changed silently', async () => {
    const home = await homeWithContext(SERVER);
    const file = join(home, 'body.json');
    await writeFile(file, '{"description":"d","expiry":"PT1H","__proto__":{"expiry":"PT24H"}}');
    const reg = new StubRegistry();
    const r = await runQlik(['api-key', 'create', '-f', file], { home, transport: reg });
    expect(r.stderr).toBe(`Error: --file ${file}: the key "__proto__" is not allowed in a request body\n`);
    expect(reg.requests).toEqual([]);
  });
});

describe('ids placed into a path: empty, "." and ".." are refused', () => {
  it.each([[['api-key', 'rm', '..']], [['api-key', 'get', '.']], [['user', 'get', '']], [['oauth-token', 'rm', '.']]])(
    '%j',
    async (argv) => {
      const reg = new StubRegistry();
      const home = await homeWithContext(SERVER);
      const r = await runQlik(argv, { home, transport: reg });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^Error: invalid argument "(\.|\.\.|)" for <[\w-]+>: an id cannot be empty, "\." or "\.\."\n$/,
      );
      expect(reg.requests).toEqual([]);
    },
  );
});

describe('raw on a terminal: a text body cannot hide text behind a carriage return', () => {
  it('a lone CR and U+2028/U+2029 are escaped; CRLF line ends stay; piped output is byte for byte', async () => {
    const body = 'real\rFAKE\r\nnext\u2028line\u2029end';
    const tty = await raw(['get', 'v1/x'], new StubRegistry().register('GET', '/api/v1/x', text(200, body)), {
      stdoutTTY: true,
    });
    expect(tty.stdout).toBe('real\\u000dFAKE\r\nnext\\u2028line\\u2029end');
    const piped = await raw(['get', 'v1/x'], new StubRegistry().register('GET', '/api/v1/x', text(200, body)));
    expect(piped.stdout).toBe(body);
  });
});
