// What real Qlik clients rely on beyond the spec: repeated and unknown query parameters (and
// --strict, which refuses them), float limits, numeric USERS-n status, the JSON charset, and HEAD.
import { beforeAll, describe, expect, it } from 'vitest';
import { type CallResponse, useEmulator } from '../../../test/kit/emulator.js';
import { expectError, rawRequest } from './util.js';

const emu = useEmulator({ reset: false });
const strict = useEmulator({ args: ['--strict'], reset: false });

beforeAll(async () => {
  for (const e of [emu, strict]) {
    for (let i = 0; i < 5; i++) await e.control('POST', 'keys', { userId: e.admin.id, description: `k${i}` });
  }
});

const KEYS = '/api/v1/api-keys';

function ids(res: CallResponse): string[] {
  expect(res.status, res.text).toBe(200);
  return (res.body.data as { id: string }[]).map((k) => k.id);
}

describe('query parameters', () => {
  it('takes the first value of a repeated parameter, as Qlik’s Go services do', async () => {
    const res = await emu.call('GET', `${KEYS}?limit=2&limit=50&sort=description&sort=-created`, { as: emu.admin });
    expect(ids(res)).toHaveLength(2);
    expect(res.body.links.self.href).toBe(`${emu.url}${KEYS}?limit=2&sort=description`);
  });

  it('pages on when a client appends &limit=… to links.next.href (an official SDK does)', async () => {
    const first = await emu.call('GET', `${KEYS}?limit=2`, { as: emu.admin });
    const second = await emu.call('GET', `${first.body.links.next.href}&limit=2`, { as: emu.admin });
    const third = await emu.call('GET', `${second.body.links.next.href}&limit=2`, { as: emu.admin });
    const seen = [...ids(first), ...ids(second), ...ids(third)];
    expect(new Set(seen).size).toBe(6);
  });

  it('ignores unknown query parameters', async () => {
    expect(ids(await emu.call('GET', `${KEYS}?owner=me&limit=1&fields=id`, { as: emu.admin }))).toHaveLength(1);
  });

  it.each([
    ['limit=20.0', 8],
    ['limit=3.000', 3],
    ['limit=3', 3],
    ['limit=2e0', 2],
  ])('accepts the whole number ?%s for an integer parameter', async (query, count) => {
    expect(ids(await emu.call('GET', `${KEYS}?${query}`, { as: emu.admin }))).toHaveLength(count);
    expect(ids(await strict.call('GET', `${KEYS}?${query}`, { as: strict.admin }))).toHaveLength(count);
  });

  it.each(['limit=20.5', 'limit=0.0', 'limit=101.0'])('refuses ?%s in both modes', async (query) => {
    for (const e of [emu, strict]) {
      const error = expectError(await e.call('GET', `${KEYS}?${query}`, { as: e.admin }), 400, 'APIKEYS-2');
      expect(error.source).toEqual({ parameter: 'limit' });
    }
  });

  it.each([
    ['owner=me', 'owner', 'Unknown query parameter "owner"'],
    ['limit=5&limit=6', 'limit', 'Query parameter "limit" must not be repeated'],
  ])('--strict refuses ?%s naming the parameter', async (query, parameter, detail) => {
    const error = expectError(await strict.call('GET', `${KEYS}?${query}`, { as: strict.admin }), 400, 'APIKEYS-2');
    expect(error).toMatchObject({ source: { parameter }, detail, status: 400 });
  });
});

describe('error bodies', () => {
  it('gives USERS-n a numeric status and edge and tenants errors a string one', async () => {
    const user = expectError(
      await emu.call('GET', '/api/v1/users/0123456789abcdef01234567', { as: emu.admin }),
      404,
      'USERS-7',
    );
    expect(user.status).toBe(404);
    const edge = expectError(await emu.call('GET', '/api/v1/api-keys/x/y', { as: emu.admin }), 404, 'HTTP-404');
    expect(edge.status).toBe('404');
    expect(expectError(await emu.call('GET', KEYS, { token: '' }), 401, 'HTTP-401').status).toBe('401');
    expect(expectError(await emu.call('GET', '/api/v1/tenants/nope', { as: emu.admin }), 404, 'TENANTS-8').status).toBe(
      '404',
    );
  });
});

describe('content-type', () => {
  it('is application/json; charset=utf-8 on every JSON response', async () => {
    const responses = [
      await emu.call('GET', KEYS, { as: emu.admin }),
      await emu.call('POST', KEYS, { token: emu.dev.apiKey, body: { description: 'ct' } }),
      await emu.call('GET', `${KEYS}/configs/${emu.tenantId}`, { as: emu.admin }),
      await emu.call('GET', `/api/v1/users/${emu.dev.id}`, { as: emu.admin }),
      await emu.call('GET', `/api/v1/tenants/${emu.tenantId}`, { as: emu.admin }),
      await emu.call('GET', '/api/v1/nothing', { as: emu.admin }),
      await emu.call('POST', KEYS, { token: emu.dev.apiKey, body: '{' }),
      await emu.call('GET', '/__emulator/info', { as: emu.admin }),
      await emu.call('GET', '/__emulator/nothing', { as: emu.admin }),
    ];
    for (const res of responses) {
      expect(res.body, res.text).toBeDefined();
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    await emu.control('DELETE', 'requests');
  });
});

describe('HEAD', () => {
  it.each([
    [KEYS, 200, ''],
    ['/api/v1/api-keys?limit=2', 200, ''],
    ['/api/v1/users/me', 301, ''],
    ['/api/v1/tenants/CONFIG', 200, 'config'],
    ['/api/v1/nothing', 501, ''],
    ['/api/v1/api-keys/x/y', 404, ''],
    [KEYS, 401, 'no token'],
    ['/__emulator/info', 200, ''],
  ])('answers HEAD %s like GET (%i %s) without a body', async (target, status, note) => {
    const path = target === '/api/v1/tenants/CONFIG' ? `${KEYS}/configs/${emu.tenantId}` : target;
    // Same transport for both (a fresh connection each), so that connection headers match too.
    const token = note === 'no token' ? '' : emu.admin.apiKey;
    const get = await rawRequest(emu, 'GET', path, { token });
    const head = await rawRequest(emu, 'HEAD', path, { token });
    expect(get.status).toBe(status);
    expect(head.status).toBe(status);
    expect(head.error).toBeUndefined();
    expect(head.received).toHaveLength(0);
    const withoutDate = (h: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(h).filter(([n]) => n !== 'date'));
    expect(withoutDate(head.headers!)).toEqual(withoutDate(get.headers!));
    expect(Number(head.headers!['content-length'])).toBe(get.received.length);
    expect(get.received.length).toBeGreaterThan(0);
  });

  it('logs HEAD requests as HEAD and counts them in tier 1', async () => {
    await emu.control('DELETE', 'requests');
    expect((await emu.call('HEAD', KEYS, { as: emu.admin })).status).toBe(200);
    expect((await emu.requests()).map((r) => [r.method, r.path, r.status])).toEqual([['HEAD', KEYS, 200]]);
  });
});
