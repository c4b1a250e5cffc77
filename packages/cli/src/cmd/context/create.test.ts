// `qlik context create`, in process: flags → the stored context, bad flags → one line and nothing written.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome, type RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, runContext, saved } from './test/kit.js';

/** context create never talks to a server: runContext fails the test on any request. */
const create = (args: string[], opts: { home: string; stdin?: string; stdinTTY?: boolean }): Promise<RunResult> =>
  runContext(['create', ...args], opts);

describe('context create', () => {
  it('stores the given fields, says so on stderr, and writes the file 0600 in a 0700 directory', async () => {
    const home = await tempHome();
    const r = await create(
      [
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
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: "Context 'prod' created\n" });
    expect(await saved(home)).toEqual({
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
  });

  it('does not make the new context current', async () => {
    const home = await tempHome();
    await create(['a', '--server', 'a.example.com'], { home });
    expect((await saved(home))['current-context']).toBe('');
  });

  it.each([
    ['--insecure', true],
    ['--insecure=true', true],
    ['--insecure=false', false],
    ['--insecure=0', false],
    ['--insecure=1', true],
  ])('%s stores insecure: %s', async (flag, want) => {
    const home = await tempHome();
    expect((await create(['b', '--server', 'b.example.com', flag], { home })).code).toBe(0);
    expect((await saved(home)).contexts?.b?.insecure).toBe(want);
  });

  it('--api-key is stored as an Authorization header (as Qlik’s CLI does)', async () => {
    const home = await tempHome();
    await create(['k', '--server', 'https://k.example.com', '--api-key', 'key-0123456789'], { home });
    expect((await saved(home)).contexts?.k).toEqual({
      server: 'https://k.example.com',
      headers: { Authorization: 'Bearer key-0123456789' },
    });
  });

  it('--api-key - reads the key from stdin (trimmed), never from argv', async () => {
    const home = await tempHome();
    const r = await create(['ci', '--server', 'ci.example.com', '--api-key', '-'], {
      home,
      stdin: '  stdin-key-ABCDEF0123456789\n',
    });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: "Context 'ci' created\n" });
    expect((await saved(home)).contexts?.ci).toEqual({
      server: 'https://ci.example.com',
      headers: { Authorization: 'Bearer stdin-key-ABCDEF0123456789' },
    });
  });

  it('stores an OAuth client: id visible in the file, secret from stdin, and our --oauth-scope', async () => {
    const home = await tempHome();
    const secret = 'oauth-secret-from-stdin-42424242';
    const r = await create(
      [
        'm2m',
        '--server',
        'https://o.example.com',
        '--oauth-client-id',
        'client-1',
        '--oauth-client-secret',
        '-',
        '--oauth-scope',
        ' user_default ',
      ],
      { home, stdin: `${secret}\n` },
    );
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: "Context 'm2m' created\n" });
    expect((await saved(home)).contexts?.m2m).toEqual({
      server: 'https://o.example.com',
      'oauth-client-id': 'client-1',
      'oauth-client-secret': secret,
      'oauth-scope': 'user_default',
    });
    expect((await stat(contextsFile(home))).mode & 0o777).toBe(0o600);
  });

  it('--headers takes several comma-separated pairs, values may hold "=" (pflag stringToString)', async () => {
    const home = await tempHome();
    await create(['h', '--server', 'h.example.com', '--headers', 'Cookie=sid=cookie-value-999,X-Plain=visible'], {
      home,
    });
    expect((await saved(home)).contexts?.h).toEqual({
      server: 'https://h.example.com',
      headers: { Cookie: 'sid=cookie-value-999', 'X-Plain': 'visible' },
    });
  });

  it('accepts an OAuth client id alone (the secret can follow with update)', async () => {
    const home = await tempHome();
    expect((await create(['half', '--server', 'h.example.com', '--oauth-client-id', 'client-2'], { home })).code).toBe(
      0,
    );
    expect((await saved(home)).contexts?.half).toEqual({
      server: 'https://h.example.com',
      'oauth-client-id': 'client-2',
    });
  });

  // argv (and stdin) → the one-line error; nothing is written, no file is created, no request is sent.
  it.each<[string, string[], string, { stdin?: string; stdinTTY?: boolean }?]>([
    [
      'a bad scheme',
      ['--server', 'ftp://x.example.com'],
      '--server: unsupported scheme "ftp" in "ftp://x.example.com" (use https:// or http://)',
    ],
    [
      'credentials in the URL',
      ['--server', 'https://u:p@x.example.com'],
      '--server: credentials in the server URL are not allowed; use --api-key or --headers',
    ],
    [
      'a query in the URL',
      ['--server', 'https://x.example.com/?a=1'],
      '--server: the server URL must not have a query or fragment',
    ],
    ['an empty server', ['--server', ' '], '--server: the server URL is empty'],
    [
      'a bad server type',
      ['--server-type', 'saas'],
      '--server-type: invalid server type "saas" (valid: cloud, windows, engine)',
    ],
    [
      'a bad boolean',
      ['--insecure=yes'],
      'invalid argument "yes" for "--insecure" flag: strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    ['an empty API key', ['--api-key', ''], '--api-key: the value is empty or has a line break'],
    ['an API key with a line break', ['--api-key', 'abc\ndef'], '--api-key: the value is empty or has a line break'],
    [
      'an empty client secret',
      ['--oauth-client-id', 'c', '--oauth-client-secret', ' '],
      '--oauth-client-secret: the value is empty or has a line break',
    ],
    [
      'an API key and an OAuth client',
      ['--api-key', 'k-123', '--oauth-client-id', 'c', '--oauth-client-secret', 's'],
      '--api-key and --oauth-client-id/--oauth-client-secret cannot be used together: a context uses an API key or an OAuth client, not both',
    ],
    [
      'an Authorization header and an OAuth client',
      ['--headers', 'authorization=Bearer x', '--oauth-client-id', 'c'],
      '--headers Authorization=… and --oauth-client-id/--oauth-client-secret cannot be used together: a context uses an API key or an OAuth client, not both',
    ],
    [
      'a client secret without a client id',
      ['--oauth-client-secret', 's'],
      "--oauth-client-secret: context 'new' has no OAuth client id; give --oauth-client-id too",
    ],
    [
      'a scope without a client id',
      ['--oauth-scope', 'admin_classic'],
      "--oauth-scope: context 'new' has no OAuth client id; give --oauth-client-id too",
    ],
    [
      'a header with a line break',
      ['--headers', 'X-A=1\r\nX-B: 2'],
      '--headers: header X-A has a line break (CR or LF) in its value',
    ],
    ['--api-key - with empty stdin', ['--api-key', '-'], '--api-key -: stdin was empty', { stdin: ' \n' }],
    [
      '--api-key - on a terminal',
      ['--api-key', '-'],
      '--api-key -: stdin is a terminal; pipe the secret in (e.g. from a secret store)',
      { stdinTTY: true },
    ],
    [
      'both secrets from stdin',
      ['--oauth-client-id', 'c', '--oauth-client-secret', '-', '--api-key', '-'],
      'only one of --api-key and --oauth-client-secret can be read from stdin (-)',
      { stdin: 'x' },
    ],
    ['no name', [], 'accepts 1 arg(s), received 0'],
  ])('fails for %s', async (_what, args, message, io = {}) => {
    const home = await tempHome();
    const argv = args.length === 0 ? [] : ['new', ...args];
    const r = await create(argv, { home, ...io });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
    expect(existsSync(join(home, '.qlik'))).toBe(false);
  });

  it('refuses an existing name and leaves the file as it was', async () => {
    const home = await tempHome();
    await create(['prod', '--server', 'prod.example.com'], { home });
    const before = await readFile(contextsFile(home), 'utf8');
    const r = await create(['prod', '--server', 'other.example.com'], { home });
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        "Error: Context 'prod' already exists\nHint: change it with: qlik context update prod (the same flags), or remove it first: qlik context rm prod\n",
    });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);
  });
});

describe('permissions of the contexts file (#8.12)', () => {
  async function homeWithMode(fileMode: number, dirMode: number): Promise<string> {
    const home = await tempHome();
    await mkdir(join(home, '.qlik'));
    await writeFile(contextsFile(home), 'current-context: ""\ncontexts: {}\n');
    await chmod(contextsFile(home), fileMode);
    await chmod(join(home, '.qlik'), dirMode);
    return home;
  }

  it('a write reports a group/world-writable file and directory as found, one line each, and leaves them 0600/0700', async () => {
    const home = await homeWithMode(0o666, 0o777);
    const file = contextsFile(home);
    const dir = join(home, '.qlik');
    const r = await create(['a', '--server', 'a.example.com'], { home });
    expect(r.code).toBe(0);
    const done = " (done by this run's write; check that the file's contents are yours)";
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `Warning: file ${file} is writable by other users (mode 0666); they could change where your credentials are sent. Fix: chmod 600 ${file}${done}`,
      `Warning: directory ${dir} is writable by other users (mode 0777); they could change where your credentials are sent. Fix: chmod 700 ${dir}${done}`,
      "Context 'a' created",
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    // Fixed: the next run is quiet.
    const again = await create(['b', '--server', 'b.example.com'], { home });
    expect(again.stderr).toBe("Context 'b' created\n");
  });

  it('tightens a group-readable .qlik directory it writes into', async () => {
    const home = await homeWithMode(0o600, 0o750);
    const r = await create(['a', '--server', 'a.example.com'], { home });
    expect(r.stderr).toBe("Context 'a' created\n");
    expect((await stat(join(home, '.qlik'))).mode & 0o777).toBe(0o700);
  });
});
