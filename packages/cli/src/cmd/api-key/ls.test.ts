// qlik api-key ls: flags → the request sent, and a run against the emulator. Output formats, --limit paging and its
// guards and the size cap are the runner's, tested in src/api/runner.test.ts on this verb.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { json } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';
import { lines, runStubbed, sent, SERVER, withoutLinks } from '../../../../../test/kit/verb.js';

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
