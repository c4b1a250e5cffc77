// qlik api-key create, in-process: the flag table (argv → the request sent, or one error line and no request), and the
// request/response table against a stub registry — with the guarantees that a run removes only keys its own attempts
// made and did not deliver, and that the stored key ends with exactly the user's description.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator, type FaultRuleInput } from '../../../../../test/kit/emulator.js';
import {
  empty,
  failure,
  json,
  qlikError,
  StubRegistry,
  type RecordedRequest,
} from '../../../../../test/kit/httpmock.js';
import type { TransportResponse } from '../../http/transport.js';
import type { TransportError } from '../../errors/errors.js';
import { homeWithContext, runQlik, type RunOptions, type RunResult } from '../../../../../test/kit/run.js';
import { CancelledError } from '../../errors/errors.js';

const SERVER = 'https://tenant.example.com';
const ME = '64ef645a3b7009d55dee5a2b';
const KEYS = '/api/v1/api-keys';
const TAG = / \[qlik-cli:[A-Za-z0-9_-]{12}\.(\d+)\]$/;

let counter = 0;
function keyId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** The key the server would make for a POST, with its token. */
function created(req: RecordedRequest, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const body = req.json as Record<string, unknown>;
  return {
    id: keyId(),
    tenantId: 'tenant-1',
    description: body.description,
    sub: body.sub ?? ME,
    subType: body.subType ?? 'user',
    status: 'active',
    createdByUser: ME,
    expiry: '2026-12-02T10:00:00.000Z',
    created: new Date().toISOString(),
    lastUpdated: new Date().toISOString(),
    token: `eyJhbGciOiJFUzM4NCJ9.eyJqdGkiOiJ4In0.${'s'.repeat(20)}`,
    ...overrides,
  };
}

async function create(args: string[], reg: StubRegistry, opts: RunOptions = {}) {
  const home = opts.home ?? (await homeWithContext(SERVER));
  const r = await runQlik(['api-key', 'create', ...args], { home, transport: reg, ...opts });
  return r;
}

const ONE_KEY = /^\/api\/v1\/api-keys\/[0-9a-f-]+$/;

/** A key as the API shows it after the create (the token only ever comes in the create's answer). */
function withoutToken(k: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(k).filter(([name]) => name !== 'token'));
}

/** The read-back of a key the POST answered with: the server shows it as `key()` (without its token). */
function readBack(reg: StubRegistry, key: () => Record<string, unknown>): StubRegistry {
  reg.register('GET', ONE_KEY, (req) => {
    const k = key();
    expect(req.path).toBe(`${KEYS}/${String(k.id)}`);
    return json(200, withoutToken(k));
  });
  return reg;
}

/**
 * Stubs for one successful create: the POST (answered from the request), the GET that proves the answered id carries
 * the attempt's tag, and the PATCH that removes the tag.
 */
function succeed(
  reg: StubRegistry,
  onPost?: (req: RecordedRequest, key: Record<string, unknown>) => void,
): StubRegistry {
  let key: Record<string, unknown> = {};
  reg.register('POST', KEYS, (req) => {
    key = created(req);
    onPost?.(req, key);
    return json(201, key);
  });
  readBack(reg, () => key);
  reg.register('PATCH', ONE_KEY, (req) => {
    expect(req.path).toBe(`${KEYS}/${String(key.id)}`);
    return empty(204);
  });
  return reg;
}

/** The caller's recent keys, as the reconcile listing sees them. */
function listing(reg: StubRegistry, keys: () => Record<string, unknown>[]): StubRegistry {
  reg.register('GET', '/api/v1/users/me', json(200, { id: ME, name: 'dev' }), Infinity);
  reg.register(
    'GET',
    `${KEYS}?createdByUser=${ME}&sort=-created&limit=100`,
    () => json(200, { data: keys(), links: { self: { href: `${SERVER}${KEYS}` } } }),
    Infinity,
  );
  return reg;
}

describe('api-key create: what is sent', () => {
  it('POSTs the user fields with a per-run tag on the description, then PATCHes the description back', async () => {
    const reg = succeed(new StubRegistry());
    const r = await create(['--description', 'ci key', '--expiry', 'P7D', '--sub', 'u-1', '--subType', 'user'], reg);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    reg.verify();
    const [post, get, patch] = reg.requests;
    expect(get!.method).toBe('GET');
    expect(post!.headers['content-type']).toBe('application/json');
    expect(post!.headers.authorization).toBe('Bearer test-api-key-0123456789');
    const body = post!.json as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['description', 'expiry', 'sub', 'subType']);
    expect(body).toMatchObject({ expiry: 'P7D', sub: 'u-1', subType: 'user' });
    expect(body.description).toMatch(/^ci key \[qlik-cli:[A-Za-z0-9_-]{12}\.1\]$/);
    expect(patch!.json).toEqual([{ op: 'replace', path: '/description', value: 'ci key' }]);
    // The printed key has exactly the user's description.
    expect(JSON.parse(r.stdout)).toMatchObject({
      description: 'ci key',
      token: expect.stringMatching(/^eyJ/) as unknown,
    });
  });

  it('sends the expiry exactly as typed', async () => {
    const reg = succeed(new StubRegistry());
    await create(['--description', 'd', '--expiry', 'p1dt12h'], reg);
    expect((reg.requests[0]!.json as { expiry: string }).expiry).toBe('p1dt12h');
  });

  it('reads the body from -f FILE and from -f -, flags winning field by field', async () => {
    const home = await homeWithContext(SERVER);
    const file = join(home, 'body.json');
    await writeFile(file, JSON.stringify({ description: 'from file', expiry: 'PT1H', subType: 'user' }));
    const a = succeed(new StubRegistry());
    expect((await create(['-f', file, '--expiry', 'PT2H'], a, { home })).code).toBe(0);
    expect(a.requests[0]!.json).toMatchObject({
      description: expect.stringMatching(/^from file \[qlik-cli:/) as unknown,
      expiry: 'PT2H',
      subType: 'user',
    });
    const b = succeed(new StubRegistry());
    expect((await create(['-f', '-'], b, { home, stdin: '{"description":"piped"}' })).code).toBe(0);
    expect(b.requests[2]!.json).toEqual([{ op: 'replace', path: '/description', value: 'piped' }]);
  });

  it('passes a SCIM subject through byte for byte', async () => {
    const reg = succeed(new StubRegistry());
    await create(
      ['--description', 'scim', '--sub', 'SCIM\\215g5595380d646163cadbb9', '--subType', 'externalClient'],
      reg,
    );
    expect(reg.requests[0]!.body).toContain('"sub":"SCIM\\\\215g5595380d646163cadbb9"');
  });

  // What each shell passes for `--sub` as typed (the argv element the CLI receives): bash's are read back from a real
  // bash; PowerShell and cmd give backslashes no meaning, inside quotes or not, so what is typed is what arrives.
  const IDP = '65f1c2d3e4a5b6c7d8e9f012';
  const bashArg = (typed: string) => execFileSync('bash', ['-c', `printf '%s' ${typed}`], { encoding: 'utf8' });
  it.each([
    ["bash: 'SCIM\\<id>'", () => bashArg(`'SCIM\\${IDP}'`)],
    ["bash: 'SCIM\\\\<id>' (as the help prints it)", () => bashArg(`'SCIM\\\\${IDP}'`)],
    ['bash: "SCIM\\\\<id>"', () => bashArg(`"SCIM\\\\${IDP}"`)],
    ['bash: SCIM\\\\<id> unquoted', () => bashArg(`SCIM\\\\${IDP}`)],
    ["PowerShell: 'SCIM\\<id>'", () => `SCIM\\${IDP}`],
    ['PowerShell: "SCIM\\\\<id>"', () => `SCIM\\\\${IDP}`],
    ['cmd: SCIM\\<id>', () => `SCIM\\${IDP}`],
    ['cmd: "SCIM\\\\<id>"', () => `SCIM\\\\${IDP}`],
  ])('--sub as typed in %s → the subject SCIM\\<id> with one backslash', async (_shell, arg) => {
    const reg = succeed(new StubRegistry());
    const r = await create(['--description', 'scim', '--sub', arg(), '--subType', 'externalClient'], reg);
    expect(r.code, r.stderr).toBe(0);
    expect(reg.requests[0]!.json).toMatchObject({ sub: `SCIM\\${IDP}`, subType: 'externalClient' });
  });

  it('a user subject with backslashes is sent unchanged', async () => {
    const reg = succeed(new StubRegistry());
    await create(['--description', 'd', '--sub', 'a\\\\b'], reg);
    expect(reg.requests[0]!.json).toMatchObject({ sub: 'a\\\\b' });
  });

  it.each<[string, string[], string | RegExp, string?]>([
    ['no description', [], 'Error: required flag(s) "description" not set'],
    [
      'an expiry without P',
      ['--description', 'd', '--expiry', '7D'],
      /^Error: invalid argument "7D" for "--expiry" flag: not an ISO 8601 duration/,
    ],
    ['an empty duration', ['--description', 'd', '--expiry', 'P'], /^Error: invalid argument "P" for "--expiry" flag/],
    ['a dangling T', ['--description', 'd', '--expiry', 'P1DT'], /^Error: invalid argument "P1DT"/],
    ['trailing garbage', ['--description', 'd', '--expiry', 'P7Dx'], /^Error: invalid argument "P7Dx"/],
    [
      'a negative duration',
      ['--description', 'd', '--expiry', '-P1D'],
      'Error: invalid argument "-P1D" for "--expiry" flag: the duration must be positive',
    ],
    [
      'an unknown subType',
      ['--description', 'd', '--subType', 'robot'],
      'Error: invalid argument "robot" for "--subType" flag: must be one of "user", "externalClient"',
    ],
    [
      '--retry above 10',
      ['--description', 'd', '--retry', '11'],
      'Error: invalid argument "11" for "--retry" flag: must be between 0 and 10',
    ],
    [
      '--interval 0',
      ['--description', 'd', '--interval', '0'],
      'Error: invalid argument "0" for "--interval" flag: must be at least 1',
    ],
    ['a missing file', ['-f', '/nonexistent/body.json'], 'Error: --file /nonexistent/body.json: no such file'],
    [
      'a server type without API keys',
      ['--description', 'd', '--server-type', 'windows'],
      "Error: 'qlik api-key create' is only available for Qlik Cloud; the server type is windows",
    ],
    ['an unknown flag', ['--description', 'd', '--descripton', 'x'], 'Error: unknown flag: --descripton'],
    ['an empty description', ['--description', ''], 'Error: --description: description must not be empty'],
    ['a description of spaces', ['--description', ' \t '], 'Error: --description: description must not be empty'],
  ])('refuses %s before any request', async (_what, args, message) => {
    const reg = new StubRegistry();
    const r = await create(args, reg);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    if (typeof message === 'string') expect(r.stderr).toBe(`${message}\n`);
    else {
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    expect(reg.requests).toEqual([]);
  });

  it.each([
    ['QLIK_HTTP_TIMEOUT', '2147484', 'Error: QLIK_HTTP_TIMEOUT: at most 86400 seconds (one day), got "2147484"'],
    [
      'QLIK_HTTP_CONNECT_TIMEOUT',
      '1e9',
      'Error: QLIK_HTTP_CONNECT_TIMEOUT: at most 86400 seconds (one day), got "1e9"',
    ],
    ['QLIK_HTTP_TIMEOUT', '-1', 'Error: QLIK_HTTP_TIMEOUT: expected a positive number of seconds, got "-1"'],
  ])('%s=%s is refused in one line before any request', async (name, value, message) => {
    // The real transport (these variables configure it), to a closed port: a request would fail differently.
    const home = await homeWithContext('http://127.0.0.1:9');
    const r = await runQlik(['api-key', 'create', '--description', 'd'], { home, env: { [name]: value } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${message}\n`);
  });

  it('reports a broken -f file in one line with its position, never quoting its content', async () => {
    const home = await homeWithContext(SERVER);
    const cases: [string, string][] = [
      [
        '{\n  "description": "secret-looking-value",\n  "expiry": \n}',
        'invalid JSON at line 4, column 1: value expected',
      ],
      ['\ufeff{"description":"x"}', 'starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM'],
      ['   ', 'is empty; expected JSON'],
      ['["description"]', 'expected one JSON object, got an array'],
    ];
    for (const [text, why] of cases) {
      const file = join(home, 'bad.json');
      await writeFile(file, text);
      const reg = new StubRegistry();
      const r = await create(['-f', file], reg, { home });
      expect(r.stderr).toBe(`Error: --file ${file}: ${why}\n`);
      expect(r.stderr).not.toContain('secret-looking-value');
      expect(reg.requests).toEqual([]);
    }
  });
});

describe('api-key create: settings', () => {
  it('--headers reach the server (merged when repeated); bad ones are refused before any request', async () => {
    const reg = succeed(new StubRegistry());
    await create(
      ['--description', 'h', '--headers', 'X-Trace-Id=trace-42,X-Team=blue', '--headers', 'X-Extra=1,2'],
      reg,
    );
    expect(reg.requests[0]!.headers).toMatchObject({ 'x-trace-id': 'trace-42', 'x-team': 'blue', 'x-extra': '1,2' });
    for (const [value, why] of [
      ['X-Evil=a\r\nX-Injected: 1', 'header X-Evil has a line break (CR or LF) in its value'],
      ['Bad Name=1', 'invalid header name "Bad Name"'],
      ['X-Snow=\u2603', 'header X-Snow has a character outside Latin-1 ("\u2603") in its value'],
    ]) {
      const none = new StubRegistry();
      const r = await create(['--description', 'x', '--headers', value!], none);
      expect(r.stderr).toBe(`Error: --headers: ${why!}\n`);
      expect(none.requests).toEqual([]);
    }
  });

  it('--context selects another context; an unknown one lists the contexts', async () => {
    const home = await homeWithContext(SERVER, {
      extra:
        '  other:\n    server: https://other.example.com\n    headers:\n      Authorization: Bearer other-key-0123456789\n',
    });
    const reg = succeed(new StubRegistry());
    const r = await create(['--context', 'other', '--description', 'by other'], reg, { home });
    expect(r.code, r.stderr).toBe(0);
    expect(reg.requests[0]!.url.origin).toBe('https://other.example.com');
    expect(reg.requests[0]!.headers.authorization).toBe('Bearer other-key-0123456789');
    const bad = await create(['--context', 'nope', '--description', 'x'], new StubRegistry(), { home });
    expect(bad.stderr).toBe(
      `Error: context 'nope' not found in ${join(home, '.qlik', 'contexts.yml')}; available: test, other (--context)\n`,
    );
  });

  it('-c reads server, key and flags from a config file with ${VAR} values; a flag wins; typos and missing variables are one line', async () => {
    const home = await homeWithContext(SERVER);
    const cfg = join(home, 'config.yml');
    await writeFile(
      cfg,
      'server: ${EMU_URL}\napi-key: ${EMU_KEY}\ndescription: ${KEY_DESCRIPTION}\nexpiry: PT5H\nretry: 2\n',
    );
    const env = { EMU_URL: 'https://cfg.example.com', EMU_KEY: 'cfg-key-0123456789', KEY_DESCRIPTION: 'from config' };
    const reg = succeed(new StubRegistry());
    const r = await create(['-c', cfg], reg, { home, env });
    expect(r.code, r.stderr).toBe(0);
    const post = reg.requests[0]!;
    expect(post.url.origin).toBe('https://cfg.example.com');
    expect(post.headers.authorization).toBe('Bearer cfg-key-0123456789');
    expect(post.json).toMatchObject({
      description: expect.stringMatching(/^from config \[qlik-cli:/) as unknown,
      expiry: 'PT5H',
    });
    // The context's key belongs to another server: it is not sent there, and stderr says so in one line.
    expect(r.stderr).toBe(
      `Warning: not sending the credentials of context 'test' to https://cfg.example.com: they belong to ${SERVER} (config file ${cfg} points elsewhere)\n`,
    );
    const flag = succeed(new StubRegistry());
    await create(['-c', cfg, '--description', 'flag wins'], flag, { home, env });
    expect(flag.requests[2]!.json).toEqual([{ op: 'replace', path: '/description', value: 'flag wins' }]);
    const missing = await create(['-c', cfg], new StubRegistry(), { home, env: { EMU_URL: 'x', EMU_KEY: 'k' } });
    expect(missing.stderr).toBe(
      `Error: config file ${cfg}: 'description': environment variable 'KEY_DESCRIPTION' not found\n`,
    );
    const typo = join(home, 'typo.yml');
    await writeFile(typo, 'descripton: x\n');
    expect((await create(['-c', typo], new StubRegistry(), { home })).stderr).toBe(
      `Error: config file ${typo}: unknown key 'descripton': did you mean 'description'?\n`,
    );
  });
});

describe('api-key create: answers', () => {
  it('prints the key as 2-space JSON with a trailing newline; -q prints the id and warns; --raw prints the body with the tag removed', async () => {
    const a = await create(['--description', 'shown'], succeed(new StubRegistry()));
    expect(a.stdout).toMatch(/^\{\n {2}"id": "[0-9a-f-]+",\n/);
    expect(a.stdout.endsWith('}\n')).toBe(true);
    const q = await create(['--description', 'quiet', '-q'], succeed(new StubRegistry()));
    expect(q.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(q.stderr).toBe(
      'Warning: -q printed only the id; the token, shown only once, was not printed. Run without -q to keep it.\n',
    );
    const raw = await create(['--description', 'raw', '--raw'], succeed(new StubRegistry()));
    expect(raw.stdout).toMatch(/^\{"id":"[0-9a-f-]+","tenantId":"tenant-1","description":"raw","sub":/);
    expect(raw.stdout).not.toContain('qlik-cli:');
  });

  it('waits out a 429 (max of interval and retry-after), saying so on stderr, and sends again', async () => {
    const reg = new StubRegistry();
    reg.register('POST', KEYS, qlikError(429, 'HTTP-429', 'API rate limit reached.', { 'retry-after': '2' }));
    succeed(reg);
    const r = await create(['--description', 'limited', '--retry', '1'], reg);
    expect(r.code).toBe(0);
    reg.verify();
    expect(r.sleeps).toHaveLength(1);
    expect(r.sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(r.stderr).toBe('Rate limited (429); retrying in 2 s (1/1)\n');
  });

  it('ends with one line when the retry-after is beyond the five minutes it waits', async () => {
    const reg = new StubRegistry().register(
      'POST',
      KEYS,
      qlikError(429, 'HTTP-429', 'API rate limit reached.', { 'retry-after': '900' }),
    );
    const r = await create(['--description', 'patience', '--retry', '3'], reg);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: rate limited: the server asks to wait 900 s before retrying, longer than the 300 s this CLI waits; try again later\n',
    );
    reg.verify();
  });

  it('retries a connection that was refused (nothing was sent) without checking for a key', async () => {
    const reg = new StubRegistry().register(
      'POST',
      KEYS,
      failure('not-sent', 'cannot connect to tenant.example.com: connection refused'),
    );
    succeed(reg);
    const r = await create(['--description', 'refused once', '--retry', '1'], reg);
    expect(r.code).toBe(0);
    reg.verify();
    expect(r.stderr).toBe(
      'Request failed (cannot connect to tenant.example.com: connection refused); retrying in 1 s (1/1)\n',
    );
  });

  it('a 4xx: one error line and the hint, without retrying it (after one check that nothing was made); --json: the server error body', async () => {
    const reg = new StubRegistry().register(
      'POST',
      KEYS,
      qlikError(403, 'APIKEYS-5', 'Requestor not allowed to create an API key'),
    );
    listing(reg, () => []);
    const r = await create(['--description', 'viewer', '--retry', '3'], reg);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: Requestor not allowed to create an API key (APIKEYS-5)\n' +
        `Hint: creating API keys needs the Developer role (the "Manage API keys" permission) and API keys enabled on the tenant; see your roles with: qlik user me | jq -r '.assignedRoles[].name'\n`,
    );
    reg.verify();
    expect(reg.requests.map((q) => q.method)).toEqual(['POST', 'GET', 'GET']);
    const again = new StubRegistry().register(
      'POST',
      KEYS,
      qlikError(403, 'APIKEYS-5', 'Requestor not allowed to create an API key'),
    );
    listing(again, () => []);
    const j = await create(['--description', 'viewer', '--retry', '3', '--json'], again);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stderr)).toEqual({
      errors: [{ code: 'APIKEYS-5', title: 'Requestor not allowed to create an API key', status: 403 }],
    });
    again.verify();
  });
});

describe('api-key create: after an answer was lost, exactly what this run made is removed', () => {
  /** A server on which the first POST commits and then fails (`how`); what is listed afterwards is under test control. */
  function lostOnce(how: 'status' | 'reset', others: Record<string, unknown>[]) {
    const reg = new StubRegistry();
    const keys: Record<string, unknown>[] = [...others];
    reg.register('POST', KEYS, (req) => {
      keys.unshift(created(req));
      return how === 'status'
        ? qlikError(503, 'HTTP-503', 'Service Unavailable')
        : failure('ambiguous', 'request to tenant.example.com failed: connection reset by the server');
    });
    listing(reg, () => keys);
    return { reg, keys };
  }

  const otherRun = (description: string, tag?: string): Record<string, unknown> => ({
    id: keyId(),
    description: tag === undefined ? description : `${description} [qlik-cli:${tag}]`,
    sub: ME,
    subType: 'user',
    status: 'active',
    createdByUser: ME,
    created: new Date().toISOString(),
  });

  it("never removes another run's key with the same description — delivered or still tagged (the data-loss repro)", async () => {
    const delivered = otherRun('ci');
    const inFlight = otherRun('ci', 'AAAAAAAAAAAA.1');
    const { reg, keys } = lostOnce('status', [delivered, inFlight]);
    const lostId = (): string => String(keys[0]!.id);
    reg.register('DELETE', /^\/api\/v1\/api-keys\//, (req) => {
      expect(req.path).toBe(`${KEYS}/${lostId()}`);
      return empty(204);
    });
    succeed(reg);
    const r = await create(['--description', 'ci', '--retry', '1'], reg);
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    const deletes = reg.requests.filter((q) => q.method === 'DELETE').map((q) => q.path);
    expect(deletes).toEqual([
      `${KEYS}/${String(keys.find((k) => TAG.test(String(k.description)) && k !== inFlight)!.id)}`,
    ]);
    expect(deletes).not.toContain(`${KEYS}/${String(delivered.id)}`);
    expect(deletes).not.toContain(`${KEYS}/${String(inFlight.id)}`);
    expect(r.stderr).toMatch(
      /^No usable answer \(503 Service Unavailable\); checking whether the API key was created; retrying in 1 s \(1\/1\)\nRemoved API key [0-9a-f-]+: this run created it, but the answer was lost\n$/,
    );
    // The second attempt has a tag of its own.
    const posts = reg.requests
      .filter((q) => q.method === 'POST')
      .map((q) => (q.json as { description: string }).description);
    expect(posts.map((d) => TAG.exec(d)?.[1])).toEqual(['1', '2']);
  });

  it('after a reset with --retry 0: removes its key and fails, saying so', async () => {
    const { reg } = lostOnce('reset', [otherRun('ci')]);
    reg.register('DELETE', /^\/api\/v1\/api-keys\//, empty(204));
    const r = await create(['--description', 'ci'], reg);
    expect(r.code).toBe(1);
    reg.verify();
    expect(r.stderr.split('\n')).toEqual([
      'No usable answer (request to tenant.example.com failed: connection reset by the server); checking in 1 s whether the API key was created',
      expect.stringMatching(/^Removed API key [0-9a-f-]+: this run created it, but the answer was lost$/),
      'Error: request to tenant.example.com failed: connection reset by the server; no API key was created (1 API key this run created without a usable answer was removed)',
      '',
    ]);
  });

  it('when nothing was created, sends again without removing anything', async () => {
    const reg = new StubRegistry().register('POST', KEYS, qlikError(503, 'HTTP-503', 'Service Unavailable'));
    listing(reg, () => [otherRun('ci')]);
    succeed(reg);
    const r = await create(['--description', 'ci', '--retry', '1'], reg);
    expect(r.code).toBe(0);
    reg.verify();
    expect(reg.requests.some((q) => q.method === 'DELETE')).toBe(false);
  });

  it('a 201 without its token: the key (known by its id) is removed at once, then created again', async () => {
    const reg = new StubRegistry();
    let first = '';
    let firstKey: Record<string, unknown> = {};
    reg.register('POST', KEYS, (req) => {
      firstKey = created(req);
      first = String(firstKey.id);
      delete firstKey.token;
      return json(201, firstKey);
    });
    readBack(reg, () => firstKey);
    reg.register('DELETE', /^\/api\/v1\/api-keys\//, (req) => {
      expect(req.path).toBe(`${KEYS}/${first}`);
      return empty(204);
    });
    listing(reg, () => []);
    succeed(reg);
    const r = await create(['--description', 'no token', '--retry', '1'], reg);
    expect(r.code).toBe(0);
    reg.verify();
    expect(r.stderr).toContain(`Removed API key ${first}: the server's answer did not include its token`);
  });

  it('when the tag cannot be taken off, the key is removed and the run fails', async () => {
    const reg = new StubRegistry();
    let id = '';
    let key: Record<string, unknown> = {};
    reg.register('POST', KEYS, (req) => {
      key = created(req);
      id = String(key.id);
      return json(201, key);
    });
    readBack(reg, () => key);
    reg.register(
      'PATCH',
      /^\/api\/v1\/api-keys\//,
      qlikError(403, 'APIKEYS-9', 'Requestor not allowed to update this API key'),
    );
    reg.register('DELETE', /^\/api\/v1\/api-keys\//, (req) => {
      expect(req.path).toBe(`${KEYS}/${id}`);
      return empty(204);
    });
    const r = await create(['--description', 'cannot untag'], reg);
    expect(r.code).toBe(1);
    reg.verify();
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: the API key was created, but its description could not be set (403 Forbidden); removed API key ${id} (created by this run, not delivered)\n`,
    );
  });
});

describe('api-key create verifies before it touches (issue 18)', () => {
  /** A server that really creates what is POSTed (kept in `keys`) and lists it; `answer` decides what the POST says. */
  function server(
    answer: (req: RecordedRequest, key: Record<string, unknown>, n: number) => TransportResponse | TransportError,
    beforeRemove?: () => TransportError | undefined,
  ) {
    const reg = new StubRegistry();
    const keys: Record<string, unknown>[] = [];
    let n = 0;
    reg.register(
      'POST',
      KEYS,
      (req) => {
        const key = created(req);
        keys.unshift(key);
        n += 1;
        return answer(req, key, n);
      },
      Infinity,
    );
    listing(reg, () => keys.map(withoutToken));
    reg.register(
      'GET',
      ONE_KEY,
      (req) => {
        const k = keys.find((x) => req.path === `${KEYS}/${String(x.id)}`);
        if (!k) return qlikError(404, 'APIKEYS-2', 'Not found');
        return json(200, withoutToken(k));
      },
      Infinity,
    );
    const touched: string[] = [];
    const removeOrUpdate = (req: RecordedRequest) => {
      touched.push(`${req.method} ${req.path}`);
      const fail = req.method === 'DELETE' ? beforeRemove?.() : undefined;
      if (fail) return fail;
      const i = keys.findIndex((x) => req.path === `${KEYS}/${String(x.id)}`);
      if (req.method === 'DELETE' && i >= 0) keys.splice(i, 1);
      if (req.method === 'PATCH' && i >= 0) keys[i]!.description = (req.json as [{ value: string }])[0].value;
      return empty(204);
    };
    reg.register('DELETE', ONE_KEY, removeOrUpdate, Infinity);
    reg.register('PATCH', ONE_KEY, removeOrUpdate, Infinity);
    return { reg, keys, touched };
  }

  const FOREIGN = 'ffffffff-0000-4000-8000-000000000001';
  const foreignKey = (): Record<string, unknown> => ({
    id: FOREIGN,
    description: 'ci',
    sub: 'someone-else',
    subType: 'user',
    status: 'active',
    createdByUser: 'someone-else',
    created: new Date().toISOString(),
  });

  it.each([
    ['with its token', true],
    ['without a token', false],
  ])(
    "a 2xx naming another key's id (%s): that key is never patched or deleted; the run's own key is found by its tag",
    async (_what, withToken) => {
      const s = server((_req, key, n) => {
        if (n > 1) return json(201, key);
        const forged: Record<string, unknown> = { ...foreignKey(), token: 'eyJ.forged.token' };
        if (!withToken) delete forged.token;
        return json(201, forged);
      });
      s.reg.register('GET', `${KEYS}/${FOREIGN}`, json(200, foreignKey()));
      const r = await create(['--description', 'ci', '--retry', '1', '-q'], s.reg);
      expect(r.code, r.stderr).toBe(0);
      expect(s.touched.filter((t) => t.includes(FOREIGN))).toEqual([]);
      // The first attempt's key (made behind the forged answer) was found by its tag and removed; the second delivered.
      expect(s.keys.map((k) => k.description)).toEqual(['ci']);
      expect(r.stdout).toBe(`${String(s.keys[0]!.id)}\n`);
      expect(r.stderr).toContain(`naming API key ${FOREIGN}, which this run did not create (left untouched)`);
      expect(r.stderr).toMatch(/Removed API key [0-9a-f-]+: this run created it, but the answer was lost/);
    },
  );

  it("a forged 2xx with stdout closed: the foreign key is not deleted nor reported as this run's", async () => {
    const s = server(() => json(201, { ...foreignKey(), token: 'eyJ.forged.token' }));
    s.reg.register('GET', `${KEYS}/${FOREIGN}`, json(200, foreignKey()));
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const r = await create(['--description', 'ci'], s.reg, { stdout: broken });
    expect(r.code).toBe(1);
    expect(s.touched.filter((t) => t.includes(FOREIGN))).toEqual([]);
    expect(r.stderr).not.toContain(`removed API key ${FOREIGN}`);
    expect(s.keys).toEqual([]);
  });

  it.each([
    ['API clock behind by 299 s', -299_000, 0],
    ['Date header ahead by 299 s', 0, 299_000],
    ['both, opposite ways', -150_000, 150_000],
  ])('clock skew (%s): the key a lost answer made is still found and removed', async (_what, createdSkew, dateSkew) => {
    const reg = new StubRegistry();
    const keys: Record<string, unknown>[] = [];
    reg.register('POST', KEYS, (req) => {
      keys.unshift(created(req, { created: new Date(Date.now() + createdSkew).toISOString() }));
      return qlikError(503, 'HTTP-503', 'Service Unavailable');
    });
    reg.register('GET', '/api/v1/users/me', json(200, { id: ME }), Infinity);
    reg.register(
      'GET',
      `${KEYS}?createdByUser=${ME}&sort=-created&limit=100`,
      () => json(200, { data: keys }, { date: new Date(Date.now() + dateSkew).toUTCString() }),
      Infinity,
    );
    reg.register('DELETE', ONE_KEY, (req) => {
      expect(req.path).toBe(`${KEYS}/${String(keys[0]!.id)}`);
      return empty(204);
    });
    const r = await create(['--description', 'skewed'], reg);
    reg.verify();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Removed API key ${String(keys[0]!.id)}: this run created it, but the answer was lost`);
  });

  it.each([302, 400, 403, 409, 422])(
    'a committed create answered %i is checked once: the key is removed and named',
    async (status) => {
      const s = server(() =>
        status === 302
          ? { status, headers: { location: `${SERVER}/elsewhere` }, body: Buffer.alloc(0) }
          : qlikError(status, 'X-1', 'refused by a proxy'),
      );
      const r = await create(['--description', 'proxied', '--retry', '2'], s.reg);
      expect(r.code).toBe(1);
      expect(s.keys).toEqual([]);
      expect(s.touched).toHaveLength(1);
      expect(r.stderr).toMatch(
        new RegExp(`^Removed API key [0-9a-f-]+: this run created it, but the server answered ${status} `),
      );
      // One POST: a definite answer is not retried.
      expect(s.reg.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    },
  );

  it('a token-less 2xx whose DELETE fails names the key and the command to remove it', async () => {
    const reg = new StubRegistry();
    let key: Record<string, unknown> = {};
    reg.register('POST', KEYS, (req) => {
      key = created(req);
      return json(201, withoutToken(key));
    });
    readBack(reg, () => key);
    reg.register('DELETE', ONE_KEY, qlikError(403, 'APIKEYS-9', 'Forbidden'), Infinity);
    const r = await create(['--description', 'stuck', '--retry', '1'], reg);
    reg.verify();
    expect(r.code).toBe(1);
    const id = String(key.id);
    expect(r.stderr).toBe(
      `Error: the server answered 201 Created without the API key's token, and removing API key ${id} failed (DELETE answered 403 Forbidden); remove it with 'qlik api-key rm ${id}'\n`,
    );
  });

  it('Ctrl-C during the removal after a lost answer: the key found is still removed, and named; exit 130', async () => {
    const controller = new AbortController();
    let deletes = 0;
    const s = server(
      () => qlikError(503, 'HTTP-503', 'Service Unavailable'),
      () => {
        deletes += 1;
        if (deletes > 1) return undefined;
        controller.abort(new CancelledError('SIGINT'));
        return failure('ambiguous');
      },
    );
    const id = (): string =>
      String(
        s.reg.requests
          .find((q) => q.method === 'DELETE')!
          .path.split('/')
          .at(-1),
      );
    const r = await create(['--description', 'interrupted', '--retry', '2'], s.reg, { signal: controller.signal });
    expect(r.code).toBe(130);
    expect(s.keys).toEqual([]);
    expect(r.stderr.split('\n').at(-2)).toBe(
      `Error: interrupted by SIGINT; removed API key ${id()} (created by this run, not delivered)`,
    );
  });

  it('Ctrl-C during the check, with the check failing again afterwards: one line names the real tag left behind; exit 143', async () => {
    const controller = new AbortController();
    const reg = new StubRegistry();
    let description = '';
    reg.register('POST', KEYS, (req) => {
      description = (req.json as { description: string }).description;
      return qlikError(503, 'HTTP-503', 'Service Unavailable');
    });
    let n = 0;
    reg.register(
      'GET',
      '/api/v1/users/me',
      () => {
        n += 1;
        if (n === 1) controller.abort(new CancelledError('SIGTERM'));
        return n === 1 ? failure('ambiguous') : qlikError(500, 'X', 'down');
      },
      Infinity,
    );
    const r = await create(['--description', 'term'], reg, { signal: controller.signal });
    expect(r.code).toBe(143);
    const tag = TAG.exec(description)![0].trim();
    expect(tag).toMatch(/^\[qlik-cli:[A-Za-z0-9_-]{12}\.1\]$/);
    expect(r.stderr.split('\n').at(-2)).toBe(
      `Error: interrupted by SIGTERM; could not check whether an API key was created (GET /api/v1/users/me answered 500 Internal Server Error); list your keys with 'qlik api-key ls' and remove any whose description ends in "${tag}"`,
    );
  });
});

describe('api-key create with QLIK_CREATE_TAG=0 (one write per create)', () => {
  it('sends the description untouched and no PATCH', async () => {
    const reg = new StubRegistry().register('POST', KEYS, (req) => json(201, created(req)));
    const r = await create(['--description', 'bulk'], reg, { env: { QLIK_CREATE_TAG: '0' } });
    expect(r.code).toBe(0);
    reg.verify();
    expect(reg.requests).toHaveLength(1);
    expect(reg.requests[0]!.json).toEqual({ description: 'bulk' });
  });

  it('after a lost answer deletes nothing: it names the candidates and fails', async () => {
    const reg = new StubRegistry();
    const keys: Record<string, unknown>[] = [];
    reg.register('POST', KEYS, (req) => {
      keys.push(created(req));
      return qlikError(503, 'HTTP-503', 'Service Unavailable');
    });
    listing(reg, () => keys);
    const r = await create(['--description', 'bulk', '--retry', '3'], reg, { env: { QLIK_CREATE_TAG: '0' } });
    expect(r.code).toBe(1);
    reg.verify();
    expect(reg.requests.some((q) => q.method === 'DELETE' || (q.method === 'POST' && q !== reg.requests[0]))).toBe(
      false,
    );
    expect(r.stderr.split('\n').at(-2)).toBe(
      `Error: 503 Service Unavailable; the API key may have been created, but without tags (QLIK_CREATE_TAG=0) it cannot be told apart from another run's: nothing was deleted. Candidates: ${String(keys[0]!.id)}`,
    );
  });
});

describe('api-key create: a key that cannot be delivered is not left behind', () => {
  it.each(['ENOSPC', 'EIO', 'EPIPE'])('stdout failing with %s: the key is removed and the run fails', async (code) => {
    const reg = new StubRegistry();
    let id = '';
    succeed(reg, (_req, key) => {
      id = String(key.id);
    });
    reg.register('DELETE', /^\/api\/v1\/api-keys\//, (req) => {
      expect(req.path).toBe(`${KEYS}/${id}`);
      return empty(204);
    });
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error(`write ${code}`), { code }));
      },
    });
    const r = await create(['--description', 'undeliverable'], reg, { stdout: broken });
    expect(r.code).toBe(1);
    reg.verify();
    expect(r.stderr).toBe(
      `Error: stdout could not be written (${code}), so the API key could not be delivered; removed API key ${id} (created by this run, not delivered) (its token is shown only once)\n`,
    );
  });

  it('an interrupt while the create is in flight removes what the run made and exits 130', async () => {
    const controller = new AbortController();
    const reg = new StubRegistry();
    const keys: Record<string, unknown>[] = [];
    reg.register('POST', KEYS, (req) => {
      keys.push(created(req));
      // The server committed; then Ctrl-C arrives before the answer.
      controller.abort(new CancelledError('SIGINT'));
      return failure('ambiguous');
    });
    listing(reg, () => keys);
    reg.register('DELETE', /^\/api\/v1\/api-keys\//, (req) => {
      expect(req.path).toBe(`${KEYS}/${String(keys[0]!.id)}`);
      return empty(204);
    });
    const r = await create(['--description', 'interrupted', '--retry', '2'], reg, { signal: controller.signal });
    reg.verify();
    expect(r.code).toBe(130);
    expect(r.stderr.split('\n').at(-2)).toBe(
      `Error: interrupted by SIGINT; removed API key ${String(keys[0]!.id)} (created by this run, not delivered)`,
    );
    expect(reg.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
  });
});

// ------------------------------------------------------------------------------------------------------------------
// Against the emulator: real keys, real tokens, and the emulator's fault rules between the CLI and the service.

describe('api-key create against the emulator', () => {
  const emu = useEmulator();
  let home: string;

  beforeEach(async () => {
    await emu.control('PUT', 'config', { max_keys_per_user: 100 });
    home = await homeWithContext(emu.url, { apiKey: emu.dev.apiKey });
  });

  const run = (args: string[], opts: RunOptions = {}) => runQlik(['api-key', 'create', ...args], { home, ...opts });
  const onCreate = (action: FaultRuleInput['action'], times = 1) =>
    emu.faults.add({ method: 'POST', path: KEYS, times, action });
  const posts = async () =>
    (await emu.requests()).filter((q) => q.method === 'POST' && q.path === KEYS).map((q) => q.status);

  /**
   * The invariant: after a successful run exactly one active key has the description, its answer was delivered and it
   * is the one printed; after a failed run none is active. Every other key the run made carries its tag and was deleted.
   */
  async function expectOutcome(description: string, r: RunResult, succeeded: boolean): Promise<void> {
    const ledger = await emu.ledger();
    const exact = ledger.filter((e) => e.description === description && e.state === 'active');
    const tagged = ledger.filter((e) => e.description.startsWith(`${description} [qlik-cli:`));
    for (const e of tagged) expect(e.state).toBe('deleted');
    if (succeeded) {
      expect(r.code, r.stderr).toBe(0);
      expect(exact).toHaveLength(1);
      expect(exact[0]!.delivered).toBe(true);
      expect(r.stdout).toBe(`${exact[0]!.id}\n`);
    } else {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(exact).toEqual([]);
    }
  }

  it('creates a key whose token works, with exactly the description given', async () => {
    const r = await run(['--description', 'works', '--expiry', 'PT1H']);
    expect(r.code, r.stderr).toBe(0);
    const key = JSON.parse(r.stdout) as { id: string; token: string; description: string };
    expect(key.description).toBe('works');
    const me = await emu.call('GET', '/api/v1/users/me', { token: key.token });
    expect(me.status).toBe(301);
    expect((await emu.call('GET', `${KEYS}/${key.id}`, { token: key.token })).body).toMatchObject({
      description: 'works',
      status: 'active',
    });
    expect((await emu.ledger()).find((e) => e.id === key.id)).toMatchObject({ delivered: true, state: 'active' });
  });

  it("the data-loss repro: a lost answer right after another run's create removes only this run's key", async () => {
    const first = await run(['--description', 'ci']);
    expect(first.code, first.stderr).toBe(0);
    const firstKey = JSON.parse(first.stdout) as { id: string; token: string };
    await onCreate({ type: 'status-after', status: 503 });
    const second = await run(['--description', 'ci', '--retry', '1', '-q']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain(firstKey.id);
    // The first run's key and token are untouched.
    expect((await emu.call('GET', `${KEYS}/${firstKey.id}`, { token: firstKey.token })).status).toBe(200);
    const active = (await emu.ledger()).filter((e) => e.description === 'ci' && e.state === 'active').map((e) => e.id);
    expect(active.sort()).toEqual([firstKey.id, second.stdout.trim()].sort());
  });

  it('two concurrent runs with the same description, one losing its answer: each keeps its own key, nothing else remains', async () => {
    await onCreate({ type: 'status-after', status: 500 });
    const [a, b] = await Promise.all([
      run(['--description', 'same', '--retry', '2', '-q']),
      run(['--description', 'same', '--retry', '2', '-q']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ledger = await emu.ledger();
    const active = ledger.filter((e) => e.description === 'same' && e.state === 'active').map((e) => e.id);
    expect(active.sort()).toEqual([a.stdout.trim(), b.stdout.trim()].sort());
    expect(ledger.filter((e) => e.state === 'active' && e.description.startsWith('same ['))).toEqual([]);
  });

  it.each([
    ['status-after 500', { type: 'status-after', status: 500 }, 500],
    ['reset-after', { type: 'reset-after' }, 0],
    ['truncate-after', { type: 'truncate-after' }, 201],
    ['malformed-after', { type: 'malformed-after' }, 201],
  ] as const)(
    '%s: removes the key whose answer was lost, sends again, and keeps only the delivered one',
    async (name, action, firstStatus) => {
      await onCreate(action);
      const description = `lost: ${name}`;
      const r = await run(['--description', description, '--retry', '1', '-q']);
      await expectOutcome(description, r, true);
      expect(await posts()).toEqual([firstStatus, 201]);
      const deleted = (await emu.ledger()).filter((e) => e.state === 'deleted').map((e) => e.id);
      expect(deleted).toHaveLength(1);
      expect(r.stderr).toContain(`Removed API key ${deleted[0]!}: this run created it, but the answer was lost`);
    },
  );

  it('drop-token: a 201 without its token is removed at once, then the key is created again', async () => {
    await onCreate({ type: 'drop-token' });
    const r = await run(['--description', 'no token', '--retry', '1', '-q']);
    await expectOutcome('no token', r, true);
    expect(await posts()).toEqual([201, 201]);
    expect(r.stderr).toContain("the server's answer did not include its token");
  });

  it('a 503 before anything was made: nothing to remove, sent again', async () => {
    await onCreate({ type: 'status', status: 503 });
    const r = await run(['--description', 'after 503', '--retry', '2', '-q']);
    await expectOutcome('after 503', r, true);
    expect(await posts()).toEqual([503, 201]);
    expect(r.stderr).not.toContain('Removed');
  });

  it('503 without --retry: exit 1 with the server error body, and no key', async () => {
    await onCreate({ type: 'status', status: 503 });
    const r = await run(['--description', '503 once', '-q']);
    await expectOutcome('503 once', r, false);
    expect(r.stderr).toContain('No API key was created\nError: Service Unavailable');
  });

  it('a response slower than QLIK_HTTP_TIMEOUT is treated as lost: its key is found, removed, and created again', async () => {
    await onCreate({ type: 'slow-first-byte', ms: 30_000 });
    const started = Date.now();
    const r = await run(['--description', 'slow answer', '--retry', '1', '-q'], {
      env: { QLIK_HTTP_TIMEOUT: '1' },
      realSleep: true,
    });
    await expectOutcome('slow answer', r, true);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('repeated failures use up --retry and still leave nothing behind', async () => {
    await onCreate({ type: 'reset-after' }, 3);
    const r = await run(['--description', 'always lost', '--retry', '2', '-q']);
    await expectOutcome('always lost', r, false);
    expect(await posts()).toEqual([0, 0, 0]);
    expect((await emu.ledger()).filter((e) => e.state === 'deleted')).toHaveLength(3);
    expect(r.stderr.split('\n').at(-2)).toMatch(
      /^Error: request to 127\.0\.0\.1:\d+ failed: connection reset by the server; no API key was created \(3 API keys this run created without a usable answer were removed\)$/,
    );
  });

  it('-v traces the exchange without the bearer value or the new token', async () => {
    const r = await run(['--description', 'traced', '-v']);
    expect(r.code, r.stderr).toBe(0);
    const token = (JSON.parse(r.stdout) as { token: string }).token;
    expect(r.stderr).toContain('> Authorization: Bearer **omitted**');
    expect(r.stderr).toContain('"token":"**omitted**"');
    for (const secret of [token, emu.dev.apiKey, token.split('.')[2]!, emu.dev.apiKey.split('.')[2]!])
      expect(r.stderr).not.toContain(secret);
  });

  it('a viewer may not create keys: with --json the server error body, and exit 1', async () => {
    const viewer = await homeWithContext(emu.url, { apiKey: emu.viewer.apiKey });
    const r = await runQlik(['api-key', 'create', '--description', 'nope', '--json'], { home: viewer });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ errors: [{ status: 403 }] });
  });
});
