// qlik api-key config get: with the tenant id, or without it (the current tenant, from /api/v1/tenants/me).
import { describe, expect, it } from 'vitest';
import { json, qlikError, type StubRegistry } from '../../../../../../test/kit/httpmock.js';
import { currentTenant, runStubbed, sent } from '../../../../../../test/kit/verb.js';

const CONFIG = { max_api_key_expiry: 'PT24H', max_keys_per_user: 5, scim_externalClient_expiry: 'P365D' };
const CONFIG_PATH = '/api/v1/api-keys/configs/t1';

describe('api-key config get', () => {
  it('with the tenant id: one GET, the configuration as 2-space JSON', async () => {
    const r = await runStubbed(['api-key', 'config', 'get', 't1'], (reg) =>
      reg.register('GET', CONFIG_PATH, json(200, CONFIG)),
    );
    expect(r).toMatchObject({ code: 0, stdout: `${JSON.stringify(CONFIG, null, 2)}\n`, stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path: CONFIG_PATH, body: undefined }]);
  });

  it('without it: the current tenant first, the same output', async () => {
    const r = await runStubbed(['api-key', 'config', 'get'], (reg) => {
      currentTenant(reg);
      reg.register('GET', CONFIG_PATH, json(200, CONFIG));
    });
    expect(r).toMatchObject({ code: 0, stdout: `${JSON.stringify(CONFIG, null, 2)}\n`, stderr: '' });
    expect(r.requests.map((q) => q.path)).toEqual(['/api/v1/tenants/me', '/api/v1/tenants/t1', CONFIG_PATH]);
  });

  it.each([
    [
      'a tenant without an id',
      (reg: StubRegistry) => reg.register('GET', '/api/v1/tenants/me', json(200, { name: 'x' })),
      'Error: GET /api/v1/tenants/me did not return a tenant id\n',
    ],
    [
      'a tenant lookup that fails',
      (reg: StubRegistry) => reg.register('GET', '/api/v1/tenants/me', qlikError(401, 'AUTH-1', 'Unauthorized')),
      "Error: Unauthorized (AUTH-1)\nHint: the API key of context 'test' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update test --api-key -, then rotate it before it expires with: qlik api-key rotate --context test\n",
    ],
  ])('%s: the error, no configuration request', async (_name, setup, stderr) => {
    const r = await runStubbed(['api-key', 'config', 'get'], setup);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr });
  });

  it('a configuration the caller may not read: the server body', async () => {
    const r = await runStubbed(['api-key', 'config', 'get', 't1'], (reg) =>
      reg.register('GET', CONFIG_PATH, qlikError(403, 'APIKEYS-9', 'Forbidden')),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: Forbidden (APIKEYS-9)\n');
  });

  it('two arguments: the error, no request', async () => {
    const r = await runStubbed(['api-key', 'config', 'get', 't1', 't2']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error: accepts at most 1 arg(s), received 2\n', requests: [] });
  });
});
