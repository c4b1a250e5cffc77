// qlik user me: GET /api/v1/users/me, following its redirect to the user; JSON without links, or the id with -q.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER, withoutLinks } from '../../../../../test/kit/verb.js';

const USER = {
  id: 'u1',
  tenantId: 't1',
  name: 'dev',
  email: 'dev@example.com',
  status: 'active',
  links: { self: { href: `${SERVER}/api/v1/users/u1` } },
};
const redirect = {
  status: 301,
  headers: { location: `${SERVER}/api/v1/users/u1` },
  body: Buffer.from('Moved Permanently'),
};

describe('user me', () => {
  it.each([
    [[], `${JSON.stringify(withoutLinks(USER), null, 2)}\n`],
    [['-q'], 'u1\n'],
    [['--json'], `${JSON.stringify(withoutLinks(USER), null, 2)}\n`],
  ])('%j → follows the redirect and prints the user', async (flags, stdout) => {
    const r = await runStubbed(['user', 'me', ...flags], (reg) => {
      reg.register('GET', '/api/v1/users/me', redirect);
      reg.register('GET', '/api/v1/users/u1', json(200, USER));
    });
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
    expect(r.requests.map(sent)).toEqual([
      { method: 'GET', path: '/api/v1/users/me', body: undefined },
      { method: 'GET', path: '/api/v1/users/u1', body: undefined },
    ]);
  });

  it('an argument: the error, no request', async () => {
    const r = await runStubbed(['user', 'me', 'u1']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error: accepts 0 arg(s), received 1\n', requests: [] });
  });
});
