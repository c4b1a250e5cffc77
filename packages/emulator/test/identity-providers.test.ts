// The identity-providers service: the seeded Entra ID IdP, list (active, limit, next/prev), create (OIDC,
// SAML, jwtAuth; pendingOptions or options with skipVerify), get with QLIK-IDP-POPTS, patch (replace,
// promote-options and its 412s, activation rules), delete (400 for the active interactive IdP), status,
// me/meta, .well-known/metadata.json, who may do what, and reset.
import { describe, expect, it } from 'vitest';
import { startEmulator, useEmulator, type CallResponse } from '../../../test/kit/emulator.js';
import { expectError, ISO_MS } from './util.js';

const BASE = '/api/v1/identity-providers';
const emu = useEmulator();

const OIDC_PENDING = {
  protocol: 'OIDC',
  provider: 'okta',
  interactive: true,
  description: 'okta test',
  pendingOptions: {
    clientId: 'client-1',
    clientSecret: 'secret-1',
    discoveryUrl: 'https://okta.example/.well-known/openid-configuration',
    claimsMapping: { sub: ['/sub'], name: ['/name'] },
  },
};
const JWT = {
  protocol: 'jwtAuth' as const,
  provider: 'external',
  description: 'jwt',
  options: { issuer: 'https://issuer.example', staticKeys: [{ kid: 'k1', pem: '-----BEGIN PUBLIC KEY-----' }] },
};
const SAML = {
  protocol: 'SAML',
  provider: 'adfs',
  interactive: true,
  skipVerify: true,
  options: {
    entityId: 'https://adfs.example/entity',
    signOnUrl: 'https://adfs.example/sso',
    certificates: [{ certificate: 'MIIC...' }],
    claimsMapping: { sub: ['nameid'], name: ['name'], email: ['email'], picture: ['pic'], groups: ['groups'] },
  },
};

function create(body: unknown, token = emu.admin.apiKey): Promise<CallResponse> {
  return emu.call('POST', BASE, { body, token });
}

async function seeded(): Promise<{ id: string; [k: string]: unknown }> {
  const res = await emu.call('GET', BASE, { as: emu.admin });
  return res.body.data[0] as { id: string; [k: string]: unknown };
}

describe('the seed', () => {
  it('has one active interactive Entra ID IdP over OIDC', async () => {
    const res = await emu.call('GET', BASE, { as: emu.admin });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    const idp = res.body.data[0];
    expect(idp).toMatchObject({
      protocol: 'OIDC',
      provider: 'azureAD',
      interactive: true,
      active: true,
      tenantIds: [emu.tenantId],
      clockToleranceSec: 5,
    });
    expect(idp.id).toMatch(/^[0-9a-f]{24}$/);
    expect(idp.created).toMatch(ISO_MS);
    expect(idp.options.claimsMapping).toBeTypeOf('object');
    expect(res.body.links.self.href).toBe(`${emu.url}${BASE}`);
  });

  it('takes other IdPs from a seed, with ids, and [] for none', async () => {
    const other = await startEmulator({ seed: { identityProviders: [{ id: 'jwt-1', active: true, ...JWT }] } });
    const none = await startEmulator({ seed: { identityProviders: [] } });
    try {
      const res = await other.call('GET', BASE, { as: other.admin });
      expect(res.body.data.map((i: { id: string }) => i.id)).toEqual(['jwt-1']);
      expect((await none.call('GET', BASE, { as: none.admin })).body.data).toEqual([]);
    } finally {
      await Promise.all([other.stop(), none.stop()]);
    }
  });

  it('refuses a seed with an invalid IdP, naming where', async () => {
    await expect(
      startEmulator({ seed: { identityProviders: [{ protocol: 'OIDC', provider: 'nope' } as never] } }),
    ).rejects.toThrow(/identityProviders\/0\/provider/);
  });
});

describe('create', () => {
  it('creates an interactive OIDC IdP with pendingOptions: inactive, pending, with QLIK-IDP-POPTS', async () => {
    const res = await create(OIDC_PENDING);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      protocol: 'OIDC',
      provider: 'okta',
      interactive: true,
      active: false,
      pendingState: 'pending',
      pendingOptions: OIDC_PENDING.pendingOptions,
      createNewUsersOnLogin: true,
    });
    expect(res.body.options).toBeUndefined();
    expect(res.headers['qlik-idp-popts']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const got = await emu.call('GET', `${BASE}/${res.body.id}`, { as: emu.admin });
    expect(got.body).toEqual(res.body);
    expect(got.headers['qlik-idp-popts']).toBe(res.headers['qlik-idp-popts']);
  });

  it('creates SAML (options with skipVerify) and jwtAuth (active at once) IdPs', async () => {
    const saml = await create(SAML);
    expect(saml.status, saml.text).toBe(201);
    expect(saml.body).toMatchObject({ protocol: 'SAML', interactive: true, active: false, options: SAML.options });
    expect(saml.headers['qlik-idp-popts']).toBeUndefined();
    const jwt = await create(JWT);
    expect(jwt.status, jwt.text).toBe(201);
    expect(jwt.body).toMatchObject({ protocol: 'jwtAuth', provider: 'external', interactive: false, active: true });
  });

  it.each([
    [{ ...OIDC_PENDING, protocol: 'LDAP' }, '/protocol'],
    [{ ...OIDC_PENDING, provider: 'external' }, '/provider'],
    [{ ...OIDC_PENDING, interactive: undefined }, '/interactive'],
    [{ ...OIDC_PENDING, pendingOptions: undefined, options: OIDC_PENDING.pendingOptions }, '/skipVerify'],
    [{ ...OIDC_PENDING, pendingOptions: { clientId: 'c', claimsMapping: {} } }, '/pendingOptions/clientSecret'],
    [{ ...OIDC_PENDING, pendingOptions: { ...OIDC_PENDING.pendingOptions, realm: '-bad' } }, '/pendingOptions/realm'],
    [{ ...OIDC_PENDING, description: 'x'.repeat(129) }, '/description'],
    [{ ...OIDC_PENDING, clockToleranceSec: 7201 }, '/clockToleranceSec'],
    [{ ...OIDC_PENDING, colour: 'red' }, '/colour'],
    [{ ...SAML, interactive: false }, '/interactive'],
    [{ ...SAML, options: { ...SAML.options, claimsMapping: { sub: ['x'] } } }, '/options/claimsMapping/name'],
    [{ ...JWT, options: { ...JWT.options, staticKeys: [] } }, '/options/staticKeys'],
    [{ ...JWT, interactive: true }, '/interactive'],
    [[], ''],
  ])('answers 400 IDPS-1 naming the field (%#)', async (body, pointer) => {
    const error = expectError(await create(body), 400, 'IDPS-1');
    expect(error.source.pointer).toBe(pointer);
    expect(error.status).toBe(400);
  });

  it('answers malformed JSON with its own code, and 403 to non-admins and for another tenant', async () => {
    expectError(
      await emu.call('POST', BASE, {
        as: emu.admin,
        body: '{"protocol":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'IDPS-7',
    );
    expectError(await create(JWT, emu.dev.apiKey), 403, 'IDPS-3');
    expectError(await create({ ...JWT, tenantIds: ['SomeOtherTenant'] }), 403, 'IDPS-3');
    expect((await create({ ...JWT, tenantIds: [emu.tenantId] })).status).toBe(201);
  });
});

describe('list', () => {
  it('filters by active and pages with next/prev cursors and links', async () => {
    const made: string[] = [(await seeded()).id];
    for (let i = 0; i < 4; i++) made.push((await create({ ...JWT, description: `jwt ${i}` })).body.id);
    made.push((await create(OIDC_PENDING)).body.id);
    const inactive = await emu.call('GET', `${BASE}?active=false`, { as: emu.admin });
    expect(inactive.body.data.map((i: { id: string }) => i.id)).toEqual([made[5]]);
    expect((await emu.call('GET', `${BASE}?active=true`, { as: emu.admin })).body.data).toHaveLength(5);

    const first = await emu.call('GET', `${BASE}?limit=2`, { as: emu.admin });
    expect(first.body.data.map((i: { id: string }) => i.id)).toEqual(made.slice(0, 2));
    expect(first.body.links.prev).toBeUndefined();
    const second = await emu.call('GET', first.body.links.next.href, { as: emu.admin });
    expect(second.body.data.map((i: { id: string }) => i.id)).toEqual(made.slice(2, 4));
    expect(second.body.links.self.href).toBe(first.body.links.next.href);
    const third = await emu.call('GET', second.body.links.next.href, { as: emu.admin });
    expect(third.body.data.map((i: { id: string }) => i.id)).toEqual(made.slice(4, 6));
    expect(third.body.links.next).toBeUndefined();
    const back = await emu.call('GET', third.body.links.prev.href, { as: emu.admin });
    expect(back.body.data.map((i: { id: string }) => i.id)).toEqual(made.slice(2, 4));
  });

  it.each([
    ['active=maybe', 'active'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['next=abc', 'next'],
    ['next=a&prev=b', 'prev'],
  ])('answers 400 IDPS-2 for %s', async (query, parameter) => {
    expect(
      expectError(await emu.call('GET', `${BASE}?${query}`, { as: emu.admin }), 400, 'IDPS-2').source.parameter,
    ).toBe(parameter);
  });

  it('is for TenantAdmins only', async () => {
    expectError(await emu.call('GET', BASE, { token: emu.viewer.apiKey }), 403, 'IDPS-3');
    expectError(await emu.call('GET', `${BASE}/${(await seeded()).id}`, { token: emu.dev.apiKey }), 403, 'IDPS-3');
    expectError(await emu.call('GET', `${BASE}/status`, { token: emu.dev.apiKey }), 403, 'IDPS-3');
  });
});

describe('patch', () => {
  it('replaces documented paths, all operations or none', async () => {
    const { body } = await create(OIDC_PENDING);
    const url = `${BASE}/${body.id}`;
    const ok = await emu.call('PATCH', url, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/description', value: 'renamed' },
        { op: 'replace', path: '/pendingOptions/clientId', value: 'client-2' },
        { op: 'replace', path: '/clockToleranceSec', value: 30 },
      ],
    });
    expect(ok.status, ok.text).toBe(204);
    const got = (await emu.call('GET', url, { as: emu.admin })).body;
    expect(got).toMatchObject({ description: 'renamed', clockToleranceSec: 30 });
    expect(got.pendingOptions.clientId).toBe('client-2');
    const bad = await emu.call('PATCH', url, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/description', value: 'never' },
        { op: 'replace', path: '/clockToleranceSec', value: -1 },
      ],
    });
    expect(expectError(bad, 400, 'IDPS-1').source.pointer).toBe('/1/value');
    expect((await emu.call('GET', url, { as: emu.admin })).body.description).toBe('renamed');
    expect(
      expectError(
        await emu.call('PATCH', url, { as: emu.admin, body: [{ op: 'replace', path: '/protocol', value: 'SAML' }] }),
        400,
      ).source.pointer,
    ).toBe('/0/path');
    expect(
      expectError(
        await emu.call('PATCH', url, { as: emu.admin, body: [{ op: 'add', path: '/description', value: 'x' }] }),
        400,
      ).source.pointer,
    ).toBe('/0/op');
  });

  it('promotes pendingOptions only with the matching QLIK-IDP-POPTS-MATCH header (412 otherwise)', async () => {
    const created = await create(OIDC_PENDING);
    const url = `${BASE}/${created.body.id}`;
    const promote = [{ op: 'promote-options' }];
    expectError(await emu.call('PATCH', url, { as: emu.admin, body: promote }), 412, 'IDPS-6');
    const wrong = { 'qlik-idp-popts-match': '00000000-0000-4000-8000-000000000000' };
    expectError(await emu.call('PATCH', url, { as: emu.admin, body: promote, headers: wrong }), 412, 'IDPS-6');
    // A change of the pending options changes the hash: the old one no longer matches.
    const old = created.headers['qlik-idp-popts']!;
    await emu.call('PATCH', url, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/pendingOptions/clientId', value: 'c2' }],
    });
    const current = (await emu.call('GET', url, { as: emu.admin })).headers['qlik-idp-popts']!;
    expect(current).not.toBe(old);
    expectError(
      await emu.call('PATCH', url, { as: emu.admin, body: promote, headers: { 'qlik-idp-popts-match': old } }),
      412,
    );
    const ok = await emu.call('PATCH', url, {
      as: emu.admin,
      body: promote,
      headers: { 'qlik-idp-popts-match': current },
    });
    expect(ok.status, ok.text).toBe(204);
    const got = await emu.call('GET', url, { as: emu.admin });
    expect(got.body).toMatchObject({ pendingState: 'verified', options: { clientId: 'c2' } });
    expect(got.body.pendingOptions).toBeUndefined();
    expect(got.headers['qlik-idp-popts']).toBeUndefined();
    expectError(
      await emu.call('PATCH', url, { as: emu.admin, body: promote, headers: { 'qlik-idp-popts-match': current } }),
      400,
      'IDPS-5',
    );
  });

  it('activates an interactive IdP only with options and while no other interactive IdP is active', async () => {
    const seed = await seeded();
    const saml = await create(SAML);
    const activate = (id: string, value: boolean): Promise<CallResponse> =>
      emu.call('PATCH', `${BASE}/${id}`, { as: emu.admin, body: [{ op: 'replace', path: '/active', value }] });
    expect(expectError(await activate(saml.body.id, true), 400, 'IDPS-5').detail).toContain(seed.id);
    const pending = await create(OIDC_PENDING);
    expect((await activate(seed.id, false)).status).toBe(204);
    expectError(await activate(pending.body.id, true), 400, 'IDPS-5');
    expect((await activate(saml.body.id, true)).status).toBe(204);
    const status = await emu.call('GET', `${BASE}/status`, { as: emu.admin });
    expect(status.body).toEqual({
      idps_metadata: [
        { active: false, provider: 'azureAD', interactive: true },
        { active: true, provider: 'adfs', interactive: true },
        { active: false, provider: 'okta', interactive: true },
      ],
      active_interactive_idps_count: 1,
    });
  });

  it('lets a jwtAuth IdP change only its description', async () => {
    const { body } = await create(JWT);
    const url = `${BASE}/${body.id}`;
    expect(
      (await emu.call('PATCH', url, { as: emu.admin, body: [{ op: 'replace', path: '/description', value: 'd' }] }))
        .status,
    ).toBe(204);
    expectError(
      await emu.call('PATCH', url, { as: emu.admin, body: [{ op: 'replace', path: '/active', value: false }] }),
      400,
    );
    expectError(await emu.call('PATCH', url, { as: emu.admin, body: [{ op: 'promote-options' }] }), 400);
  });
});

describe('delete, status, me/meta, .well-known', () => {
  it("refuses to delete the tenant's interactive IdP and deletes others", async () => {
    const seed = await seeded();
    const err = expectError(await emu.call('DELETE', `${BASE}/${seed.id}`, { as: emu.admin }), 400, 'IDPS-5');
    expect(err.detail).toBe("The interactive IdP for the tenant can't be deleted.");
    const jwt = await create(JWT);
    expect((await emu.call('DELETE', `${BASE}/${jwt.body.id}`, { as: emu.admin })).status).toBe(204);
    expectError(await emu.call('GET', `${BASE}/${jwt.body.id}`, { as: emu.admin }), 404, 'IDPS-4');
    expectError(await emu.call('DELETE', `${BASE}/${jwt.body.id}`, { as: emu.admin }), 404, 'IDPS-4');
    expectError(await emu.call('DELETE', `${BASE}/${seed.id}`, { token: emu.dev.apiKey }), 403, 'IDPS-3');
  });

  it('gives the portal links of me/meta only while no interactive IdP is active', async () => {
    expect((await emu.call('GET', `${BASE}/me/meta`, { token: emu.viewer.apiKey })).body).toEqual({});
    const seed = await seeded();
    await emu.call('PATCH', `${BASE}/${seed.id}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/active', value: false }],
    });
    const meta = await emu.call('GET', `${BASE}/me/meta`, { token: emu.viewer.apiKey });
    expect(meta.body).toEqual({ userPortalLink: expect.any(String), upgradeSubscriptionLink: expect.any(String) });
  });

  it('serves .well-known/metadata.json to any user', async () => {
    const res = await emu.call('GET', `${BASE}/.well-known/metadata.json`, { token: emu.viewer.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.protocols).toEqual(['OIDC', 'SAML', 'jwtAuth']);
  });

  it('restores the seeded IdPs on reset, with the same ids', async () => {
    const seed = await seeded();
    await create(JWT);
    await emu.call('PATCH', `${BASE}/${seed.id}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/description', value: 'x' }],
    });
    await emu.reset();
    const list = (await emu.call('GET', BASE, { as: emu.admin })).body.data;
    expect(list).toEqual([seed]);
  });
});

describe('control API', () => {
  it('lists and adds IdPs (one active interactive IdP at most)', async () => {
    const added = await emu.addIdentityProvider({ ...JWT, active: false });
    expect(added.active).toBe(false);
    expect((await emu.identityProviders()).map((i) => i.id)).toEqual([(await seeded()).id, added.id]);
    await expect(
      emu.control('POST', 'identity-providers', { ...SAML, skipVerify: undefined, active: true }),
    ).rejects.toThrow(/one interactive/);
  });
});
