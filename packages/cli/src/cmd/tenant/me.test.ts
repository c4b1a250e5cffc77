// qlik tenant me: GET /api/v1/tenants/me, following its redirect to the tenant; JSON without links, or the id with -q.
import { describe, expect, it } from 'vitest';
import { json, qlikError } from '../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER, withoutLinks } from '../../../test/kit/verb.js';

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

  it('bad credentials: the server body, exit 1', async () => {
    const r = await runStubbed(['tenant', 'me'], (reg) =>
      reg.register('GET', '/api/v1/tenants/me', qlikError(401, 'AUTH-1', 'Unauthorized')),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "Error: Unauthorized (AUTH-1)\nHint: the API key of context 'test' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update test --api-key -, then rotate it before it expires with: qlik api-key rotate --context test\n",
    );
  });

  it('on a server that is not Qlik Cloud: the error, no request', async () => {
    const r = await runStubbed(['tenant', 'me', '--server-type', 'engine']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error: 'qlik tenant me' is only available for Qlik Cloud; the server type is engine\n");
    expect(r.requests).toEqual([]);
  });
});
