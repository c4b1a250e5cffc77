// qlik raw, in-process against a stub registry: paths, bodies, queries, output forms, retry rules, and refusals
// before any request; then the same verbs against the emulator (issue #12's "Done when").
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { empty, failure, json, qlikError, StubRegistry, text } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik, type RunOptions } from '../../../../../test/kit/run.js';
import { apiPath, bodyFromValues } from './raw.js';

const SERVER = 'https://tenant.example.com';

async function raw(args: string[], reg: StubRegistry, opts: RunOptions = {}) {
  const home = opts.home ?? (await homeWithContext(SERVER));
  return runQlik(['raw', ...args], { home, transport: reg, ...opts });
}

describe('apiPath', () => {
  it.each([
    ['v1/items', '/api/v1/items'],
    ['/v1/items', '/api/v1/items'],
    ['api/v1/items', '/api/v1/items'],
    ['/api/v1/users/me', '/api/v1/users/me'],
    ['v1/items?limit=5&name=a%20b', '/api/v1/items'],
  ])('%s → %s', (given, path) => {
    expect(apiPath(given).path).toBe(path);
  });

  it('keeps a query given in the path', () => {
    expect(apiPath('v1/items?limit=5&name=a%20b').query).toEqual([
      ['limit', '5'],
      ['name', 'a b'],
    ]);
  });

  it.each([
    '../v1/items',
    'v1/../../etc',
    'v1/%2e%2e/x',
    'v1/a%2fb',
    'https://evil.example/api/v1',
    '//evil.example/x',
    'api',
    '',
  ])('refuses %j, which would leave /api/', (given) => {
    expect(() => apiPath(given)).toThrow();
  });
});

describe('bodyFromValues', () => {
  it('nests on dots and types :bool and :number', () => {
    expect(
      bodyFromValues({
        description: 'x',
        expiry: 'PT1H',
        'meta.team.name': 'blue',
        'n:number': '2.5',
        'flag:bool': 'true',
      }),
    ).toEqual({
      description: 'x',
      expiry: 'PT1H',
      meta: { team: { name: 'blue' } },
      n: 2.5,
      flag: true,
    });
  });

  it.each<[Record<string, string>, string]>([
    [{ 'a:bool': 'yes' }, '--body-values: a:bool: "yes" is not true or false'],
    [{ 'a:number': 'x' }, '--body-values: a:number: "x" is not a number'],
    [{ a: '1', 'a.b': '2' }, '--body-values: "a.b" goes into "a", which has a value already'],
    [{ 'a..b': '1' }, '--body-values: "a..b" has an empty key part'],
  ])('%j fails: %s', (values, message) => {
    expect(() => bodyFromValues(values)).toThrow(message);
  });
});

describe('qlik raw', () => {
  it('GETs the path with --query, prints the data array of a list without links, and names itself in the User-Agent', async () => {
    const reg = new StubRegistry().register(
      'GET',
      '/api/v1/items?name=ImportantApp&limit=2',
      json(200, { data: [{ id: 'a', name: 'A', links: { self: { href: 'x' } } }], links: { next: { href: 'y' } } }),
    );
    const r = await raw(['get', 'v1/items', '--query', 'name=ImportantApp,limit=2'], reg);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    reg.verify();
    expect(JSON.parse(r.stdout)).toEqual([{ id: 'a', name: 'A' }]);
    expect(reg.requests[0]!.headers['user-agent']).toMatch(/^qlik-cli\/\S+ \(\w+\) raw$/);
    expect(reg.requests[0]!.headers.authorization).toBe('Bearer test-api-key-0123456789');
  });

  it('--raw prints the body unchanged; -q the ids; --human ids and names', async () => {
    const page = {
      data: [
        { id: 'a', name: 'Alpha' },
        { id: 'b', description: 'Beta' },
      ],
      links: {},
    };
    const reg = new StubRegistry().register('GET', '/api/v1/things', json(200, page), 3);
    expect((await raw(['get', 'v1/things', '--raw'], reg)).stdout).toBe(`${JSON.stringify(page)}\n`);
    expect((await raw(['get', 'v1/things', '-q'], reg)).stdout).toBe('a\nb\n');
    expect((await raw(['get', 'v1/things', '--human'], reg)).stdout).toBe('id\tname\na\tAlpha\nb\tBeta\n');
  });

  it('posts --body-values as JSON, --body as JSON or text, and --body-file by its kind', async () => {
    const home = await homeWithContext(SERVER);
    const file = join(home, 'patch.json');
    await writeFile(file, '[{"op":"replace","path":"/description","value":"from file"}]');
    const plain = join(home, 'note.txt');
    await writeFile(plain, 'hello');
    const reg = new StubRegistry()
      .register('POST', '/api/v1/api-keys', json(201, { id: 'k' }))
      .register('PATCH', '/api/v1/api-keys/k', empty(204))
      .register('PUT', '/api/v1/notes/1', empty(204))
      .register('POST', '/api/v1/echo', json(200, { ok: true }));
    await raw(['post', 'v1/api-keys', '--body-values', 'description=x,expiry=PT1H'], reg, { home });
    await raw(['patch', 'v1/api-keys/k', '--body-file', file], reg, { home });
    await raw(['put', 'v1/notes/1', '--body-file', plain], reg, { home });
    await raw(['post', 'v1/echo', '--body', 'not json'], reg, { home });
    reg.verify();
    const [a, b, c, d] = reg.requests;
    expect(a!.json).toEqual({ description: 'x', expiry: 'PT1H' });
    expect(a!.headers['content-type']).toBe('application/json');
    expect(b!.json).toEqual([{ op: 'replace', path: '/description', value: 'from file' }]);
    expect(b!.headers['content-type']).toBe('application/json');
    expect(c!.body).toBe('hello');
    expect(c!.headers['content-type']).toBe('text/plain');
    expect(d!.body).toBe('not json');
  });

  it('prints the status line of an empty answer (JSON with --json), nothing with -q', async () => {
    const reg = new StubRegistry().register('DELETE', '/api/v1/api-keys/k', empty(204), 3);
    expect((await raw(['delete', 'v1/api-keys/k'], reg)).stdout).toBe('204 No Content\n');
    expect((await raw(['delete', 'v1/api-keys/k', '--json'], reg)).stdout).toBe(
      '{\n  "status": 204,\n  "title": "No Content"\n}\n',
    );
    expect((await raw(['delete', 'v1/api-keys/k', '-q'], reg)).stdout).toBe('');
  });

  it('passes non-JSON bodies through byte for byte, refuses binary on a terminal, and writes --output-file atomically', async () => {
    const home = await homeWithContext(SERVER);
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10]);
    const bin = { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: bytes };
    const reg = new StubRegistry()
      .register('GET', '/api/v1/apps/a/export', bin, 3)
      .register('GET', '/api/v1/health', text(200, 'ok\n'));
    expect((await raw(['get', 'v1/health'], reg, { home })).stdout).toBe('ok\n');
    const tty = await raw(['get', 'v1/apps/a/export'], reg, { home, stdoutTTY: true });
    expect(tty.code).toBe(1);
    expect(tty.stderr).toBe('Error: the response is binary; write it to a file with --output-file, or pipe it\n');
    const out = join(home, 'app.qvf');
    const saved = await raw(['get', 'v1/apps/a/export', '--output-file', out], reg, { home });
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe('');
    expect(await readFile(out)).toEqual(bytes);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const piped = await raw(['get', 'v1/apps/a/export'], reg, { home });
    expect(Buffer.from(piped.stdout, 'utf8').length).toBeGreaterThan(0);
  });

  it('on a terminal, writes what the terminal would act on in a body as escapes; piped, the body as sent', async () => {
    const home = await homeWithContext(SERVER);
    const body = '{"name":"a\u001b]0;pwned\u0007\u202eb"}';
    const page = '<p>\u001b[2Jdown</p>\n';
    const reg = new StubRegistry()
      .register(
        'GET',
        '/api/v1/items/a',
        { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) },
        2,
      )
      .register(
        'GET',
        '/api/v1/status',
        { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from(page) },
        2,
      );
    const tty = await raw(['get', 'v1/items/a', '--raw'], reg, { home, stdoutTTY: true });
    expect(tty.stdout).toBe('{"name":"a\\u001b]0;pwned\\u0007\\u202eb"}\n');
    // (Raw control characters make the body as sent invalid JSON; the escaped form is valid and says the same.)
    expect(JSON.parse(tty.stdout)).toEqual({ name: 'a\u001b]0;pwned\u0007\u202eb' });
    expect((await raw(['get', 'v1/items/a', '--raw'], reg, { home })).stdout).toBe(`${body}\n`);
    expect((await raw(['get', 'v1/status'], reg, { home, stdoutTTY: true })).stdout).toBe('<p>\\u001b[2Jdown</p>\n');
    expect((await raw(['get', 'v1/status'], reg, { home })).stdout).toBe(page);
  });

  it('retries a GET after a 503, but re-sends a POST after an ambiguous failure only with an Idempotency-Key', async () => {
    const get = new StubRegistry()
      .register('GET', '/api/v1/items', qlikError(503, 'HTTP-503', 'Unavailable'))
      .register('GET', '/api/v1/items', json(200, { data: [] }));
    expect((await raw(['get', 'v1/items', '--retry', '1'], get)).code).toBe(0);
    get.verify();
    const post = new StubRegistry().register('POST', '/api/v1/things', failure('ambiguous'));
    const once = await raw(['post', 'v1/things', '--body', '{}', '--retry', '3'], post);
    expect(once.code).toBe(1);
    post.verify();
    const keyed = new StubRegistry()
      .register('POST', '/api/v1/things', failure('ambiguous'))
      .register('POST', '/api/v1/things', json(201, { id: 't' }));
    const again = await raw(
      ['post', 'v1/things', '--body', '{}', '--retry', '1', '--headers', 'Idempotency-Key=abc'],
      keyed,
    );
    expect(again.code, again.stderr).toBe(0);
    keyed.verify();
  });

  it.each<[string[], string]>([
    [['get'], 'Error: accepts 2 arg(s), received 1'],
    [['fetch', 'v1/items'], 'Error: invalid method "fetch": use one of get, put, patch, post, delete'],
    [['get', '../v1/items'], 'Error: path "../v1/items": must stay below the server\'s /api/ (".." is not allowed)'],
    [
      ['get', 'https://evil.example/api/v1/x'],
      'Error: path "https://evil.example/api/v1/x": give a path below the server\'s /api/ (e.g. v1/items), not a URL',
    ],
    [
      ['post', 'v1/x', '--body', '{}', '--body-values', 'a=1'],
      'Error: only one of --body, --body-file and --body-values can be used at one time',
    ],
    [['get', 'v1/x', '--body', '{}'], 'Error: a GET request cannot have a body'],
    [['post', 'v1/x', '--body-values', 'n:number=x'], 'Error: --body-values: n:number: "x" is not a number'],
  ])('%j is refused before any request: %s', async (args, message) => {
    const reg = new StubRegistry();
    const r = await raw(args, reg);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${message}\n`);
    expect(reg.requests).toEqual([]);
  });
});

describe('qlik raw against the emulator', () => {
  const emu = useEmulator({ reset: false });
  let home: string;
  const KEYS = '/api/v1/api-keys';

  beforeAll(async () => {
    home = await homeWithContext(emu.url, { apiKey: emu.dev.apiKey });
  });

  const qlikRaw = (args: string[]) => runQlik(['raw', ...args], { home });
  const lastSeq = async () => (await emu.requests()).at(-1)?.seq ?? 0;

  it('get v1/users/me: follows the redirect and prints the caller', async () => {
    const r = await qlikRaw(['get', 'v1/users/me']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: emu.dev.id, name: 'dev', tenantId: emu.tenantId });
    expect(r.stdout).not.toContain('"links"');
  });

  it('post v1/api-keys --body-values, patch --body-file, delete: a key made, changed and removed; its token worked', async () => {
    const made = await qlikRaw(['post', 'v1/api-keys', '--body-values', 'description=x,expiry=PT1H']);
    expect(made.code, made.stderr).toBe(0);
    const key = JSON.parse(made.stdout) as { id: string; token: string; description: string; sub: string };
    expect(key).toMatchObject({ description: 'x', sub: emu.dev.id });
    const own = await emu.call('GET', `${KEYS}/${key.id}`, { token: key.token });
    expect(own.status).toBe(200);
    // PT1H from now, on the emulator's clock.
    expect(Date.parse(own.body.expiry as string) - Date.parse(own.body.created as string)).toBe(3_600_000);

    const patch = join(home, 'patch.json');
    await writeFile(patch, '[{"op":"replace","path":"/description","value":"renamed by raw"}]');
    const patched = await qlikRaw(['patch', `v1/api-keys/${key.id}`, '--body-file', patch]);
    expect(patched.code, patched.stderr).toBe(0);
    expect(patched.stdout).toBe('204 No Content\n');
    expect((await emu.call('GET', `${KEYS}/${key.id}`, { as: emu.admin })).body).toMatchObject({
      description: 'renamed by raw',
    });

    const removed = await qlikRaw(['delete', `/api/v1/api-keys/${key.id}`]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('204 No Content\n');
    expect((await emu.call('GET', `${KEYS}/${key.id}`, { as: emu.admin })).status).toBe(404);
    expect((await emu.call('GET', '/api/v1/users/me', { token: key.token })).status).toBe(401);
  });

  it('--query: the parameters reach the server, and the list is printed as its data array', async () => {
    const seq = await lastSeq();
    const r = await qlikRaw(['get', 'v1/api-keys', '--query', 'sort=-created,limit=1']);
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { sub: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.sub).toBe(emu.dev.id);
    const sent = (await emu.requests()).filter((q) => q.seq > seq);
    expect(sent.map((q) => [q.method, q.path, q.query])).toEqual([['GET', KEYS, { sort: '-created', limit: '1' }]]);
  });

  it('--output-file: the body byte for byte, mode 0600, nothing on stdout', async () => {
    const out = join(home, 'dev.json');
    const r = await qlikRaw(['get', `v1/users/${emu.dev.id}`, '--output-file', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const direct = await emu.call('GET', `/api/v1/users/${emu.dev.id}`, { token: emu.dev.apiKey });
    expect((await readFile(out)).equals(Buffer.from(direct.text))).toBe(true);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it.each(['v1/users/../api-keys', '../api/v1/api-keys', 'v1/%2e%2e/v1/api-keys', 'api/../oauth/token'])(
    'a path with ../ (%s) is refused before any request reaches the emulator',
    async (path) => {
      const seq = await lastSeq();
      const r = await qlikRaw(['get', path]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^Error: path ".*": must stay below the server's \/api\/ \("(\.\.|%2e%2e)" is not allowed\)\n$/,
      );
      expect((await emu.requests()).filter((q) => q.seq > seq)).toEqual([]);
    },
  );
});
