// The runner of REST verbs (runner.ts) through main(), tested once here rather than in every verb's file: a verb's
// own test checks its declaration (method, path, flags, body); what every declaration gets from the runner is shown
// on a few of them (api-key get and ls, tenant me, user me, role and group verbs): the server-type refusal, refused
// credentials, redirects, retries, paging through links.next, server errors (one `Error:` line, the body with
// --json), and the output formats (2-space JSON without links, -q ids, --raw, the status line of an empty answer).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, failure, json, qlikError, text, type RecordedRequest } from '../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../test/kit/run.js';
import { keyRecord, lines, localServer, runStubbed, SERVER, withoutLinks } from '../../../../test/kit/verb.js';
import { MAX_PAGES } from './paging.js';

const KEY = keyRecord('k1', { description: 'to get' });
const KEYS = '/api/v1/api-keys';

function page(data: unknown[], next?: string): Record<string, unknown> {
  return { data, links: { self: { href: `${SERVER}${KEYS}` }, ...(next ? { next: { href: next } } : {}) } };
}

describe('server type and credentials', () => {
  it('on a server that is not Qlik Cloud: the error, no request (every verb declared for Qlik Cloud alone)', async () => {
    const r = await runStubbed(['tenant', 'me', '--server-type', 'engine']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error: 'qlik tenant me' is only available for Qlik Cloud; the server type is engine\n");
    expect(r.requests).toEqual([]);
  });

  it('refused credentials: the server error line and the hint to replace the key, exit 1', async () => {
    const r = await runStubbed(['tenant', 'me'], (reg) =>
      reg.register('GET', '/api/v1/tenants/me', qlikError(401, 'AUTH-1', 'Unauthorized')),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "Error: Unauthorized (AUTH-1)\nHint: the API key of context 'test' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update test --api-key -, then rotate it before it expires with: qlik api-key rotate --context test\n",
    );
  });
});

describe('redirects (user me: its /users/me redirect is followed on the same origin)', () => {
  it.each([
    [
      'to another origin',
      301,
      'https://elsewhere.example.com/u1',
      'Error: 301 Moved Permanently: the server redirects GET /api/v1/users/me to https://elsewhere.example.com/u1; not followed: that is another origin (https://elsewhere.example.com), and credentials go only to https://tenant.example.com\n',
    ],
    [
      'of the same path to another root (the hint names the --server to use)',
      308,
      'https://tenant.eu.example.com/api/v1/users/me',
      'Error: 308 Permanent Redirect: the server redirects GET /api/v1/users/me to https://tenant.eu.example.com/api/v1/users/me; not followed: that is another origin (https://tenant.eu.example.com), and credentials go only to https://tenant.example.com\n' +
        'Hint: if the server moved there, use --server https://tenant.eu.example.com (or store it: qlik context update <name> --server https://tenant.eu.example.com)\n',
    ],
  ])('a redirect %s is not followed', async (_what, status, location, stderr) => {
    const r = await runStubbed(['user', 'me'], (reg) =>
      reg.register('GET', '/api/v1/users/me', { status, headers: { location }, body: Buffer.alloc(0) }),
    );
    expect(r).toMatchObject({ code: 1, stdout: '', stderr });
    expect(r.requests).toHaveLength(1);
  });
});

describe('server errors: one Error line, the body with --json', () => {
  // One verb of each method and output kind; each verb's own test checks only its declaration.
  it.each([
    ['GET', ['role', 'get', 'r1'], '/api/v1/roles/r1', 404, 'ROLES-404', 'Not found'],
    ['GET a list', ['identity-provider', 'ls'], '/api/v1/identity-providers', 403, 'IDP-403', 'Forbidden'],
    ['DELETE', ['group', 'rm', 'g1'], '/api/v1/groups/g1', 404, 'GROUPS-404', 'Not found'],
    [
      'PATCH',
      ['user', 'patch', 'u1', '--op', 'replace', '--path', '/name', '--value', 'x'],
      '/api/v1/users/u1',
      403,
      'USERS-403',
      'Forbidden',
    ],
    ['POST', ['role', 'create', '--name', 'A'], '/api/v1/roles', 409, 'ROLES-409', 'Conflict'],
  ] as const)('%s: exit 1, nothing on stdout', async (what, argv, path, status, code, title) => {
    const method = what.split(' ')[0] ?? '';
    const line = await runStubbed([...argv], (reg) => reg.register(method, path, qlikError(status, code, title)));
    expect(line).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${title} (${code})\n` });
    const asJson = await runStubbed(['--json', ...argv], (reg) =>
      reg.register(method, path, qlikError(status, code, title)),
    );
    expect(asJson).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(asJson.stderr)).toEqual({ errors: [{ code, title, status }] });
  });

  it('a definite 4xx to a POST is not sent again, whatever --retry says', async () => {
    const r = await runStubbed(['user', 'invite', '--invitees-email', 'a@b.c', '--retry', '2'], (reg) =>
      reg.register('POST', '/api/v1/users/actions/invite', qlikError(403, 'USERS-403', 'Forbidden')),
    );
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: Forbidden (USERS-403)\n' });
    expect(r.requests).toHaveLength(1);
  });
});

describe('output formats', () => {
  it('prints the key as 2-space JSON without links', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/k1', json(200, KEY)),
    );
    expect(r).toMatchObject({ code: 0, stdout: `${JSON.stringify(withoutLinks(KEY), null, 2)}\n`, stderr: '' });
  });

  it('-q prints the id; --raw the body as sent', async () => {
    const raw = '{"id":"k1",  "links":{}}';
    const q = await runStubbed(['api-key', 'get', 'k1', '-q'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/k1', json(200, KEY)),
    );
    expect(q).toMatchObject({ code: 0, stdout: 'k1\n', stderr: '' });
    const r = await runStubbed(['api-key', 'get', 'k1', '--raw'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/k1', text(200, raw)),
    );
    expect(r).toMatchObject({ code: 0, stdout: `${raw}\n`, stderr: '' });
  });

  it('an empty 200 prints the status line', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/k1', empty(200)),
    );
    expect(r).toMatchObject({ code: 0, stdout: '200 OK\n', stderr: '' });
  });
});

describe('output formats of a list', () => {
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

describe('retries: --retry/--interval, retry-after up to 300 s, one stderr line per wait', () => {
  const path = '/api/v1/api-keys/k1';

  it('honours retry-after, and says so on stderr for every wait, also without -v', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1', '--retry', '10'], (reg) => {
      reg.register('GET', path, json(429, {}, { 'retry-after': '42' }), 2);
      reg.register('GET', path, json(200, KEY));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(withoutLinks(KEY));
    expect(r.stderr).toBe('Rate limited (429); retrying in 42 s (1/10)\nRate limited (429); retrying in 42 s (2/10)\n');
    expect(r.sleeps).toHaveLength(2);
    for (const ms of r.sleeps) {
      // The wait is the server's, plus up to 200 ms of jitter.
      expect(ms).toBeGreaterThanOrEqual(42_000);
      expect(ms).toBeLessThan(42_200);
    }
  });

  it('honours a retry-after of exactly 300 s', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1', '--retry', '1'], (reg) => {
      reg.register('GET', path, json(429, {}, { 'retry-after': '300' }));
      reg.register('GET', path, json(200, KEY));
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Rate limited (429); retrying in 300 s (1/1)\n');
    expect(r.sleeps[0]).toBeGreaterThanOrEqual(300_000);
    expect(r.sleeps[0]).toBeLessThan(300_200);
  });

  it('ends with one error line when retry-after is beyond 300 s', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1', '--retry', '10'], (reg) =>
      reg.register('GET', path, json(429, {}, { 'retry-after': '301' })),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: rate limited: the server asks to wait 301 s before retrying, longer than the 300 s this CLI waits; try again later\n',
    );
    expect(r.sleeps).toEqual([]);
  });

  it('reads an HTTP-date retry-after', async () => {
    const at = new Date(Date.now() + 20_000).toUTCString();
    const r = await runStubbed(['api-key', 'get', 'k1', '--retry', '1'], (reg) => {
      reg.register('GET', path, json(429, {}, { 'retry-after': at }));
      reg.register('GET', path, json(200, KEY));
    });
    expect(r.code).toBe(0);
    // An HTTP date has whole seconds: 19 to 20 s from now.
    expect(r.stderr).toMatch(/^Rate limited \(429\); retrying in (19|20) s \(1\/1\)\n$/);
    expect(r.sleeps[0]).toBeGreaterThan(18_000);
    expect(r.sleeps[0]).toBeLessThanOrEqual(20_200);
  });

  it.each([
    [
      'a 429 without retry-after waits --interval',
      ['--interval', '3'],
      json(429, {}),
      'Rate limited (429); retrying in 3 s (1/1)\n',
      3000,
    ],
    [
      'a retry-after shorter than --interval waits --interval',
      ['--interval', '5'],
      json(429, {}, { 'retry-after': '2' }),
      'Rate limited (429); retrying in 5 s (1/1)\n',
      5000,
    ],
    ['a 503', [], json(503, {}), 'Server error (503 Service Unavailable); retrying in 1 s (1/1)\n', 1000],
    [
      'a refused connection',
      [],
      failure('not-sent'),
      'Request failed (simulated not-sent failure); retrying in 1 s (1/1)\n',
      1000,
    ],
    [
      'a reset after sending (GET is idempotent)',
      [],
      failure('ambiguous'),
      'Request failed (simulated ambiguous failure); retrying in 1 s (1/1)\n',
      1000,
    ],
  ])('%s', async (_name, flags, first, line, wait) => {
    const r = await runStubbed(['api-key', 'get', 'k1', '--retry', '1', ...flags], (reg) => {
      reg.register('GET', path, first);
      reg.register('GET', path, json(200, KEY));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(line);
    expect(r.sleeps).toHaveLength(1);
    expect(r.sleeps[0]).toBeGreaterThanOrEqual(wait);
    expect(r.sleeps[0]).toBeLessThan(wait + 200);
  });

  it('without --retry, a 429 is the error it is', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1'], (reg) =>
      reg.register('GET', path, qlikError(429, 'HTTP-429', 'Too Many Requests', { 'retry-after': '42' })),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: Too Many Requests (HTTP-429)\nHint: the server limits how often it may be called; add --retry 3 to wait and send again\n',
    );
    expect(r.sleeps).toEqual([]);
  });

  it('uses up --retry and returns the last answer', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1', '--retry', '2'], (reg) =>
      reg.register('GET', path, qlikError(503, 'HTTP-503', 'Unavailable'), 3),
    );
    expect(r.code).toBe(1);
    expect(lines(r.stderr).slice(0, 2)).toEqual([
      'Server error (503 Service Unavailable); retrying in 1 s (1/2)',
      'Server error (503 Service Unavailable); retrying in 1 s (2/2)',
    ]);
    expect(lines(r.stderr).slice(2)).toEqual(['Error: Unavailable (HTTP-503)']);
  });

  it('takes retry and interval from a -c config file', async () => {
    const home = await homeWithContext(SERVER);
    const cfg = join(home, 'qlik.yml');
    await writeFile(cfg, 'retry: 1\ninterval: 4\n');
    const r = await runStubbed(
      ['api-key', 'get', 'k1', '-c', cfg],
      (reg) => {
        reg.register('GET', path, json(503, {}));
        reg.register('GET', path, json(200, KEY));
      },
      { home },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('Server error (503 Service Unavailable); retrying in 4 s (1/1)\n');
  });
});

describe('paging: --limit follows links.next', () => {
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

describe('a response over the size cap (real transport)', () => {
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
