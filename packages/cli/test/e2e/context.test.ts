// The context group end to end: every verb on a contexts file in Qlik's format, comments kept, file modes,
// secrets from stdin (never in argv), 50 concurrent writers, and `context init` against the emulator.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startEmulator, type Emulator } from '../../../../test/kit/emulator.js';
import {
  assertBuilt,
  contextsFile,
  json,
  lines,
  qlik,
  QLIK_JS,
  removeDir,
  start,
  tempDir,
  type RunResult,
} from './kit.js';

let emu: Emulator;
const homes: string[] = [];

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
  await Promise.all(homes.map((h) => removeDir(h)));
});

async function newHome(contexts?: string): Promise<string> {
  const home = await tempDir('qlik-e2e-ctx-');
  homes.push(home);
  if (contexts !== undefined) {
    await mkdir(join(home, '.qlik'), { mode: 0o700 });
    await writeFile(contextsFile(home), contexts, { mode: 0o600 });
  }
  return home;
}

interface ContextsFile {
  'current-context'?: string;
  contexts?: Record<string, Record<string, unknown>>;
}

async function readContexts(home: string): Promise<ContextsFile> {
  return parseYaml(await readFile(contextsFile(home), 'utf8')) as ContextsFile;
}

function ok(expect: ExpectStatic, r: RunResult, stderr?: string): void {
  expect(r.code, `exit ${String(r.code)}; stderr: ${r.stderr}`).toBe(0);
  if (stderr !== undefined) expect(r.stderr).toBe(stderr);
}

function fails(expect: ExpectStatic, r: RunResult, message: string): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`Error: ${message}\n`);
}

// A hand-edited file in the format Qlik's CLI writes, with comments everywhere and a field this CLI does not know.
const COMMENTED = `# qlik contexts, maintained by hand by the platform team
# (please keep the order)

current-context: staging # switched for the release
contexts:
  # Production tenant; its key rotates every month
  production:
    server: https://prod.us.qlikcloud.com # the main tenant
    headers:
      Authorization: Bearer prod-secret-value-1234567890
    comment: live
  # Staging tenant behind a self-signed certificate
  staging:
    server: https://staging.internal.example
    insecure: true # self-signed
    server-type: cloud
  # Kept for the migration
  legacy:
    server: https://legacy.example.org
    team-owner: data-eng # not a field qlik knows
# a closing note for humans
`;

const KEPT_COMMENTS = [
  '# qlik contexts, maintained by hand by the platform team\n# (please keep the order)\n',
  '  # Production tenant; its key rotates every month\n',
  ' # the main tenant\n',
  '  # Staging tenant behind a self-signed certificate\n',
  '    insecure: true # self-signed\n',
  '  # Kept for the migration\n',
  '    team-owner: data-eng # not a field qlik knows\n',
  '# a closing note for humans\n',
];

describe.concurrent('context verbs', () => {
  it('create stores the fields, refuses an existing name, and writes the file 0600 in a 0700 directory', async ({
    expect,
  }) => {
    const home = await newHome();
    const r = await qlik(
      [
        'context',
        'create',
        'prod',
        '--server',
        'tenant.eu.example.com/',
        '--comment',
        'Production',
        '--headers',
        'X-Team=blue',
        '--server-type',
        'cloud',
        '--insecure',
      ],
      { home },
    );
    ok(expect, r, "Context 'prod' created\n");
    expect(r.stdout).toBe('');
    expect(await readContexts(home)).toEqual({
      'current-context': '',
      contexts: {
        prod: {
          server: 'https://tenant.eu.example.com',
          'server-type': 'cloud',
          comment: 'Production',
          insecure: true,
          headers: { 'X-Team': 'blue' },
        },
      },
    });
    expect((await stat(contextsFile(home))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.qlik'))).mode & 0o777).toBe(0o700);

    const before = await readFile(contextsFile(home), 'utf8');
    fails(
      expect,
      await qlik(['context', 'create', 'prod', '--server', 'other.example.com'], { home }),
      "Context 'prod' already exists",
    );
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);
    fails(
      expect,
      await qlik(['context', 'create', 'bad', '--server', 'ftp://x.example.com'], { home }),
      '--server: unsupported scheme "ftp" in "ftp://x.example.com" (use https:// or http://)',
    );
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);
  });

  it('update changes only the given fields and fails for an unknown context', async ({ expect }) => {
    const home = await newHome();
    ok(
      expect,
      await qlik(
        ['context', 'create', 'c1', '--server', 'https://one.example.com', '--comment', 'first', '--headers', 'X-A=1'],
        { home },
      ),
    );
    const r = await qlik(['context', 'update', 'c1', '--comment', 'second', '--headers', 'X-B=2'], { home });
    ok(expect, r, "Context 'c1' updated\n");
    expect((await readContexts(home)).contexts).toEqual({
      c1: { server: 'https://one.example.com', comment: 'second', headers: { 'X-A': '1', 'X-B': '2' } },
    });
    const before = await readFile(contextsFile(home), 'utf8');
    fails(
      expect,
      await qlik(['context', 'update', 'nope', '--comment', 'x'], { home }),
      "No context by the name 'nope'",
    );
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);
  });

  it('use, get, ls, rename, rm and clear', async ({ expect }) => {
    const home = await newHome();
    const create = (name: string, server: string, comment: string) =>
      qlik(['context', 'create', name, '--server', server, '--comment', comment, '--api-key', '-'], {
        home,
        stdin: `key-for-${name}-0123456789\n`,
      });
    ok(expect, await create('alpha', 'alpha.example.com', 'A'));
    ok(expect, await create('beta', 'https://beta.example.com/x', 'B'));

    const none = await qlik(['context', 'get'], { home });
    ok(expect, none, '');
    expect(none.stdout).toBe('No current context\n');
    fails(expect, await qlik(['context', 'use', 'gamma'], { home }), "context with name 'gamma' does not exist");

    ok(expect, await qlik(['context', 'use', 'beta'], { home }), 'Context: beta\n');
    expect((await readContexts(home))['current-context']).toBe('beta');

    const get = await qlik(['context', 'get'], { home });
    ok(expect, get, '');
    expect(get.stdout).toBe(
      [
        'name: beta',
        'comment: B',
        'headers:',
        '  Authorization: Bearer **omitted**',
        'server: https://beta.example.com/x',
        '',
      ].join('\n'),
    );
    const getJson = await qlik(['context', 'get', 'alpha', '--json'], { home });
    ok(expect, getJson);
    expect(json(getJson.stdout)).toEqual({
      name: 'alpha',
      comment: 'A',
      headers: { Authorization: 'Bearer **omitted**' },
      server: 'https://alpha.example.com',
    });
    expect(getJson.stdout + get.stdout).not.toContain('0123456789');
    fails(
      expect,
      await qlik(['context', 'get', 'gamma'], { home }),
      `No context by the name 'gamma' in ${contextsFile(home)}`,
    );

    const ls = await qlik(['context', 'ls'], { home });
    ok(expect, ls, '');
    expect(ls.stdout).toBe(
      'name\tserver\tcurrent\tcomment\nalpha\thttps://alpha.example.com\t\tA\nbeta\thttps://beta.example.com/x\t*\tB\n',
    );
    const lsJson = await qlik(['context', 'ls', '--json'], { home });
    expect(json(lsJson.stdout)).toEqual([
      { name: 'alpha', server: 'https://alpha.example.com', current: false, comment: 'A' },
      { name: 'beta', server: 'https://beta.example.com/x', current: true, comment: 'B' },
    ]);

    ok(expect, await qlik(['context', 'rename', 'beta', 'gamma'], { home }), "Context 'beta' renamed to 'gamma'\n");
    expect((await readContexts(home))['current-context']).toBe('gamma');
    fails(expect, await qlik(['context', 'rename', 'gamma', 'alpha'], { home }), "Context 'alpha' already exists");

    const before = await readFile(contextsFile(home), 'utf8');
    fails(
      expect,
      await qlik(['context', 'rm', 'alpha', 'missing'], { home }),
      "No context by the name 'missing'; nothing was removed",
    );
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);

    ok(expect, await qlik(['context', 'rm', 'gamma'], { home }), "Context 'gamma' removed\n");
    const afterRm = await readContexts(home);
    expect(Object.keys(afterRm.contexts ?? {})).toEqual(['alpha']);
    expect(afterRm['current-context']).toBe('');

    ok(expect, await qlik(['context', 'use', 'alpha'], { home }));
    ok(expect, await qlik(['context', 'clear'], { home }), 'Context: <NONE>\n');
    expect((await readContexts(home))['current-context']).toBe('');
    expect((await stat(contextsFile(home))).mode & 0o777).toBe(0o600);
  });

  it('get prints the name first and masks OAuth secrets and credential headers', async ({ expect }) => {
    const home = await newHome();
    const secret = 'oauth-secret-from-stdin-42424242';
    const created = await qlik(
      [
        'context',
        'create',
        'oauth',
        '--server',
        'https://o.example.com',
        '--oauth-client-id',
        'client-1',
        '--oauth-client-secret',
        '-',
        '--headers',
        'Cookie=sid=cookie-value-999,X-Plain=visible',
      ],
      { home, stdin: secret },
    );
    ok(expect, created, "Context 'oauth' created\n");
    expect((await readContexts(home)).contexts?.oauth?.['oauth-client-secret']).toBe(secret);
    const get = await qlik(['context', 'get', 'oauth'], { home });
    ok(expect, get, '');
    expect(lines(get.stdout)[0]).toBe('name: oauth');
    expect(lines(get.stdout).slice(1).sort()).toEqual(
      [
        '  Cookie: **omitted**',
        '  X-Plain: visible',
        'headers:',
        'oauth-client-id: client-1',
        'oauth-client-secret: **omitted**',
        'server: https://o.example.com',
      ].sort(),
    );
    expect(get.stdout).not.toContain('cookie-value-999');
    expect(get.stdout).not.toContain(secret);
  });

  it('keeps every comment and unknown field of a hand-written file through create, update, use, rename and rm', async ({
    expect,
  }) => {
    const home = await newHome(COMMENTED);
    const steps: [string[], string][] = [
      [
        ['context', 'create', 'dev', '--server', 'https://dev.example.com', '--comment', 'new one'],
        "Context 'dev' created\n",
      ],
      [['context', 'update', 'production', '--comment', 'rotated'], "Context 'production' updated\n"],
      [['context', 'use', 'production'], 'Context: production\n'],
      [['context', 'rename', 'staging', 'stage'], "Context 'staging' renamed to 'stage'\n"],
      [['context', 'rm', 'dev'], "Context 'dev' removed\n"],
    ];
    for (const [args, stderr] of steps) {
      ok(expect, await qlik(args, { home }), stderr);
      const text = await readFile(contextsFile(home), 'utf8');
      for (const c of KEPT_COMMENTS) expect(text, `after ${args.join(' ')}`).toContain(c);
    }
    const final = await readContexts(home);
    expect(final['current-context']).toBe('production');
    expect(Object.keys(final.contexts ?? {})).toEqual(['production', 'stage', 'legacy']);
    expect(final.contexts?.production).toEqual({
      server: 'https://prod.us.qlikcloud.com',
      headers: { Authorization: 'Bearer prod-secret-value-1234567890' },
      comment: 'rotated',
    });
    expect(final.contexts?.stage).toEqual({
      server: 'https://staging.internal.example',
      insecure: true,
      'server-type': 'cloud',
    });
    expect(final.contexts?.legacy).toEqual({ server: 'https://legacy.example.org', 'team-owner': 'data-eng' });
    // Get on the hand-written file masks its key too.
    const get = await qlik(['context', 'get'], { home });
    expect(lines(get.stdout)[0]).toBe('name: production');
    expect(get.stdout).not.toContain('prod-secret-value');
  });
});

describe('secrets from stdin', () => {
  it('--api-key - reads the key from stdin: it never appears in the command line of the running process', async ({
    expect,
  }) => {
    const home = await newHome();
    const key = 'stdin-only-api-key-ABCDEF0123456789';
    const p = start(
      process.execPath,
      [QLIK_JS, 'context', 'create', 'ci', '--server', 'ci.example.com', '--api-key', '-'],
      { home, keepStdinOpen: true },
    );
    const pid = p.child.pid!;
    // The process is running and waiting for stdin: look at its command line (and environment) now.
    let cmdline = '';
    for (let i = 0; i < 100 && !cmdline.includes('context'); i++) {
      cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmdline.includes('context')) await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    const argv = cmdline.split('\0').filter((a) => a !== '');
    expect(argv.slice(1)).toEqual([QLIK_JS, 'context', 'create', 'ci', '--server', 'ci.example.com', '--api-key', '-']);
    expect(cmdline).not.toContain(key);
    expect(environ).not.toContain(key);
    expect(p.child.exitCode).toBe(null);
    p.child.stdin!.end(`${key}\n`);
    const r = await p.done;
    ok(expect, r, "Context 'ci' created\n");
    expect((await readContexts(home)).contexts?.ci).toEqual({
      server: 'https://ci.example.com',
      headers: { Authorization: `Bearer ${key}` },
    });

    // update --api-key - replaces the key the same way.
    const rotated = 'rotated-key-from-stdin-987654321';
    ok(
      expect,
      await qlik(['context', 'update', 'ci', '--api-key', '-'], { home, stdin: rotated }),
      "Context 'ci' updated\n",
    );
    expect((await readContexts(home)).contexts?.ci?.headers).toEqual({ Authorization: `Bearer ${rotated}` });
    fails(
      expect,
      await qlik(['context', 'update', 'ci', '--api-key', '-'], { home, stdin: '  \n' }),
      '--api-key -: stdin was empty',
    );
    expect((await readContexts(home)).contexts?.ci?.headers).toEqual({ Authorization: `Bearer ${rotated}` });
  });
});

describe('concurrent writers', () => {
  it(
    '50 concurrent `context update` processes all land, and the comments survive',
    { timeout: 150_000 },
    async ({ expect }) => {
      const names = Array.from({ length: 50 }, (_v, i) => `ctx-${String(i).padStart(2, '0')}`);
      const body = names.map((n) => `  # ${n} comment\n  ${n}:\n    server: https://${n}.example.com\n`).join('');
      const home = await newHome(`# fifty contexts\ncurrent-context: ctx-00\ncontexts:\n${body}`);
      const results = await Promise.all(
        names.map((n, i) =>
          qlik(['context', 'update', n, '--comment', `updated ${i}`, '--headers', `X-Writer=${i}`], {
            home,
            timeoutMs: 140_000,
          }),
        ),
      );
      for (const [i, r] of results.entries()) ok(expect, r, `Context '${names[i]!}' updated\n`);
      const after = await readContexts(home);
      expect(Object.keys(after.contexts ?? {})).toEqual(names);
      for (const [i, n] of names.entries()) {
        expect(after.contexts?.[n]).toEqual({
          server: `https://${n}.example.com`,
          comment: `updated ${i}`,
          headers: { 'X-Writer': String(i) },
        });
      }
      const text = await readFile(contextsFile(home), 'utf8');
      expect(text.startsWith('# fifty contexts\n')).toBe(true);
      for (const n of names) expect(text).toContain(`  # ${n} comment\n  ${n}:\n`);
    },
  );
});

describe.concurrent('context init', () => {
  it('asks for the URL and the key on piped stdin, checks them and greets the user by name', async ({ expect }) => {
    const home = await newHome();
    const r = await qlik(['context', 'init'], { home, stdin: `${emu.url}\n${emu.dev.apiKey}\n` });
    ok(expect, r);
    expect(r.stdout).toBe('Welcome dev, everything is now set up.\n');
    // Piped answers are not echoed, so each prompt ends its own line.
    expect(lines(r.stderr)).toEqual([
      'Acquiring access to Qlik Cloud',
      'Specify your tenant URL, usually in the form: https://<tenant>.<region>.qlikcloud.com',
      'Where <tenant> is the name of the tenant and <region> is eu, us, ap, etc...',
      'Enter tenant url: ',
      '',
      `To generate a new API-key, go to ${emu.url}/settings/api-keys`,
      'API-key: ',
    ]);
    expect(r.stderr).not.toContain(emu.dev.apiKey);
    const host = new URL(emu.url).hostname;
    const saved = await readContexts(home);
    expect(saved['current-context']).toBe(host);
    expect(saved.contexts?.[host]).toEqual({ server: emu.url, headers: { Authorization: `Bearer ${emu.dev.apiKey}` } });
    // The context works.
    const me = await qlik(['user', 'me', '-q'], { home });
    expect(me.stdout).toBe(`${emu.dev.id}\n`);
  });

  it('with a wrong key, removes the new context, keeps the previous current one, and exits 1', async ({ expect }) => {
    const home = await newHome(`current-context: old\ncontexts:\n  old:\n    server: https://old.example.com\n`);
    const r = await qlik(['context', 'init', 'emu'], { home, stdin: `${emu.url}\nnot-a-valid-key-123456\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr).at(-1)).toMatch(
      /^Error: could not verify access to http:\/\/127\.0\.0\.1:\d+ \(401 Unauthorized\); the API key may be faulty\. Context 'emu' was not saved$/,
    );
    expect(r.stderr).not.toContain('not-a-valid-key-123456');
    const saved = await readContexts(home);
    expect(saved['current-context']).toBe('old');
    expect(Object.keys(saved.contexts ?? {})).toEqual(['old']);
  });
});
