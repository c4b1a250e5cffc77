// The api-keys endpoints: create, get, patch, delete/revoke, permissions, quota, expiry, SCIM,
// validation, and authentication of tokens.
import { generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../test/kit/emulator.js';
import { expectError, ISO_MS, jwtPart, UUID_V4 } from './util.js';

const emu = useEmulator();

async function create(token: string, body: unknown) {
  return emu.call('POST', '/api/v1/api-keys', { token, body });
}

describe('create', () => {
  it('returns 201 with the key, its token, and Qlik-shaped fields', async () => {
    const res = await create(emu.dev.apiKey, { description: 'ci key', expiry: 'PT1H' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const key = res.body;
    expect(Object.keys(key)).toEqual([
      'id',
      'tenantId',
      'description',
      'sub',
      'subType',
      'status',
      'createdByUser',
      'expiry',
      'created',
      'lastUpdated',
      'token',
    ]);
    expect(key.id).toMatch(UUID_V4);
    expect(key).toMatchObject({
      tenantId: emu.tenantId,
      description: 'ci key',
      sub: emu.dev.id,
      subType: 'user',
      status: 'active',
      createdByUser: emu.dev.id,
    });
    for (const field of ['expiry', 'created', 'lastUpdated']) expect(key[field]).toMatch(ISO_MS);
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(3_600_000);
    expect(jwtPart(key.token, 0)).toBe(`{"alg":"ES384","kid":"${key.id}","typ":"JWT"}`);
    expect(jwtPart(key.token, 1)).toBe(
      `{"subType":"user","tenantId":"${emu.tenantId}","jti":"${key.id}","aud":"qlik.api","iss":"qlik.api/api-keys","sub":"${emu.dev.id}"}`,
    );
    expect(key.token.split('.')[2]).toHaveLength(128);
    // The new token authenticates as its user.
    const me = await emu.call('GET', '/api/v1/users/me', { token: key.token });
    expect(me.status).toBe(301);
    expect(me.headers['location']).toBe(`${emu.url}/api/v1/users/${emu.dev.id}`);
  });

  it('never shows the token again', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'once' });
    const got = await emu.call('GET', `/api/v1/api-keys/${key.id}`, { token: emu.dev.apiKey });
    expect(got.status).toBe(200);
    expect(got.body.token).toBeUndefined();
    expect(got.text).not.toContain(key.token);
    const list = await emu.call('GET', '/api/v1/api-keys', { token: emu.dev.apiKey });
    expect(list.text).not.toContain(key.token);
  });

  it('defaults the expiry to the tenant maximum (PT24H)', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'default expiry' });
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(24 * 3_600_000);
  });

  it('uses calendar arithmetic for P1M and P1Y', async () => {
    await emu.control('PUT', 'config', { max_api_key_expiry: 'P2Y' });
    await emu.control('POST', 'time', { offsetMs: Date.parse('2027-01-31T10:00:00.000Z') - Date.now() });
    const month = (await create(emu.dev.apiKey, { description: 'month', expiry: 'P1M' })).body;
    expect(month.created.slice(0, 10)).toBe('2027-01-31');
    expect(month.expiry.slice(0, 10)).toBe('2027-02-28');
    expect(month.expiry.slice(10)).toBe(month.created.slice(10));
    const year = (await create(emu.dev.apiKey, { description: 'year', expiry: 'P1Y' })).body;
    expect(year.expiry.slice(0, 10)).toBe('2028-01-31');
  });

  it('rejects an expiry beyond the tenant maximum with /expiry', async () => {
    const error = expectError(
      await create(emu.dev.apiKey, { description: 'too long', expiry: 'P2D' }),
      400,
      /^APIKEYS-/,
    );
    expect(error.source).toEqual({ pointer: '/expiry' });
    expect(error.status).toBe(400);
  });

  it.each([['P0D'], ['-P1D'], ['PT0S'], ['abc'], ['P1DT'], [''], [7], [null], [['P1D']]])(
    'rejects the expiry %j',
    async (expiry) => {
      const error = expectError(await create(emu.dev.apiKey, { description: 'bad', expiry }), 400, /^APIKEYS-/);
      expect(error.source.pointer).toBe('/expiry');
    },
  );

  it.each([
    ['a non-object body', [], ''],
    ['a string body', '"text"', ''],
    ['a null body', 'null', ''],
    ['a missing description', { expiry: 'PT1H' }, '/description'],
    ['an empty description', { description: '' }, '/description'],
    ['a numeric description', { description: 5 }, '/description'],
    ['an unknown field', { description: 'x', scope: 'all' }, '/scope'],
    ['an unknown subType', { description: 'x', subType: 'robot' }, '/subType'],
    ['a non-string sub', { description: 'x', sub: 42 }, '/sub'],
  ])('rejects %s', async (_name, body, pointer) => {
    const error = expectError(await create(emu.dev.apiKey, body), 400, /^APIKEYS-/);
    expect(error.source.pointer).toBe(pointer);
  });

  it.each([['{"description":'], ['not json'], ['']])('rejects the malformed body %j', async (raw) => {
    const res = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: raw,
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 400, 'APIKEYS-3');
  });

  it('needs the Manage API keys permission', async () => {
    const error = expectError(await create(emu.viewer.apiKey, { description: 'nope' }), 403, /^APIKEYS-/);
    expect(error.title).toBe('Requestor not allowed to create an API key');
    const legacy = await emu.control<{ apiKey: string }>('POST', 'users', { name: 'legacy', roles: ['Developer'] });
    expect((await create(legacy.apiKey, { description: 'developer role' })).status).toBe(201);
    const custom = await emu.control<{ apiKey: string }>('POST', 'users', {
      name: 'custom',
      roles: ['SomeCustomRole'],
    });
    expectError(await create(custom.apiKey, { description: 'custom role' }), 403);
  });

  it('lets only a TenantAdmin create keys for other users, and only for users that exist', async () => {
    expectError(await create(emu.dev.apiKey, { description: 'for admin', sub: emu.admin.id }), 403);
    const res = await create(emu.admin.apiKey, { description: 'for dev', sub: emu.dev.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sub: emu.dev.id, createdByUser: emu.admin.id });
    const error = expectError(
      await create(emu.admin.apiKey, { description: 'ghost', sub: '0123456789abcdef01234567' }),
      400,
    );
    expect(error.source.pointer).toBe('/sub');
    // The admin-made key is the dev's: the dev sees it and its token acts as the dev.
    expect((await emu.call('GET', `/api/v1/api-keys/${res.body.id}`, { token: emu.dev.apiKey })).status).toBe(200);
    const me = await emu.call('GET', '/api/v1/users/me', { token: res.body.token });
    expect(me.headers['location']).toMatch(new RegExp(`/${emu.dev.id}$`));
  });
});

describe('quota', () => {
  it('counts the bootstrap key like any key: a seeded user holds it plus max_keys_per_user - 1 more', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await create(emu.dev.apiKey, { description: `k${i}` });
      expect(res.status, `key ${i}`).toBe(201);
      ids.push(res.body.id);
    }
    const error = expectError(await create(emu.dev.apiKey, { description: 'fifth' }), 403, 'APIKEYS-6');
    expect(error.detail).toBe('The maximum number of active API keys per user (5) has been reached');
    // Revoked keys no longer count.
    expect((await emu.call('DELETE', `/api/v1/api-keys/${ids[0]}`, { as: emu.admin })).status).toBe(204);
    expect((await create(emu.dev.apiKey, { description: 'after revoke' })).status).toBe(201);
    expectError(await create(emu.dev.apiKey, { description: 'full again' }), 403, 'APIKEYS-6');
    // With room for one key, the bootstrap key already fills it.
    await emu.control('PUT', 'config', { max_keys_per_user: 1 });
    expectError(await create(emu.admin.apiKey, { description: 'admin, full' }), 403, 'APIKEYS-6');
  });

  it('does not count expired keys against the quota', async () => {
    await emu.control('PUT', 'config', { max_keys_per_user: 2 });
    expect((await create(emu.dev.apiKey, { description: 'one', expiry: 'PT1H' })).status).toBe(201);
    expectError(await create(emu.dev.apiKey, { description: 'two' }), 403);
    await emu.control('POST', 'time', { offsetMs: 2 * 3_600_000 });
    expect((await create(emu.dev.apiKey, { description: 'after expiry' })).status).toBe(201);
  });

  it('refuses every key when max_keys_per_user is 0, and counts keys an admin made for the user', async () => {
    await emu.control('PUT', 'config', { max_keys_per_user: 0 });
    expectError(await create(emu.dev.apiKey, { description: 'zero' }), 403);
    await emu.control('PUT', 'config', { max_keys_per_user: 2 });
    expect((await create(emu.admin.apiKey, { description: 'by admin', sub: emu.dev.id })).status).toBe(201);
    expectError(await create(emu.dev.apiKey, { description: 'own' }), 403);
  });
});

describe('SCIM keys', () => {
  beforeEach(async () => {
    // SCIM subjects must name an IdP of the tenant (an emulator assumption): these tests use this one.
    await emu.control('POST', 'identity-providers', {
      id: '215g5595380d646163cadbb9',
      protocol: 'jwtAuth',
      provider: 'external',
      options: { issuer: 'https://issuer.example', staticKeys: [{ kid: 'k1', pem: 'pem' }] },
    });
  });

  it('refuses a SCIM subject that names no IdP of the tenant, unless the check is off', async () => {
    const sub = 'SCIM\\0123456789abcdef01234567';
    const refused = expectError(
      await create(emu.admin.apiKey, { description: 's', subType: 'externalClient', sub }),
      400,
    );
    expect(refused.source.pointer).toBe('/sub');
    expect(refused.detail).toContain('"0123456789abcdef01234567"');
    await emu.control('PUT', 'identity-providers/settings', { scimKeysRequireIdp: false });
    expect((await create(emu.admin.apiKey, { description: 's', subType: 'externalClient', sub })).status).toBe(201);
    await emu.reset();
    expect((await create(emu.admin.apiKey, { description: 's', subType: 'externalClient', sub })).status).toBe(400);
  });

  it('lets a TenantAdmin create externalClient keys with one or two backslashes, stored as given', async () => {
    for (const sub of ['SCIM\\215g5595380d646163cadbb9', 'SCIM\\\\215g5595380d646163cadbb9']) {
      const res = await create(emu.admin.apiKey, { description: 'scim', subType: 'externalClient', sub });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ sub, subType: 'externalClient', createdByUser: emu.admin.id });
      // Defaults to scim_externalClient_expiry (P365D), not max_api_key_expiry.
      expect(Date.parse(res.body.expiry) - Date.parse(res.body.created)).toBe(365 * 86_400_000);
      expect(JSON.parse(jwtPart(res.body.token, 1))).toMatchObject({ subType: 'externalClient', sub });
    }
    const list = await emu.call('GET', `/api/v1/api-keys?sub=${encodeURIComponent('SCIM\\215g5595380d646163cadbb9')}`, {
      as: emu.admin,
    });
    expect(list.body.data).toHaveLength(1);
  });

  it('refuses SCIM keys to non-admins and without a SCIM subject', async () => {
    expectError(await create(emu.dev.apiKey, { description: 's', subType: 'externalClient', sub: 'SCIM\\abc' }), 403);
    expect(
      expectError(await create(emu.admin.apiKey, { description: 's', subType: 'externalClient' }), 400).source.pointer,
    ).toBe('/sub');
    expect(
      expectError(await create(emu.admin.apiKey, { description: 's', subType: 'externalClient', sub: emu.dev.id }), 400)
        .source.pointer,
    ).toBe('/sub');
  });

  it('does not let a SCIM token act as a user', async () => {
    const { body } = await create(emu.admin.apiKey, {
      description: 's',
      subType: 'externalClient',
      sub: 'SCIM\\215g5595380d646163cadbb9',
    });
    expectError(await emu.call('GET', '/api/v1/users/me', { token: body.token }), 403);
    expectError(await emu.call('GET', '/api/v1/api-keys', { token: body.token }), 403);
    expectError(await emu.call('GET', '/api/v1/tenants/me', { token: body.token }), 403);
    expectError(await emu.call('GET', `/api/v1/api-keys/configs/${emu.tenantId}`, { token: body.token }), 403);
  });
});

describe('get, patch, delete', () => {
  it('answers 404 for unknown or malformed ids, never 500', async () => {
    for (const id of ['3f1b1e1e-1111-4111-8111-111111111111', 'abc', '%E0%A4%A', '..%2F..%2Fetc', 'x'.repeat(5000)]) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await emu.call(method, `/api/v1/api-keys/${id}`, {
          as: emu.admin,
          body: [{ op: 'replace', path: '/description', value: 'v' }],
        });
        expectError(res, 404);
      }
    }
  });

  it('hides other users’ keys from non-admins with 403, and shows all to admins', async () => {
    const { body: adminKey } = await create(emu.admin.apiKey, { description: 'admin own' });
    const { body: devKey } = await create(emu.dev.apiKey, { description: 'dev own' });
    const error = expectError(await emu.call('GET', `/api/v1/api-keys/${adminKey.id}`, { token: emu.dev.apiKey }), 403);
    expect(error.title).toBe('Requestor not allowed to query this API key');
    expectError(
      await emu.call('PATCH', `/api/v1/api-keys/${adminKey.id}`, {
        token: emu.dev.apiKey,
        body: [{ op: 'replace', path: '/description', value: 'x' }],
      }),
      403,
    );
    expect((await emu.call('GET', `/api/v1/api-keys/${devKey.id}`, { as: emu.admin })).body.description).toBe(
      'dev own',
    );
  });

  it('patches the description and bumps lastUpdated', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'before' });
    await emu.control('POST', 'time', { offsetMs: 5_000 });
    const res = await emu.call('PATCH', `/api/v1/api-keys/${key.id}`, {
      token: emu.dev.apiKey,
      body: [{ op: 'replace', path: '/description', value: 'after' }],
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const got = (await emu.call('GET', `/api/v1/api-keys/${key.id}`, { token: emu.dev.apiKey })).body;
    expect(got.description).toBe('after');
    expect(Date.parse(got.lastUpdated) - Date.parse(key.lastUpdated)).toBeGreaterThanOrEqual(5_000);
    expect(got.created).toBe(key.created);
  });

  it.each([
    ['an object', { op: 'replace', path: '/description', value: 'x' }, ''],
    ['an empty array', [], ''],
    ['op add', [{ op: 'add', path: '/description', value: 'x' }], '/0/op'],
    ['another path', [{ op: 'replace', path: '/sub', value: 'x' }], '/0/path'],
    ['a numeric value', [{ op: 'replace', path: '/description', value: 1 }], '/0/value'],
    ['a missing value', [{ op: 'replace', path: '/description' }], '/0/value'],
    [
      'a bad second op',
      [
        { op: 'replace', path: '/description', value: 'ok' },
        { op: 'replace', path: '/expiry', value: 'P1D' },
      ],
      '/1/path',
    ],
    ['an extra member', [{ op: 'replace', path: '/description', value: 'x', from: '/a' }], '/0/from'],
    ['a non-object op', ['replace'], '/0'],
  ])('rejects a patch that is %s', async (_name, body, pointer) => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'target' });
    const error = expectError(
      await emu.call('PATCH', `/api/v1/api-keys/${key.id}`, { token: emu.dev.apiKey, body }),
      400,
    );
    expect(error.source.pointer).toBe(pointer);
    expect((await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).body.description).toBe('target');
  });

  it('deletes a key when its owner asks: GET 404, token 401, ledger "deleted"', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'mine' });
    expect((await emu.call('DELETE', `/api/v1/api-keys/${key.id}`, { token: emu.dev.apiKey })).status).toBe(204);
    expectError(await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin }), 404);
    expectError(await emu.call('GET', '/api/v1/users/me', { token: key.token }), 401, 'HTTP-401');
    expectError(await emu.call('DELETE', `/api/v1/api-keys/${key.id}`, { token: emu.dev.apiKey }), 404);
    expect((await emu.ledger()).find((e) => e.id === key.id)?.state).toBe('deleted');
  });

  it('revokes a key when a TenantAdmin who is not the owner asks', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'to revoke' });
    await emu.control('POST', 'time', { offsetMs: 1_000 });
    expect((await emu.call('DELETE', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).status).toBe(204);
    const got = (await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).body;
    expect(got.status).toBe('revoked');
    expect(got.lastUpdated).not.toBe(key.lastUpdated);
    const error = expectError(await emu.call('GET', '/api/v1/users/me', { token: key.token }), 401, 'APIKEYS-18');
    expect(error.detail).toBe('The api key is either expired or revoked');
    expect((await emu.call('DELETE', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).status).toBe(204);
    expect((await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).body.lastUpdated).toBe(
      got.lastUpdated,
    );
    expect((await emu.ledger()).find((e) => e.id === key.id)?.state).toBe('revoked');
    // The owner can still remove a revoked key.
    expect((await emu.call('DELETE', `/api/v1/api-keys/${key.id}`, { token: emu.dev.apiKey })).status).toBe(204);
    expectError(await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin }), 404);
  });

  it('deletes (not revokes) a TenantAdmin’s own key, and refuses non-admin non-owners', async () => {
    const { body: own } = await create(emu.admin.apiKey, { description: 'admin own' });
    expectError(await emu.call('DELETE', `/api/v1/api-keys/${own.id}`, { token: emu.dev.apiKey }), 403);
    expect((await emu.call('DELETE', `/api/v1/api-keys/${own.id}`, { as: emu.admin })).status).toBe(204);
    expectError(await emu.call('GET', `/api/v1/api-keys/${own.id}`, { as: emu.admin }), 404);
  });

  it('reports status "expired" once the expiry passed, and refuses the token', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'short', expiry: 'PT1H' });
    const active = await emu.call('GET', '/api/v1/api-keys?status=active', { token: emu.dev.apiKey });
    expect(active.body.data.map((k: { id: string }) => k.id)).toContain(key.id);
    await emu.control('POST', 'time', { offsetMs: 3_600_000 + 1_000 });
    expect((await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).body.status).toBe('expired');
    expectError(await emu.call('GET', '/api/v1/users/me', { token: key.token }), 401, 'APIKEYS-18');
    const expired = await emu.call('GET', '/api/v1/api-keys?status=expired', { token: emu.dev.apiKey });
    expect(expired.body.data.map((k: { id: string }) => k.id)).toEqual([key.id]);
    const stillActive = await emu.call('GET', '/api/v1/api-keys?status=active', { token: emu.dev.apiKey });
    expect(stillActive.body.data.map((k: { id: string }) => k.id)).not.toContain(key.id);
  });
});

describe('list', () => {
  it('shows a non-admin only keys they own or created, and all keys to an admin', async () => {
    const { body: byAdminForDev } = await create(emu.admin.apiKey, { description: 'for dev', sub: emu.dev.id });
    const { body: adminOwn } = await create(emu.admin.apiKey, { description: 'admin' });
    const { body: devOwn } = await create(emu.dev.apiKey, { description: 'dev' });
    const devIds = (await emu.call('GET', '/api/v1/api-keys', { token: emu.dev.apiKey })).body.data.map(
      (k: { id: string }) => k.id,
    );
    expect(devIds).toEqual(expect.arrayContaining([byAdminForDev.id, devOwn.id]));
    expect(devIds).not.toContain(adminOwn.id);
    const all = (await emu.call('GET', '/api/v1/api-keys?limit=100', { as: emu.admin })).body.data;
    expect(all.map((k: { id: string }) => k.id)).toEqual(
      expect.arrayContaining([byAdminForDev.id, adminOwn.id, devOwn.id]),
    );
    expect(all.every((k: { token?: string }) => k.token === undefined)).toBe(true);
    const byCreator = (
      await emu.call('GET', `/api/v1/api-keys?createdByUser=${emu.admin.id}&sub=${emu.dev.id}`, { as: emu.admin })
    ).body.data;
    expect(byCreator.map((k: { id: string }) => k.id)).toEqual([byAdminForDev.id]);
  });

  it('refuses a non-admin asking for another user’s keys', async () => {
    for (const param of ['createdByUser', 'sub']) {
      const error = expectError(
        await emu.call('GET', `/api/v1/api-keys?${param}=${emu.admin.id}`, { token: emu.dev.apiKey }),
        403,
      );
      expect(error.title).toBe('Requestor not allowed to list API keys');
    }
    expect((await emu.call('GET', `/api/v1/api-keys?sub=${emu.dev.id}`, { token: emu.dev.apiKey })).status).toBe(200);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=20.5', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1e3', 'limit'],
    ['limit=ten', 'limit'],
    ['sort=name', 'sort'],
    ['sort=--created', 'sort'],
    ['status=deleted', 'status'],
    ['startingAfter=nope', 'startingAfter'],
    ['startingAfter=3f1b1e1e-1111-4111-8111-111111111111', 'startingAfter'],
    [
      'startingAfter=3f1b1e1e-1111-4111-8111-111111111111&endingBefore=3f1b1e1e-1111-4111-8111-111111111112',
      'endingBefore',
    ],
  ])('rejects ?%s naming the parameter', async (query, parameter) => {
    const error = expectError(await emu.call('GET', `/api/v1/api-keys?${query}`, { as: emu.admin }), 400, /^APIKEYS-/);
    expect(error.source).toEqual({ parameter });
  });

  it('accepts all 15 sort values', async () => {
    for (const field of ['createdByUser', 'sub', 'status', 'description', 'created']) {
      for (const prefix of ['', '+', '-']) {
        const res = await emu.call('GET', `/api/v1/api-keys?sort=${encodeURIComponent(prefix + field)}`, {
          as: emu.admin,
        });
        expect(res.status, `${prefix}${field}`).toBe(200);
      }
    }
  });
});

describe('authentication', () => {
  it('answers 401 with the HTTP-401 body for missing or bad credentials', async () => {
    const tampered = emu.dev.apiKey.split('.');
    tampered[1] = Buffer.from(jwtPart(emu.dev.apiKey, 1).replace(emu.dev.id, emu.admin.id)).toString('base64url');
    const { privateKey } = await generateKeyPair('ES384');
    const header = JSON.parse(jwtPart(emu.admin.apiKey, 0));
    const forged = await new SignJWT(JSON.parse(jwtPart(emu.admin.apiKey, 1)))
      .setProtectedHeader(header)
      .sign(privateKey);
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer not-a-jwt' },
      { authorization: `Bearer ${tampered.join('.')}` },
      { authorization: `Bearer ${forged}` },
    ];
    for (const headers of cases) {
      const res = await emu.call('GET', '/api/v1/api-keys', { token: '', headers });
      expect(res.body).toEqual({
        errors: [{ code: 'HTTP-401', title: 'Unauthorized', status: '401' }],
        traceId: expect.any(String),
      });
      expect(res.status).toBe(401);
    }
  });

  it('refuses tokens of users who are not active', async () => {
    const disabled = await emu.control<{ apiKey: string }>('POST', 'users', {
      name: 'gone',
      roles: ['TenantAdmin'],
      status: 'disabled',
    });
    expectError(await emu.call('GET', '/api/v1/api-keys', { token: disabled.apiKey }), 401);
  });

  it('gives users made through the control API a working bootstrap key', async () => {
    const user = await emu.control<{ id: string; apiKey: string; email: string; roles: string[] }>('POST', 'users', {
      name: 'Jane Doe',
      email: 'jane@corp.example',
      roles: ['ManageApiKeys'],
    });
    expect(user).toMatchObject({ email: 'jane@corp.example', roles: ['ManageApiKeys'] });
    const res = await create(user.apiKey, { description: 'jane' });
    expect(res.body.sub).toBe(user.id);
  });
});

describe('configs', () => {
  const path = () => `/api/v1/api-keys/configs/${emu.tenantId}`;

  it('is readable by any user and shows Qlik’s defaults', async () => {
    const res = await emu.call('GET', path(), { token: emu.viewer.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      max_api_key_expiry: 'PT24H',
      max_keys_per_user: 5,
      scim_externalClient_expiry: 'P365D',
    });
    expectError(
      await emu.call('GET', '/api/v1/api-keys/configs/SomeOtherTenant0000000000000000', { as: emu.admin }),
      404,
    );
  });

  it('is changed by a TenantAdmin with a JSON Patch, and the change applies to new keys', async () => {
    expectError(
      await emu.call('PATCH', path(), {
        token: emu.dev.apiKey,
        body: [{ op: 'replace', path: '/max_keys_per_user', value: 9 }],
      }),
      403,
    );
    const res = await emu.call('PATCH', path(), {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/max_keys_per_user', value: 9 },
        { op: 'replace', path: '/max_api_key_expiry', value: 'P7D' },
        { op: 'replace', path: '/scim_externalClient_expiry', value: 'P30D' },
      ],
    });
    expect(res.status).toBe(204);
    expect((await emu.call('GET', path(), { as: emu.admin })).body).toEqual({
      max_api_key_expiry: 'P7D',
      max_keys_per_user: 9,
      scim_externalClient_expiry: 'P30D',
    });
    const key = (await create(emu.dev.apiKey, { description: 'week', expiry: 'P7D' })).body;
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(7 * 86_400_000);
    expectError(
      await emu.call('PATCH', '/api/v1/api-keys/configs/SomeOtherTenant0000000000000000', { as: emu.admin, body: [] }),
      404,
    );
  });

  it.each([
    [[{ op: 'replace', path: '/max_keys_per_user', value: 1001 }], '/0/value'],
    [[{ op: 'replace', path: '/max_keys_per_user', value: -1 }], '/0/value'],
    [[{ op: 'replace', path: '/max_keys_per_user', value: 1.5 }], '/0/value'],
    [[{ op: 'replace', path: '/max_keys_per_user', value: '5' }], '/0/value'],
    [[{ op: 'replace', path: '/max_api_key_expiry', value: 'P0D' }], '/0/value'],
    [[{ op: 'replace', path: '/scim_externalClient_expiry', value: 'soon' }], '/0/value'],
    [[{ op: 'replace', path: '/api_keys_enabled', value: true }], '/0/path'],
    [[{ op: 'add', path: '/max_keys_per_user', value: 3 }], '/0/op'],
    [
      [
        { op: 'replace', path: '/max_keys_per_user', value: 3 },
        { op: 'replace', path: '/max_api_key_expiry', value: 5 },
      ],
      '/1/value',
    ],
  ])('rejects %j and changes nothing', async (body, pointer) => {
    const error = expectError(await emu.call('PATCH', path(), { as: emu.admin, body }), 400);
    expect(error.source.pointer).toBe(pointer);
    expect((await emu.call('GET', path(), { as: emu.admin })).body.max_keys_per_user).toBe(5);
  });
});

describe('users, tenants and other routes', () => {
  it('redirects users/me with 301 to an absolute URL and serves the User shape', async () => {
    const me = await emu.call('GET', '/api/v1/users/me', { token: emu.dev.apiKey });
    expect(me.status).toBe(301);
    const user = await emu.call('GET', me.headers['location']!, { token: emu.dev.apiKey });
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({
      id: emu.dev.id,
      tenantId: emu.tenantId,
      name: 'dev',
      email: 'dev@example.com',
      status: 'active',
      assignedRoles: [
        { id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'ManageApiKeys', type: 'custom', level: 'user' },
      ],
      links: { self: { href: `${emu.url}/api/v1/users/${emu.dev.id}` } },
    });
    expect(user.body.subject).toEqual(expect.any(String));
    expect(user.body.createdAt).toMatch(ISO_MS);
    expect(user.body.lastUpdatedAt).toMatch(ISO_MS);
    const admin = await emu.call('GET', `/api/v1/users/${emu.admin.id}`, { as: emu.admin });
    expect(admin.body.assignedRoles[0]).toMatchObject({ name: 'TenantAdmin', type: 'default', level: 'admin' });
    expectError(await emu.call('GET', '/api/v1/users/0123456789abcdef01234567', { as: emu.admin }), 404, 'USERS-7');
    expectError(await emu.call('GET', '/api/v1/users/not-an-id', { as: emu.admin }), 404);
  });

  it('redirects tenants/me with 302 and serves the Tenant shape', async () => {
    const me = await emu.call('GET', '/api/v1/tenants/me', { token: emu.viewer.apiKey });
    expect(me.status).toBe(302);
    expect(me.headers['location']).toBe(`${emu.url}/api/v1/tenants/${emu.tenantId}`);
    const tenant = await emu.call('GET', me.headers['location']!, { token: emu.viewer.apiKey });
    expect(tenant.body).toMatchObject({
      id: emu.tenantId,
      name: expect.any(String),
      status: 'active',
      hostnames: ['127.0.0.1'],
    });
    expect(emu.tenantId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expectError(
      await emu.call('GET', '/api/v1/tenants/SomeOtherTenant0000000000000000', { as: emu.admin }),
      404,
      'TENANTS-8',
    );
  });

  it('answers 404 for product-info (so @qlik/api treats the emulator as Qlik Cloud) and unknown paths of emulated services', async () => {
    expectError(await emu.call('GET', '/resources/autogenerated/product-info.json', { token: '' }), 404, 'HTTP-404');
    expectError(await emu.call('GET', '/api/v1/api-keys/x/y', { as: emu.admin }), 404, 'HTTP-404');
    expectError(await emu.call('GET', '/api/v1/users/me/x', { as: emu.admin }), 404, 'HTTP-404');
  });

  it('answers 501 naming the operation for services it does not emulate (after authentication)', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/apps'],
      ['POST', '/api/v1/spaces'],
      ['GET', '/api/v2/api-keys'],
      ['DELETE', '/api/v1/items/abc'],
    ]) {
      const error = expectError(await emu.call(method!, path!, { as: emu.admin }), 501, 'HTTP-501');
      expect(error).toEqual({
        code: 'HTTP-501',
        title: 'Not Implemented',
        status: '501',
        detail: `${method} ${path} is not emulated by qlik-emulator`,
      });
    }
    expectError(await emu.call('GET', '/api/v1/apps', { token: '' }), 401);
  });

  it('answers 405 with an Allow header for a method an emulated path does not take', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/api/v1/api-keys', 'GET, POST, HEAD'],
      ['POST', '/api/v1/users/me', 'GET, HEAD'],
      ['PUT', '/api/v1/roles/608050f750afab80bd53586d', 'GET, PATCH, DELETE, HEAD'],
      ['GET', '/api/v1/users/actions/invite', 'POST'],
    ]) {
      const res = await emu.call(method!, path!, { as: emu.admin });
      expectError(res, 405, 'HTTP-405');
      expect(res.headers['allow'], `${method} ${path}`).toBe(allow);
    }
  });
});

describe('control API', () => {
  it('reset removes keys and restores bootstrap keys, config and the clock', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'temp' });
    const bootstrapId = JSON.parse(jwtPart(emu.dev.apiKey, 1)).jti;
    expect((await emu.call('DELETE', `/api/v1/api-keys/${bootstrapId}`, { token: emu.dev.apiKey })).status).toBe(204);
    expectError(await emu.call('GET', '/api/v1/users/me', { token: emu.dev.apiKey }), 401);
    await emu.control('PUT', 'config', { max_keys_per_user: 1 });
    await emu.control('POST', 'time', { offsetMs: 86_400_000 });
    await emu.reset();
    expect((await emu.call('GET', '/api/v1/users/me', { token: emu.dev.apiKey })).status).toBe(301);
    expectError(await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin }), 404);
    expect(await emu.ledger()).toEqual([]);
    expect((await emu.control<{ max_keys_per_user: number }>('GET', 'config')).max_keys_per_user).toBe(5);
    expect((await emu.control<{ offsetMs: number }>('GET', 'time')).offsetMs).toBe(0);
  });

  it('mints keys bypassing permission and quota', async () => {
    await emu.control('PUT', 'config', { max_keys_per_user: 0 });
    const key = await emu.control<Record<string, string>>('POST', 'keys', {
      userId: emu.viewer.id,
      description: 'minted',
      expiry: 'P30D',
    });
    expect(key).toMatchObject({
      sub: emu.viewer.id,
      createdByUser: emu.viewer.id,
      description: 'minted',
      status: 'active',
    });
    expect(Date.parse(key['expiry']!) - Date.parse(key['created']!)).toBe(30 * 86_400_000);
    expect((await emu.call('GET', '/api/v1/users/me', { token: key['token']! })).status).toBe(301);
    expect(await emu.ledger()).toEqual([]);
    await expect(emu.control('POST', 'keys', { userId: 'nobody' })).rejects.toThrow(/400/);
  });

  it('records requests with credentials redacted', async () => {
    await emu.control('DELETE', 'requests');
    await emu.call('GET', '/api/v1/api-keys?limit=3&sort=-created', {
      as: emu.admin,
      headers: { cookie: 'session=secret', 'x-trace': 'abc' },
    });
    await emu.call('GET', '/api/v1/api-keys', { token: '' });
    const log = await emu.requests();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/api-keys',
      query: { limit: '3', sort: '-created' },
      status: 200,
      authorization: true,
    });
    expect(log[0]!.headers).toMatchObject({ authorization: '**omitted**', cookie: '**omitted**', 'x-trace': 'abc' });
    expect(JSON.stringify(log)).not.toContain(emu.admin.apiKey);
    expect(log[1]).toMatchObject({ status: 401, authorization: false });
    expect(log[1]!.headers['authorization']).toBeUndefined();
    expect(log[1]!.seq).toBeGreaterThan(log[0]!.seq);
    expect(typeof log[0]!.ms).toBe('number');
    await emu.control('DELETE', 'requests');
    expect(await emu.requests()).toEqual([]);
  });

  it('records every created key in the ledger with its request number', async () => {
    const { body: key } = await create(emu.dev.apiKey, { description: 'ledgered' });
    const [entry] = await emu.ledger();
    const [logged] = (await emu.requests()).filter((r) => r.method === 'POST');
    expect(entry).toEqual({
      id: key.id,
      description: 'ledgered',
      sub: emu.dev.id,
      subType: 'user',
      createdByUser: emu.dev.id,
      created: key.created,
      requestSeq: logged!.seq,
      delivered: true,
      state: 'active',
    });
  });
});
