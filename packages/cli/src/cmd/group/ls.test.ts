// qlik group ls: flags → the query; paging; answers → output.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER } from '../../../../../test/kit/verb.js';

const P = '/api/v1/groups';
const group = (id: string) => ({
  id,
  name: `g-${id}`,
  status: 'active',
  links: { self: { href: `${SERVER}${P}/${id}` } },
});

describe('group ls: flags → the request', () => {
  it.each([
    [[], P],
    [['--systemGroups'], `${P}?systemGroups=true`],
    [
      ['--filter', 'name co "ad"', '--sort', '-name', '--totalResults'],
      `${P}?filter=name+co+%22ad%22&sort=-name&totalResults=true`,
    ],
    [['--next', 'c1', '--limit', '7'], `${P}?next=c1&limit=7`],
    [['--prev', 'c0'], `${P}?prev=c0`],
  ])('%j → GET %s', async (flags, path) => {
    const r = await runStubbed(['group', 'ls', ...flags], (reg) =>
      reg.register('GET', path, json(200, { data: [group('g1')], links: {} })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
    expect(JSON.parse(r.stdout)).toEqual([{ id: 'g1', name: 'g-g1', status: 'active' }]);
  });

  it.each([
    [['--limit', '0'], 'Error: invalid argument "0" for "--limit" flag: must be at least 1\n'],
    [
      ['--systemGroups=x'],
      'Error: invalid argument "x" for "--systemGroups" flag: strconv.ParseBool: parsing "x": invalid syntax\n',
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['group', 'ls', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });

  it('--limit 150: pages of 100 through links.next; -q the ids', async () => {
    const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => group(`g${from + i}`));
    const r = await runStubbed(['group', 'ls', '--limit', '150', '-q'], (reg) => {
      reg.register(
        'GET',
        `${P}?limit=100`,
        json(200, { data: many(0, 100), links: { next: { href: `${SERVER}${P}?limit=100&next=c1` } } }),
      );
      reg.register('GET', `${P}?limit=100&next=c1`, json(200, { data: many(100, 100), links: {} }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(many(0, 150).map((g) => g.id));
  });
});
