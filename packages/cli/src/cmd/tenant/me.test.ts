// qlik tenant me: GET /api/v1/tenants/me, following its redirect to the tenant; JSON without links, or the id with -q.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER, withoutLinks } from '../../../../../test/kit/verb.js';

const TENANT = {
  id: 't1',
  name: 'tenant',
  hostnames: ['tenant.example.com'],
  status: 'active',
  links: { self: { href: `${SERVER}/api/v1/tenants/t1` } },
};
const redirect = { status: 302, headers: { location: `${SERVER}/api/v1/tenants/t1` }, body: Buffer.from('Found') };

describe('tenant me', () => {
  it.each([
    [[], `${JSON.stringify(withoutLinks(TENANT), null, 2)}\n`],
    [['-q'], 't1\n'],
  ])('%j → follows the redirect and prints the tenant', async (flags, stdout) => {
    const r = await runStubbed(['tenant', 'me', ...flags], (reg) => {
      reg.register('GET', '/api/v1/tenants/me', redirect);
      reg.register('GET', '/api/v1/tenants/t1', json(200, TENANT));
    });
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
    expect(r.requests.map(sent)).toEqual([
      { method: 'GET', path: '/api/v1/tenants/me', body: undefined },
      { method: 'GET', path: '/api/v1/tenants/t1', body: undefined },
    ]);
  });
});
