// qlik api-key ls: flags → the request sent, answers → what is printed, --limit paging and its guards, the size cap.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { json, qlikError, text, type RecordedRequest } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';
import { keyRecord, lines, localServer, runStubbed, sent, SERVER, withoutLinks } from '../../../../../test/kit/verb.js';
import { MAX_PAGES } from '../../api/paging.js';

const KEYS = '/api/v1/api-keys';

function page(data: unknown[], next?: string): Record<string, unknown> {
  return { data, links: { self: { href: `${SERVER}${KEYS}` }, ...(next ? { next: { href: next } } : {}) } };
}

describe('api-key ls: flags → request', () => {
  it.each([
    [[], KEYS],
    [['--status', 'revoked'], `${KEYS}?status=revoked`],
    [
      ['--status', 'active', '--sort', '+description', '--sub', 'u1', '--createdByUser', 'u2'],
      `${KEYS}?createdByUser=u2&sort=%2Bdescription&status=active&sub=u1`,
    ],
    [['--sort', '-created'], `${KEYS}?sort=-created`],
    [['--endingBefore', 'k9'], `${KEYS}?endingBefore=k9`],
    [['--startingAfter', 'k1'], `${KEYS}?startingAfter=k1`],
    [['--sub', 'SCIM\\idp'], `${KEYS}?sub=SCIM%5Cidp`],
    // Typed with two backslashes, as the help prints the format: the same subject.
    [['--sub', 'SCIM\\\\idp'], `${KEYS}?sub=SCIM%5Cidp`],
    [['--limit', '5'], `${KEYS}?limit=5`],
    // More than a page: pages of the server's largest size.
    [['--limit', '230'], `${KEYS}?limit=100`],
    [['--raw', '--limit', '2'], `${KEYS}?limit=2`],
  ])('%j → GET %s', async (argv, path) => {
    const r = await runStubbed(['api-key', 'ls', ...argv], (reg) => reg.register('GET', path, json(200, page([]))));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it.each([
    [['--sort', 'name'], /^Error: invalid argument "name" for "--sort" flag: must be one of "createdByUser", /],
    [
      ['--status', 'gone'],
      /^Error: invalid argument "gone" for "--status" flag: must be one of "active", "expired", "revoked"\n$/,
    ],
    [['--limit', '0'], /^Error: invalid argument "0" for "--limit" flag: must be at least 1\n$/],
    [
      ['--limit', 'many'],
      /^Error: invalid argument "many" for "--limit" flag: strconv\.ParseInt: parsing "many": invalid syntax\n$/,
    ],
    [['--retry', '11'], /^Error: invalid argument "11" for "--retry" flag: must be between 0 and 10\n$/],
    [['--interval', '0'], /^Error: invalid argument "0" for "--interval" flag: must be at least 1\n$/],
    [['extra'], /^Error: accepts 0 arg\(s\), received 1\n$/],
  ])('%j → one error line, no request', async (argv, error) => {
    const r = await runStubbed(['api-key', 'ls', ...argv]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(error);
    expect(r.requests).toEqual([]);
  });
});

describe('api-key ls: answers → output', () => {
  const keys = [keyRecord('k1'), keyRecord('k2', { status: 'revoked' })];

  it('prints the keys as a bare 2-space JSON array without links', async () => {
    const r = await runStubbed(['api-key', 'ls'], (reg) =>
      reg.register('GET', KEYS, json(200, page(keys, `${SERVER}${KEYS}?startingAfter=k2`))),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(keys.map(withoutLinks), null, 2)}\n`);
    expect(r.stderr).toBe('');
    // Without --limit, one page only, whatever links.next says.
    expect(r.requests).toHaveLength(1);
  });

  it('-q prints the ids one per line and nothing on stderr', async () => {
    const r = await runStubbed(['api-key', 'ls', '-q'], (reg) => reg.register('GET', KEYS, json(200, page(keys))));
    expect(r).toMatchObject({ code: 0, stdout: 'k1\nk2\n', stderr: '' });
  });

  it('--raw prints the first page byte for byte, links included, and follows no link', async () => {
    const body = `{"data": [ {"id":"k1","links":{"self":{"href":"${SERVER}${KEYS}/k1"}}} ],\n "links": {"next":{"href":"${SERVER}${KEYS}?limit=1&startingAfter=k1"}}}`;
    const r = await runStubbed(['api-key', 'ls', '--raw', '--limit', '1'], (reg) =>
      reg.register('GET', `${KEYS}?limit=1`, text(200, body)),
    );
    expect(r).toMatchObject({ code: 0, stdout: `${body}\n`, stderr: '' });
  });

  it.each([
    ['an empty list', json(200, page([])), 0, '[]\n', ''],
    ['a 403', qlikError(403, 'APIKEYS-9', 'Forbidden'), 1, '', 'Error: Forbidden (APIKEYS-9)\n'],
    [
      'a 200 that is not JSON',
      text(200, '<html>'),
      1,
      '',
      'Error: the server answered 200 OK with a body that is not JSON\n',
    ],
    [
      'a list without data',
      json(200, { items: [] }),
      1,
      '',
      'Error: the server answered with a list that has no data array\n',
    ],
  ])('%s → exit %s', async (_name, answer, code, stdout, stderr) => {
    const r = await runStubbed(['api-key', 'ls'], (reg) => reg.register('GET', KEYS, answer));
    expect(r).toMatchObject({ code, stdout, stderr });
  });
});

describe('api-key ls --limit: paging', () => {
  /** A server holding `total` keys k0…, `size` a page (whatever limit asks), with absolute links.next hrefs. */
  function pager(total: number, size = 100): (req: RecordedRequest) => ReturnType<typeof json> {
    return (req) => {
      const after = req.url.searchParams.get('startingAfter');
      const start = after === null ? 0 : Number(after.slice(1)) + 1;
      const ids = Array.from({ length: Math.min(size, total - start) }, (_v, i) => `k${start + i}`);
      const last = ids.at(-1);
      const next =
        start + ids.length < total && last
          ? `${SERVER}${KEYS}?limit=${req.url.searchParams.get('limit') ?? ''}&startingAfter=${last}`
          : undefined;
      return json(
        200,
        page(
          ids.map((id) => keyRecord(id)),
          next,
        ),
      );
    };
  }

  it('follows links.next until --limit keys arrived: 230 of 250, all distinct, in order', async () => {
    const r = await runStubbed(['api-key', 'ls', '--limit', '230', '-q'], (reg) =>
      reg.register('GET', new RegExp(`^${KEYS}\\?limit=100`), pager(250), 3),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(Array.from({ length: 230 }, (_v, i) => `k${i}`));
    expect(r.requests.map((q) => q.path)).toEqual([
      `${KEYS}?limit=100`,
      `${KEYS}?limit=100&startingAfter=k99`,
      `${KEYS}?limit=100&startingAfter=k199`,
    ]);
  });

  it('stops when there is no next page, with fewer keys than --limit', async () => {
    const r = await runStubbed(['api-key', 'ls', '--limit', '300', '-q'], (reg) =>
      reg.register('GET', new RegExp(`^${KEYS}\\?limit=100`), pager(150), 2),
    );
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toHaveLength(150);
  });

  it('retries a rate-limited next page, saying so on stderr', async () => {
    const r = await runStubbed(['api-key', 'ls', '--limit', '150', '-q', '--retry', '2'], (reg) => {
      reg.register('GET', `${KEYS}?limit=100`, pager(150));
      reg.register('GET', `${KEYS}?limit=100&startingAfter=k99`, json(429, {}, { 'retry-after': '7' }));
      reg.register('GET', `${KEYS}?limit=100&startingAfter=k99`, pager(150));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toHaveLength(150);
    expect(r.stderr).toBe('Rate limited (429); retrying in 7 s (1/2)\n');
    expect(r.sleeps).toHaveLength(1);
    expect(r.sleeps[0]).toBeGreaterThanOrEqual(7000);
    expect(r.sleeps[0]).toBeLessThan(7200);
  });

  it('fails with the server body when a next page fails', async () => {
    const r = await runStubbed(['api-key', 'ls', '--limit', '150'], (reg) => {
      reg.register('GET', `${KEYS}?limit=100`, pager(150));
      reg.register('GET', `${KEYS}?limit=100&startingAfter=k99`, qlikError(400, 'APIKEYS-1', 'Bad cursor'));
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: Bad cursor (APIKEYS-1)\n');
  });

  it('stops on a page that is empty but links to a next page', async () => {
    const r = await runStubbed(['api-key', 'ls', '--limit', '50'], (reg) => {
      reg.register(
        'GET',
        `${KEYS}?limit=50`,
        json(200, page([keyRecord('k0')], `${SERVER}${KEYS}?limit=50&startingAfter=k0`)),
      );
      reg.register(
        'GET',
        `${KEYS}?limit=50&startingAfter=k0`,
        json(200, page([], `${SERVER}${KEYS}?limit=50&startingAfter=k1`)),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: paging stopped: page 2 is empty but links to a next page (${SERVER}${KEYS}?limit=50&startingAfter=k1)\n`,
    );
  });

  it('stops on a next link that was already read (a repeated cursor)', async () => {
    const loop = `${SERVER}${KEYS}?limit=50&startingAfter=k0`;
    const r = await runStubbed(['api-key', 'ls', '--limit', '50'], (reg) => {
      reg.register('GET', `${KEYS}?limit=50`, json(200, page([keyRecord('k0')], loop)));
      reg.register('GET', `${KEYS}?limit=50&startingAfter=k0`, json(200, page([keyRecord('k1')], loop)));
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: paging stopped: page 2 links back to a page already read (${loop})\n`);
  });

  it(`stops after ${MAX_PAGES} pages`, async () => {
    // One key per page and a new cursor every time: only the page cap ends it.
    const r = await runStubbed(['api-key', 'ls', '--limit', String(MAX_PAGES * 2), '-q'], (reg) =>
      reg.register('GET', new RegExp(`^${KEYS}\\?limit=100`), pager(MAX_PAGES * 2, 1), MAX_PAGES),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: paging stopped after ${MAX_PAGES} pages\n`);
    expect(r.requests).toHaveLength(MAX_PAGES);
  });

  it('refuses a next link on another origin, sending nothing there', async () => {
    const r = await runStubbed(['api-key', 'ls', '--limit', '50'], (reg) =>
      reg.register(
        'GET',
        `${KEYS}?limit=50`,
        json(200, page([keyRecord('k0')], 'https://evil.example.com/api/v1/api-keys?startingAfter=k0')),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: refusing to send credentials to another origin: https://evil.example.com\n');
    expect(r.requests).toHaveLength(1);
  });
});

describe('api-key ls: a response over the size cap (real transport)', () => {
  it('fails at once on a Content-Length over 10 MiB, and does not retry', async () => {
    // The head promises 10 MiB + 1 and no byte follows: only the declared length can end this before the timeout.
    const server = await localServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024 + 1) });
      res.flushHeaders();
    });
    try {
      const home = await homeWithContext(server.url);
      const started = performance.now();
      const r = await runQlik(['api-key', 'ls', '--retry', '3'], { home, env: { QLIK_HTTP_TIMEOUT: '30' } });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `Error: the response from ${new URL(server.url).host} is larger than 10 MiB (after status 200)\n`,
      );
      expect(server.requests()).toBe(1);
      expect(r.sleeps).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('api-key ls against the emulator', () => {
  const emu = useEmulator({ reset: false });

  it('lists what the API lists, and pages through links.next for --limit', async () => {
    const user = await emu.control<{ id: string; apiKey: string }>('POST', 'users', {
      name: 'pager',
      roles: ['ManageApiKeys'],
    });
    const minted = await Promise.all(
      Array.from({ length: 130 }, (_v, i) =>
        emu.control<{ id: string }>('POST', 'keys', { userId: user.id, description: `page key ${i}` }),
      ),
    );
    const home = await homeWithContext(emu.url, { apiKey: user.apiKey });

    const one = await runQlik(['api-key', 'ls'], { home });
    expect(one.code, one.stderr).toBe(0);
    const api = await emu.call('GET', KEYS, { token: user.apiKey });
    expect(JSON.parse(one.stdout)).toEqual((api.body.data as Record<string, unknown>[]).map(withoutLinks));

    const r = await runQlik(['api-key', 'ls', '--limit', '120', '-q', '--headers', 'X-Test-Run=ls-paging'], { home });
    expect(r.code, r.stderr).toBe(0);
    const ids = lines(r.stdout);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    const mintedIds = new Set(minted.map((k) => k.id));
    expect(ids.filter((id) => !mintedIds.has(id))).toEqual([]);
    const log = (await emu.requests()).filter((q) => q.headers['x-test-run'] === 'ls-paging');
    expect(log.map((q) => [q.query.limit, q.query.startingAfter])).toEqual([
      ['100', undefined],
      ['100', ids[99]],
    ]);
  });
});
