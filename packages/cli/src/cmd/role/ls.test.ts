// qlik role ls: flags → the query; --limit pages through links.next; answers → output.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER } from '../../../../../test/kit/verb.js';

const P = '/api/v1/roles';
const role = (id: string, name = id) => ({
  id,
  name,
  type: 'custom',
  links: { self: { href: `${SERVER}${P}/${id}` } },
});

describe('role ls: flags → the request', () => {
  it.each([
    [[], P],
    [['--filter', 'name eq "TenantAdmin"'], `${P}?filter=name+eq+%22TenantAdmin%22`],
    [['--sort', '-name', '--totalResults'], `${P}?sort=-name&totalResults=true`],
    [['--next', 'c1', '--limit', '5'], `${P}?next=c1&limit=5`],
    [['--prev', 'c0'], `${P}?prev=c0`],
    // --limit above the server's page: pages of 100.
    [['--limit', '500'], `${P}?limit=100`],
  ])('%j → GET %s', async (flags, path) => {
    const r = await runStubbed(['role', 'ls', ...flags], (reg) =>
      reg.register('GET', path, json(200, { data: [role('r1')], links: {} })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it.each([
    [['--limit', '0'], 'Error: invalid argument "0" for "--limit" flag: must be at least 1\n'],
    [
      ['--totalResults=maybe'],
      'Error: invalid argument "maybe" for "--totalResults" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n',
    ],
    [['x'], 'Error: accepts 0 arg(s), received 1\n'],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['role', 'ls', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});

describe('role ls: answers → output', () => {
  it('prints the roles as an array without links; -q their ids', async () => {
    const setup = (reg: import('../../../../../test/kit/httpmock.js').StubRegistry) =>
      reg.register('GET', P, json(200, { data: [role('r1', 'TenantAdmin'), role('r2', 'Keys')], links: {} }));
    const a = await runStubbed(['role', 'ls'], setup);
    expect(JSON.parse(a.stdout)).toEqual([
      { id: 'r1', name: 'TenantAdmin', type: 'custom' },
      { id: 'r2', name: 'Keys', type: 'custom' },
    ]);
    const b = await runStubbed(['role', 'ls', '-q'], setup);
    expect(b).toMatchObject({ code: 0, stdout: 'r1\nr2\n', stderr: '' });
  });
});
