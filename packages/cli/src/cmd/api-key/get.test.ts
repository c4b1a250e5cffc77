// qlik api-key get: flags → the request sent, answers → what is printed, and the retry rules every REST verb shares
// (--retry/--interval, retry-after up to 300 s, one stderr line per wait).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, failure, json, qlikError, text } from '../../../../../test/kit/httpmock.js';
import { homeWithContext } from '../../../../../test/kit/run.js';
import { keyRecord, lines, runStubbed, sent, SERVER, withoutLinks } from '../../../../../test/kit/verb.js';

const KEY = keyRecord('k1', { description: 'to get' });

describe('api-key get: arguments → request', () => {
  it.each([
    ['k1', '/api/v1/api-keys/k1'],
    // The id is one path segment, whatever it holds.
    ['a/b?c', '/api/v1/api-keys/a%2Fb%3Fc'],
  ])('%s → GET %s', async (id, path) => {
    const r = await runStubbed(['api-key', 'get', id], (reg) => reg.register('GET', path, json(200, KEY)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['k1', 'k2'], 'Error: accepts 1 arg(s), received 2\n'],
    [
      ['k1', '--retry=x'],
      'Error: invalid argument "x" for "--retry" flag: strconv.ParseInt: parsing "x": invalid syntax\n',
    ],
    [['k1', '--bogus'], 'Error: unknown flag: --bogus\n'],
    // Qlik's CLI suggests `--` for an argument that begins with one `-` (an id like -k1 reads as shorthand flags).
    [
      ['-k1'],
      "Error: unknown shorthand flag: 'k' in -k1\nIf -k1 is an argument and not a flag, put -- before it: qlik api-key get -- -k1\n",
    ],
  ])('%j → the error, no request', async (argv, error) => {
    const r = await runStubbed(['api-key', 'get', ...argv]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});

describe('api-key get: answers → output', () => {
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

  it('an unknown id: the server error body on stderr, exit 1', async () => {
    const r = await runStubbed(['api-key', 'get', 'nope'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/nope', qlikError(404, 'APIKEYS-4', 'API key was not found')),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: API key was not found (APIKEYS-4)\nHint: list the ids of your keys with: qlik api-key ls -q\n',
    );
  });

  it('an empty 200 prints the status line', async () => {
    const r = await runStubbed(['api-key', 'get', 'k1'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/k1', empty(200)),
    );
    expect(r).toMatchObject({ code: 0, stdout: '200 OK\n', stderr: '' });
  });
});

describe('retries (every REST verb; shown on api-key get)', () => {
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
