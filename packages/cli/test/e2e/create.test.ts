// `qlik api-key create` end to end: the built binary against a spawned emulator over loopback. Tests run
// concurrently: each run carries its own X-Test-Run header and each key its own description, so that every test
// checks only its own requests (request log) and keys (ledger).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { startEmulator, type Emulator } from '../../../../test/kit/emulator.js';
import {
  assertBuilt,
  closedPort,
  emulatorHome,
  json,
  lines,
  newTag,
  qlik,
  removeDir,
  requestsTagged,
  sh,
  tempDir,
  type RunOptions,
  type RunResult,
} from './kit.js';

let emu: Emulator;
let home: string;
let files: string;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator();
  // Many keys per user: the tests share the emulator and do not reset it.
  await emu.control('PUT', 'config', { max_keys_per_user: 1000 });
  home = await emulatorHome(emu, 'admin');
  files = await tempDir('qlik-e2e-files-');
});
afterAll(async () => {
  await emu.stop();
  await removeDir(home);
  await removeDir(files);
});

let fileCount = 0;
async function bodyFile(content: string | Buffer, name = `body-${fileCount++}.json`): Promise<string> {
  const path = join(files, name);
  await writeFile(path, content);
  return path;
}

async function created(description: string) {
  return (await emu.ledger()).filter((e) => e.description === description);
}

type Tagged = RunResult & { tag: string };

/** Run the CLI with a fresh X-Test-Run header (appended after the given arguments). */
async function run(args: string[], o: Partial<RunOptions> = {}): Promise<Tagged> {
  const tag = newTag();
  const r = await qlik([...args, '--headers', `X-Test-Run=${tag}`], { home, ...o });
  return { ...r, tag };
}

/** A failed run that never reached the server: exit 1, one `Error: …` line, nothing on stdout, no request. */
async function expectRejectedLocally(expect: ExpectStatic, r: Tagged, message: string | RegExp) {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  if (typeof message === 'string') expect(r.stderr).toBe(`Error: ${message}\n`);
  else expect(r.stderr).toMatch(message);
  expect(await requestsTagged(emu, r.tag)).toEqual([]);
}

describe.concurrent('output', () => {
  it('prints the key with its token as 2-space JSON with a trailing newline, and the token works', async ({
    expect,
  }) => {
    const r = await run(['api-key', 'create', '--description', 'first key', '--expiry', 'PT1H30M']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const key = json(r.stdout);
    expect(r.stdout).toBe(`${JSON.stringify(key, null, 2)}\n`);
    expect(key).toMatchObject({
      description: 'first key',
      sub: emu.admin.id,
      subType: 'user',
      status: 'active',
      createdByUser: emu.admin.id,
    });
    expect(key).not.toHaveProperty('links');
    expect(typeof key.token).toBe('string');
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(90 * 60 * 1000);

    expect(await created('first key')).toEqual([
      expect.objectContaining({ id: key.id, state: 'active', delivered: true }),
    ]);
    expect((await requestsTagged(emu, r.tag)).map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      'POST /api/v1/api-keys 201',
    ]);
    // The printed token is the key's credential.
    const me = await emu.api('GET', '/api/v1/users/me', { token: key.token });
    expect(me.status).toBe(301);
    expect(me.headers.location).toContain(emu.admin.id);
  });

  it('-q prints only the id and warns on stderr that the token was not printed', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--description', 'quiet', '-q']);
    expect(r.code).toBe(0);
    const [entry] = await created('quiet');
    expect(r.stdout).toBe(`${entry!.id}\n`);
    expect(r.stderr).toBe(
      'Warning: -q printed only the id; the token, shown only once, was not printed. Run without -q to keep it.\n',
    );
  });

  it('--raw prints the body the server sent (compact, unprocessed) and nothing else', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--description', 'raw', '--raw']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const key = json(r.stdout);
    expect(r.stdout).toBe(`${JSON.stringify(key)}\n`);
    expect(key.description).toBe('raw');
    expect(typeof key.token).toBe('string');
  });

  it('gives a slow reader on a pipe the whole JSON document', async ({ expect }) => {
    const r = await sh(`{ qlik api-key create --description slow-reader; echo "qlik-exit=$?" >&2; } | (sleep 1; cat)`, {
      home,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('qlik-exit=0\n');
    const key = json(r.stdout);
    expect(key.description).toBe('slow-reader');
    expect(r.stdout).toBe(`${JSON.stringify(key, null, 2)}\n`);
  });

  it('handles a reader that goes away (EPIPE) without a stack trace, and never leaves an unprinted key behind', async ({
    expect,
  }) => {
    const r = await sh(
      [
        // head reads one byte: the JSON was handed to the pipe, the run succeeded.
        `{ qlik api-key create --description epipe-head; echo "exit-a=$?" >&2; } | head -c 1`,
        'echo',
        // A reader that exits before anything is written: the write fails with EPIPE for sure.
        `{ sleep 0.3; qlik api-key ls; echo "exit-b=$?" >&2; } | true`,
        `{ sleep 0.3; qlik api-key create --description epipe-closed; echo "exit-c=$?" >&2; } | true`,
      ].join('\n'),
      { home },
    );
    expect(r.stdout).toBe('{\n');
    const [closed] = await created('epipe-closed');
    // The key whose token could not be printed was deleted; the one that was printed stays.
    expect(closed).toMatchObject({ state: 'deleted' });
    expect(r.stderr).toBe(
      [
        'exit-a=0',
        'exit-b=0',
        `Error: stdout was closed before the API key could be printed; API key ${closed!.id} was deleted (its token is shown only once)`,
        'exit-c=1',
        '',
      ].join('\n'),
    );
    expect(await created('epipe-head')).toEqual([expect.objectContaining({ state: 'active', delivered: true })]);
  });
});

describe.concurrent('--description and --expiry', () => {
  it('requires --description, from a flag or from -f', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--expiry', 'P1D']);
    await expectRejectedLocally(expect, r, 'required flag(s) "description" not set');
    const file = await bodyFile('{"expiry":"PT1H"}');
    await expectRejectedLocally(
      expect,
      await run(['api-key', 'create', '-f', file]),
      'required flag(s) "description" not set',
    );
  });

  it('rejects malformed and non-positive --expiry values (7D, P, PT, P1DT, P7Dx, -P1D, empty) before sending anything', async ({
    expect,
  }) => {
    const bad = ['7D', 'P', 'PT', 'P1DT', 'P7Dx', '-P1D', ''];
    const results = await Promise.all(
      bad.map((expiry) => run(['api-key', 'create', '--description', 'bad expiry', '--expiry', expiry])),
    );
    for (const [i, r] of results.entries()) {
      const prefix = `Error: invalid argument ${JSON.stringify(bad[i])} for "--expiry" flag: `;
      expect(r.stderr.startsWith(prefix), `${bad[i]!}: ${r.stderr}`).toBe(true);
      await expectRejectedLocally(expect, r, /^Error: .*\n$/);
    }
    expect(results[0]!.stderr).toContain('not an ISO 8601 duration');
    expect(results[5]!.stderr).toContain('the duration must be positive');
  });

  it('sends --expiry exactly as typed (the trace shows the body)', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--description', 'exact', '--expiry', 'P0DT2H', '-v']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('> {"description":"exact","expiry":"P0DT2H"}\n');
    const key = json(r.stdout);
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(2 * 3600 * 1000);
  });

  it('lets the server refuse an expiry beyond the tenant maximum, printing its error body', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--description', 'too long', '--expiry', 'P30D']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const body = json(r.stderr);
    expect(r.stderr).toBe(`${JSON.stringify(body, null, 2)}\n`);
    expect(body.errors[0].status).toBe(400);
    expect(await created('too long')).toEqual([]);
  });
});

describe.concurrent('-f FILE', () => {
  it('reads the body from a file', async ({ expect }) => {
    const file = await bodyFile(JSON.stringify({ description: 'from file', expiry: 'PT2H' }));
    const r = await run(['api-key', 'create', '-f', file]);
    expect(r.code).toBe(0);
    const key = json(r.stdout);
    expect(key.description).toBe('from file');
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(2 * 3600 * 1000);
  });

  it('reads the body from stdin with -f -', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--file', '-'], {
      stdin: '{"description":"from stdin","expiry":"PT3H"}\n',
    });
    expect(r.code).toBe(0);
    const key = json(r.stdout);
    expect(key.description).toBe('from stdin');
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(3 * 3600 * 1000);
  });

  it('lets explicit flags override the fields of the file, field by field', async ({ expect }) => {
    const file = await bodyFile(JSON.stringify({ description: 'file description', expiry: 'PT4H' }));
    const r = await run(['api-key', 'create', '-f', file, '--description', 'flag description', '-v']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('> {"description":"flag description","expiry":"PT4H"}\n');
    expect(json(r.stdout).description).toBe('flag description');
  });

  it('checks the fields that come from the file, naming the file', async ({ expect }) => {
    const file = await bodyFile(JSON.stringify({ description: 'x', expiry: '7D' }));
    const r = await run(['api-key', 'create', '-f', file]);
    await expectRejectedLocally(expect, r, new RegExp(`^Error: --file ${file}: expiry "7D": not an ISO 8601 duration`));
  });

  it('reports unusable files in one line and sends nothing', async ({ expect }) => {
    const dir = join(files, 'a-directory');
    await mkdir(dir, { recursive: true });
    const cases: [string[], string | RegExp, string?][] = [
      [['-f', join(files, 'missing.json')], `--file ${join(files, 'missing.json')}: no such file`],
      [['-f', dir], `--file ${dir}: is a directory`],
      [['-f', await bodyFile('{"description": "x",}')], /^Error: --file \S+: invalid JSON: /],
      [
        ['-f', await bodyFile('[{"description":"x"}]')],
        /^Error: --file \S+: expected one JSON object, got an array\n$/,
      ],
      [
        ['-f', await bodyFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"description":"bom"}')]))],
        /^Error: --file \S+: starts with a UTF-8 byte order mark \(BOM\)/,
      ],
      [
        ['-f', await bodyFile(JSON.stringify({ description: 'x'.repeat(1024 * 1024) }))],
        /^Error: --file \S+: larger than 1 MiB\n$/,
      ],
      [
        ['-f', '-'],
        /^Error: -f -: the request body on stdin is larger than 1048576 bytes\n$/,
        `{"description":"${'y'.repeat(1024 * 1024)}"}`,
      ],
    ];
    const results = await Promise.all(
      cases.map(([args, , stdin]) =>
        run(['api-key', 'create', ...args], { ...(stdin === undefined ? {} : { stdin }) }),
      ),
    );
    for (const [i, r] of results.entries()) await expectRejectedLocally(expect, r, cases[i]![1]);
  });
});

describe.concurrent('--sub and --subType', () => {
  it('sends a SCIM subject byte for byte (one backslash stays one backslash)', async ({ expect }) => {
    const r = await run([
      'api-key',
      'create',
      '--description',
      'scim',
      '--sub',
      'SCIM\\abc',
      '--subType',
      'externalClient',
    ]);
    expect(r.code).toBe(0);
    const key = json(r.stdout);
    expect(key.sub).toBe('SCIM\\abc');
    const [entry] = await created('scim');
    expect(entry).toMatchObject({
      sub: 'SCIM\\abc',
      subType: 'externalClient',
      createdByUser: emu.admin.id,
      state: 'active',
    });
    const get = await emu.api('GET', `/api/v1/api-keys/${key.id}`);
    expect(get.body).toMatchObject({ sub: 'SCIM\\abc', subType: 'externalClient' });
  });

  it('creates a key for another user when an admin gives --sub', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--description', 'for dev', '--sub', emu.dev.id, '-q']);
    expect(r.code).toBe(0);
    const [entry] = await created('for dev');
    expect(entry).toMatchObject({ sub: emu.dev.id, subType: 'user', createdByUser: emu.admin.id });
  });

  it('rejects an unknown --subType before sending', async ({ expect }) => {
    const r = await run(['api-key', 'create', '--description', 'x', '--subType', 'robot']);
    await expectRejectedLocally(
      expect,
      r,
      'invalid argument "robot" for "--subType" flag: must be one of "user", "externalClient"',
    );
  });
});

describe.concurrent('--retry, --interval and --json', () => {
  it('rejects out-of-range and malformed values before sending', async ({ expect }) => {
    const cases: [string[], string][] = [
      [['--retry', '11'], 'invalid argument "11" for "--retry" flag: must be between 0 and 10'],
      [['--retry', '-1'], 'invalid argument "-1" for "--retry" flag: must be between 0 and 10'],
      [['--interval', '0'], 'invalid argument "0" for "--interval" flag: must be at least 1'],
    ];
    const results = await Promise.all(cases.map(([args]) => run(['api-key', 'create', '--description', 'x', ...args])));
    for (const [i, r] of results.entries()) await expectRejectedLocally(expect, r, cases[i]![1]);
  });

  it('--json prints local errors as {"error": …}', async ({ expect }) => {
    const r = await run(['--json', 'api-key', 'create']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: 'required flag(s) "description" not set' });
  });

  it('retries a refused connection (a closed port) --retry times, then prints one error line', async ({ expect }) => {
    const port = await closedPort();
    const r = await run([
      '--server',
      `http://127.0.0.1:${port}`,
      '-v',
      'api-key',
      'create',
      '--description',
      'refused',
      '--retry',
      '2',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr).filter((l) => l.startsWith('POST '))).toHaveLength(3);
    expect(lines(r.stderr).filter((l) => l.startsWith('* cannot connect'))).toHaveLength(2);
    expect(lines(r.stderr).at(-1)).toBe(`Error: cannot connect to 127.0.0.1:${port}: connection refused`);
    // Two pauses of at least --interval (1 s) each.
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    expect(await created('refused')).toEqual([]);
  });

  it('--json prints a network failure as {"error": …}', async ({ expect }) => {
    const port = await closedPort();
    const r = await run(['--json', '--server', `http://127.0.0.1:${port}`, 'api-key', 'create', '--description', 'x']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({ error: `cannot connect to 127.0.0.1:${port}: connection refused` });
  });

  it('prints the server error body as pretty JSON (a viewer may not create keys)', async ({ expect }) => {
    const r = await run(['--json', '--context', 'viewer', 'api-key', 'create', '--description', 'nope']);
    expect(r.code).toBe(1);
    const body = json(r.stderr);
    expect(r.stderr).toBe(`${JSON.stringify(body, null, 2)}\n`);
    expect(body.errors[0]).toMatchObject({ status: 403 });
    expect(await created('nope')).toEqual([]);
  });
});

describe.concurrent('global flags', () => {
  it('--server-type windows is refused with a clear message and no request', async ({ expect }) => {
    const r = await run(['--server-type', 'windows', 'api-key', 'create', '--description', 'x']);
    await expectRejectedLocally(
      expect,
      r,
      "'qlik api-key create' is only available for Qlik Cloud; the server type is windows",
    );
  });

  it('--headers reach the server (merged when repeated), and bad ones are refused locally', async ({ expect }) => {
    const r = await run([
      'api-key',
      'create',
      '--description',
      'hdr',
      '-q',
      '--headers',
      'X-Trace-Id=trace-42,X-Team=blue',
      '--headers',
      'X-Extra=1,2',
    ]);
    expect(r.code).toBe(0);
    const [post] = await requestsTagged(emu, r.tag);
    expect(post!.headers).toMatchObject({ 'x-trace-id': 'trace-42', 'x-team': 'blue', 'x-extra': '1,2' });
    const bad = await run(['api-key', 'create', '--description', 'x', '--headers', 'X-Evil=a\r\nX-Injected: 1']);
    await expectRejectedLocally(
      expect,
      bad,
      '--headers: header X-Evil has a control character (CR, LF or NUL) in its value',
    );
    const badName = await run(['api-key', 'create', '--description', 'x', '--headers', 'Bad Name=1']);
    await expectRejectedLocally(expect, badName, '--headers: invalid header name "Bad Name"');
  });

  it('--context selects another context; an unknown one lists the contexts', async ({ expect }) => {
    const r = await run(['--context', 'dev', 'api-key', 'create', '--description', 'by dev', '-q']);
    expect(r.code).toBe(0);
    expect((await created('by dev'))[0]).toMatchObject({ createdByUser: emu.dev.id });
    const bad = await run(['--context', 'nope', 'api-key', 'create', '--description', 'x']);
    await expectRejectedLocally(
      expect,
      bad,
      `context 'nope' not found in ${join(home, '.qlik', 'contexts.yml')}; available: admin, dev, viewer (--context)`,
    );
  });

  it('-c reads server, key and flags from a config file with ${VAR} values', async ({ expect }) => {
    const empty = await tempDir('qlik-e2e-empty-home-');
    try {
      const cfg = await bodyFile(
        'server: ${EMU_URL}\napi-key: ${EMU_KEY}\ndescription: ${KEY_DESCRIPTION}\nexpiry: PT5H\n',
        'config.yml',
      );
      const env = { EMU_URL: emu.url, EMU_KEY: emu.dev.apiKey, KEY_DESCRIPTION: 'from config' };
      const r = await run(['-c', cfg, 'api-key', 'create'], { home: empty, env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const key = json(r.stdout);
      expect(key).toMatchObject({ description: 'from config', createdByUser: emu.dev.id });
      expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(5 * 3600 * 1000);

      const flagWins = await run(['-c', cfg, 'api-key', 'create', '--description', 'flag wins', '-q'], {
        home: empty,
        env,
      });
      expect(flagWins.code).toBe(0);
      expect(await created('flag wins')).toHaveLength(1);

      const missing = await run(['-c', cfg, 'api-key', 'create'], {
        home: empty,
        env: { EMU_URL: emu.url, EMU_KEY: 'k' },
      });
      await expectRejectedLocally(
        expect,
        missing,
        `config file ${cfg}: 'description': environment variable 'KEY_DESCRIPTION' not found`,
      );
      const typo = await bodyFile('descripton: x\n', 'typo.yml');
      const unknown = await run(['-c', typo, 'api-key', 'create']);
      await expectRejectedLocally(
        expect,
        unknown,
        `config file ${typo}: unknown key 'descripton': did you mean 'description'?`,
      );
    } finally {
      await removeDir(empty);
    }
  });

  it('-v traces the exchange on stderr without the bearer value or the new token', async ({ expect }) => {
    const r = await run(['-v', 'api-key', 'create', '--description', 'traced']);
    expect(r.code).toBe(0);
    const key = json(r.stdout);
    const trace = r.stderr;
    expect(trace).toContain(`POST ${emu.url}/api/v1/api-keys\n`);
    expect(trace).toContain('> Authorization: Bearer **omitted**\n');
    expect(trace).toContain('Status: 201 Created\n');
    expect(trace).toMatch(/"token":"\*\*omitted\*\*"/);
    for (const secret of [
      emu.admin.apiKey,
      key.token as string,
      (key.token as string).split('.')[2]!,
      emu.admin.apiKey.split('.')[2]!,
    ]) {
      expect(trace).not.toContain(secret);
    }
    // --json turns the trace off.
    const quiet = await run(['-v', '--json', 'api-key', 'create', '--description', 'untraced', '-q']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('POST ');
  });
});
