// The users write API (#21): create, patch, delete and invite, who may do each, and what happens to a user's
// API keys and OAuth tokens when the user is disabled, re-enabled or deleted.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator, type EmulatorUser } from '../../../test/kit/emulator.js';
import { expectUser } from './users-schema.js';
import { expectError, ISO_MS } from './util.js';

const USERS = '/api/v1/users';
const KEYS = '/api/v1/api-keys';
const emu = useEmulator();
let n = 0;

beforeAll(async () => {
  await emu.setConfig({ max_keys_per_user: 100 });
});
beforeEach(async () => {
  await emu.setConfig({ max_keys_per_user: 100 });
});

/** A fresh user with a bootstrap key (control API), so tests never change the seeded ones. */
function freshUser(roles: string[] = ['User']): Promise<EmulatorUser> {
  n += 1;
  return emu.addUser({ name: `person-${n}`, roles });
}

async function roleId(name: string): Promise<string> {
  const res = await emu.call('GET', `/api/v1/roles?filter=${encodeURIComponent(`name eq "${name}"`)}`, {
    as: emu.admin,
  });
  expect(res.status, res.text).toBe(200);
  return String(res.body.data[0].id);
}

describe('POST /api/v1/users', () => {
  it('creates an invited user with roles by name and by id, and shows it', async () => {
    const id = await roleId('AnalyticsAdmin');
    const res = await emu.call('POST', USERS, {
      as: emu.admin,
      body: {
        subject: 'idp|new-1',
        name: 'New One',
        email: 'new.one@corp.example',
        assignedRoles: [{ name: 'ManageApiKeys' }, { id }],
      },
    });
    expect(res.status, res.text).toBe(201);
    expectUser(res.body);
    expect(res.body).toMatchObject({
      name: 'New One',
      email: 'new.one@corp.example',
      subject: 'idp|new-1',
      status: 'invited',
      tenantId: emu.tenantId,
      assignedRoles: [
        { name: 'ManageApiKeys', type: 'custom', level: 'user' },
        { id, name: 'AnalyticsAdmin', type: 'default', level: 'admin' },
      ],
    });
    expect(res.body.createdAt).toMatch(ISO_MS);
    expect(res.body.inviteExpiry).toBe(Math.floor(Date.parse(res.body.createdAt) / 1000) + 7 * 24 * 3600);
    const got = await emu.call('GET', `${USERS}/${res.body.id}`, { as: emu.admin });
    expect(got.body).toMatchObject({ id: res.body.id, status: 'invited', inviteExpiry: res.body.inviteExpiry });
  });

  it('answers 409 for a subject that exists, 400 for bad bodies and unknown roles, 403 for non-admins', async () => {
    expect((await emu.call('POST', USERS, { as: emu.admin, body: { subject: 'idp|dup' } })).status).toBe(201);
    expectError(
      await emu.call('POST', USERS, { as: emu.admin, body: { subject: 'idp|dup', name: 'again' } }),
      409,
      'USERS-5',
    );
    const cases: [unknown, string][] = [
      [{ name: 'no subject' }, '/subject'],
      [{ subject: 'x', status: 'active' }, '/status'],
      [{ subject: 'x', email: 'not-an-email' }, '/email'],
      [{ subject: 'x', assignedRoles: [{ name: 'tenantadmin' }] }, '/assignedRoles/0'],
      [{ subject: 'x', assignedRoles: [{ id: '0123456789abcdef01234567' }] }, '/assignedRoles/0'],
      [{ subject: 'x', assignedRoles: 'TenantAdmin' }, '/assignedRoles'],
      [{ subject: 'x', tenantId: 'another' }, '/tenantId'],
      [{ subject: 'x', bogus: 1 }, '/bogus'],
      [[], ''],
    ];
    for (const [body, pointer] of cases) {
      const error = expectError(await emu.call('POST', USERS, { as: emu.admin, body }), 400, 'USERS-3');
      expect(error.source.pointer, JSON.stringify(body)).toBe(pointer);
    }
    expectError(await emu.call('POST', USERS, { token: emu.dev.apiKey, body: { subject: 'idp|x' } }), 403, 'USERS-4');
    expectError(
      await emu.call('POST', USERS, { token: emu.viewer.apiKey, body: { subject: 'idp|x' } }),
      403,
      'USERS-4',
    );
  });
});

describe('PATCH /api/v1/users/{id}', () => {
  it('applies the documented paths and ops, all or nothing', async () => {
    const user = await freshUser(['User']);
    const tenantAdminId = await roleId('TenantAdmin');
    const res = await emu.call('PATCH', `${USERS}/${user.id}`, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/name', value: 'Renamed' },
        { op: 'replace', path: '/email', value: 'renamed@corp.example' },
        { op: 'replace', path: '/preferredLocale', value: 'en_US_POSIX' },
        { op: 'replace', path: '/preferredZoneinfo', value: 'America/Halifax' },
        { op: 'replace', path: '/assignedRoles', value: [{ name: 'DataAdmin' }] },
        { op: 'add', path: '/assignedRoles/-', value: { id: tenantAdminId } },
        { op: 'remove-value', path: '/assignedRoles', value: { name: 'DataAdmin' } },
      ],
    });
    expect(res.status, res.text).toBe(204);
    const got = await emu.call('GET', `${USERS}/${user.id}`, { as: emu.admin });
    expectUser(got.body);
    expect(got.body).toMatchObject({
      name: 'Renamed',
      email: 'renamed@corp.example',
      preferredLocale: 'en_US_POSIX',
      preferredZoneinfo: 'America/Halifax',
      assignedRoles: [{ id: tenantAdminId, name: 'TenantAdmin', type: 'default', level: 'admin' }],
    });
    // A bad step later in the array leaves the user untouched.
    const bad = await emu.call('PATCH', `${USERS}/${user.id}`, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/name', value: 'Not applied' },
        { op: 'replace', path: '/status', value: 'deleted' },
      ],
    });
    expect(expectError(bad, 400, 'USERS-3').source.pointer).toBe('/1/value');
    expect((await emu.call('GET', `${USERS}/${user.id}`, { as: emu.admin })).body.name).toBe('Renamed');
  });

  it('validates op, path and value, and answers 404 for an unknown user', async () => {
    const user = await freshUser();
    for (const [body, pointer] of [
      [{ op: 'replace', path: '/name', value: 'x' }, ''],
      [[], ''],
      [[{ op: 'move', path: '/name', value: 'x' }], '/0/op'],
      [[{ op: 'replace', path: '/subject', value: 'x' }], '/0/path'],
      [[{ op: 'replace', path: '/name' }], '/0/value'],
      [[{ op: 'replace', path: '/name', value: 3 }], '/0/value'],
      [[{ op: 'replace', path: '/assignedRoles', value: [{ name: 'NoSuchRole' }] }], '/0/value/0'],
      [[{ op: 'renew', path: '/inviteExpiry' }], '/0'],
    ] as const) {
      const error = expectError(
        await emu.call('PATCH', `${USERS}/${user.id}`, { as: emu.admin, body }),
        400,
        'USERS-3',
      );
      expect(error.source.pointer, JSON.stringify(body)).toBe(pointer);
    }
    expectError(
      await emu.call('PATCH', `${USERS}/0123456789abcdef01234567`, {
        as: emu.admin,
        body: [{ op: 'replace', path: '/name', value: 'x' }],
      }),
      404,
      'USERS-7',
    );
  });

  it('lets a user change only their own preferences; admins keep at least one TenantAdmin', async () => {
    const user = await freshUser();
    const other = await freshUser();
    const locale = [{ op: 'replace', path: '/preferredLocale', value: 'sv' }];
    expect((await emu.call('PATCH', `${USERS}/${user.id}`, { token: user.apiKey, body: locale })).status).toBe(204);
    const name = [{ op: 'replace', path: '/name', value: 'me' }];
    expectError(await emu.call('PATCH', `${USERS}/${user.id}`, { token: user.apiKey, body: name }), 403, 'USERS-4');
    expectError(await emu.call('PATCH', `${USERS}/${other.id}`, { token: user.apiKey, body: locale }), 403, 'USERS-4');
    const drop = [{ op: 'replace', path: '/assignedRoles', value: [] }];
    expectError(await emu.call('PATCH', `${USERS}/${emu.admin.id}`, { as: emu.admin, body: drop }), 400, 'USERS-3');
    expectError(await emu.call('DELETE', `${USERS}/${emu.admin.id}`, { as: emu.admin }), 400, 'USERS-3');
  });

  it('renews an invitation', async () => {
    const started = Date.now();
    const made = await emu.call('POST', USERS, { as: emu.admin, body: { subject: 'idp|renew' } });
    await emu.setTime({ offsetMs: 3 * 24 * 3600 * 1000 });
    expect(
      (
        await emu.call('PATCH', `${USERS}/${made.body.id}`, {
          as: emu.admin,
          body: [{ op: 'renew', path: '/inviteExpiry', value: '' }],
        })
      ).status,
    ).toBe(204);
    const got = await emu.call('GET', `${USERS}/${made.body.id}`, { as: emu.admin });
    // Three days later than the first expiry, plus the real time between the two requests: the expiry is in whole
    // seconds, so a second boundary crossed between them adds one.
    const later = Number(got.body.inviteExpiry) - (Number(made.body.inviteExpiry) + 3 * 24 * 3600);
    expect(later).toBeGreaterThanOrEqual(0);
    expect(later).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
  });
});

describe("a user's keys and tokens", () => {
  it('disabling refuses the keys; re-enabling restores those that have not expired', async () => {
    const user = await freshUser(['ManageApiKeys']);
    const short = await emu.call('POST', KEYS, { token: user.apiKey, body: { description: 'short', expiry: 'PT1H' } });
    expect(short.status, short.text).toBe(201);
    const status = (value: string) => [{ op: 'replace', path: '/status', value }];
    expect((await emu.call('PATCH', `${USERS}/${user.id}`, { as: emu.admin, body: status('disabled') })).status).toBe(
      204,
    );
    expectError(await emu.call('GET', `${USERS}/me`, { token: user.apiKey }), 401);
    expectError(await emu.call('GET', `${USERS}/me`, { token: short.body.token }), 401);
    await emu.setTime({ offsetMs: 2 * 3600 * 1000 });
    expect((await emu.call('PATCH', `${USERS}/${user.id}`, { as: emu.admin, body: status('active') })).status).toBe(
      204,
    );
    expect((await emu.call('GET', `${USERS}/me`, { token: user.apiKey })).status).toBe(301);
    expectError(await emu.call('GET', `${USERS}/me`, { token: short.body.token }), 401, 'APIKEYS-18');
  });

  it('deleting a user revokes their keys and OAuth tokens, once; a retried delete answers 404', async () => {
    const user = await freshUser(['ManageApiKeys']);
    const key = await emu.call('POST', KEYS, { token: user.apiKey, body: { description: 'to be revoked' } });
    expect(key.status).toBe(201);
    expect((await emu.call('DELETE', `${USERS}/${user.id}`, { token: emu.dev.apiKey })).status).toBe(403);
    const del = await emu.call('DELETE', `${USERS}/${user.id}`, { as: emu.admin });
    expect(del.status, del.text).toBe(204);
    expectError(await emu.call('GET', `${USERS}/${user.id}`, { as: emu.admin }), 404, 'USERS-7');
    expectError(await emu.call('GET', `${USERS}/me`, { token: key.body.token }), 401);
    const listed = await emu.call('GET', `${KEYS}?sub=${user.id}`, { as: emu.admin });
    expect(listed.body.data.map((k: { status: string }) => k.status).sort()).toEqual(['revoked', 'revoked']);
    const lastUpdated = listed.body.data.map((k: { lastUpdated: string }) => k.lastUpdated);
    expectError(await emu.call('DELETE', `${USERS}/${user.id}`, { as: emu.admin }), 404, 'USERS-7');
    const again = await emu.call('GET', `${KEYS}?sub=${user.id}`, { as: emu.admin });
    expect(again.body.data.map((k: { lastUpdated: string }) => k.lastUpdated)).toEqual(lastUpdated);
  });

  it("deleting an OAuth client's bot user revokes its access tokens", async () => {
    const client = emu.oauthClients[0]!;
    const token = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });
    expect(token.status).toBe(200);
    const access = ((await token.json()) as { access_token: string }).access_token;
    expect((await emu.call('GET', `${USERS}/me`, { token: access })).status).toBe(301);
    expect((await emu.call('DELETE', `${USERS}/${client.userId}`, { as: emu.admin })).status).toBe(204);
    expectError(await emu.call('GET', `${USERS}/me`, { token: access }), 401);
  });

  it('losing the "Manage API keys" role stops new keys at once; existing keys keep working until revoked', async () => {
    const user = await freshUser(['ManageApiKeys']);
    const key = await emu.call('POST', KEYS, { token: user.apiKey, body: { description: 'before' } });
    expect(key.status).toBe(201);
    const drop = [{ op: 'remove-value', path: '/assignedRoles', value: { name: 'ManageApiKeys' } }];
    expect((await emu.call('PATCH', `${USERS}/${user.id}`, { as: emu.admin, body: drop })).status).toBe(204);
    expectError(await emu.call('POST', KEYS, { token: user.apiKey, body: { description: 'after' } }), 403, 'APIKEYS-5');
    expectError(
      await emu.call('POST', KEYS, { token: key.body.token, body: { description: 'after' } }),
      403,
      'APIKEYS-5',
    );
    expect((await emu.call('GET', `${USERS}/me`, { token: key.body.token })).status).toBe(301);
    const give = [{ op: 'add', path: '/assignedRoles/-', value: { name: 'ManageApiKeys' } }];
    expect((await emu.call('PATCH', `${USERS}/${user.id}`, { as: emu.admin, body: give })).status).toBe(204);
    expect((await emu.call('POST', KEYS, { token: user.apiKey, body: { description: 'again' } })).status).toBe(201);
  });
});

describe('POST /api/v1/users/actions/invite', () => {
  it('invites new emails, reports existing users, and resends to invited ones', async () => {
    const active = await freshUser();
    const res = await emu.call('POST', `${USERS}/actions/invite`, {
      as: emu.admin,
      body: { invitees: [{ email: 'guest@corp.example', name: 'Guest', language: 'en' }, { email: active.email }] },
    });
    expect(res.status, res.text).toBe(207);
    const [guest, existing] = res.body.data;
    expect(guest).toEqual({
      status: 'ok',
      email: 'guest@corp.example',
      subject: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(existing).toEqual({ status: 'exists', email: active.email, subject: expect.any(String), userId: active.id });
    expect((await emu.call('GET', `${USERS}/${guest.userId}`, { as: emu.admin })).body).toMatchObject({
      name: 'Guest',
      status: 'invited',
    });
    const again = await emu.call('POST', `${USERS}/actions/invite`, {
      as: emu.admin,
      body: {
        invitees: [
          { email: 'GUEST@corp.example' },
          { email: 'guest@corp.example', resend: true },
          { email: active.email, resend: true },
        ],
      },
    });
    expect(again.status).toBe(207);
    expect(again.body.data.map((d: { status: string }) => d.status)).toEqual(['exists', 'ok', 'error']);
    expect(again.body.data[2]).toMatchObject({
      code: '1001',
      title: 'Active User',
      status: 'error',
      email: active.email,
    });
  });

  it('refuses bad bodies (400) and non-admins (403)', async () => {
    for (const body of [{}, { invitees: [] }, { invitees: [{ name: 'x' }] }, { invitees: [{ email: 'nope' }] }]) {
      expectError(await emu.call('POST', `${USERS}/actions/invite`, { as: emu.admin, body }), 400, 'USERS-3');
    }
    expectError(
      await emu.call('POST', `${USERS}/actions/invite`, {
        token: emu.dev.apiKey,
        body: { invitees: [{ email: 'a@b.example' }] },
      }),
      403,
      'USERS-4',
    );
  });
});
