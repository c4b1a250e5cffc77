// The SCIM 2.0 service at /api/v1/scim/v2: authentication bound to an IdP's externalClient key, discovery,
// Users (filter, paging, projection, create, get, replace, PATCH as Microsoft Entra ID sends it, delete),
// Groups with members, errors in SCIM's shape, and provisioned users as the users API shows them.
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator, type CallResponse } from '../../../test/kit/emulator.js';

const SCIM = '/api/v1/scim/v2';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const emu = useEmulator();
let idpId: string;
let token: string;
let keyId: string;

async function scimKey(sub: string): Promise<{ id: string; token: string }> {
  const res = await emu.call('POST', '/api/v1/api-keys', {
    as: emu.admin,
    body: { description: 'scim', subType: 'externalClient', sub },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; token: string };
}

beforeEach(async () => {
  idpId = ((await emu.call('GET', '/api/v1/identity-providers', { as: emu.admin })).body.data[0] as { id: string }).id;
  ({ id: keyId, token } = await scimKey(`SCIM\\${idpId}`));
});

function scim(method: string, path: string, body?: unknown, as = token): Promise<CallResponse> {
  return emu.call(method, `${SCIM}${path}`, {
    token: as,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }),
  });
}

function expectScimError(res: CallResponse, status: number, scimType?: string): { detail: string } {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
  expect(res.body.schemas).toEqual([ERROR]);
  expect(res.body.status).toBe(String(status));
  if (scimType !== undefined) expect(res.body.scimType).toBe(scimType);
  expect(typeof res.body.detail).toBe('string');
  return res.body as { detail: string };
}

/** Entra ID's POST /Users (Microsoft's tutorial, with its explicit nulls and empty roles). */
function entraUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    title: null,
    roles: [],
    ...extra,
  };
}

async function createUser(userName: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await scim('POST', '/Users', entraUser(userName, extra));
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, unknown>;
}

describe('authentication', () => {
  it('accepts the SCIM key of an active IdP, with one or two backslashes', async () => {
    const res = await scim('GET', '/Users');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    const two = await scimKey(`SCIM\\\\${idpId}`);
    expect((await scim('GET', '/Users', undefined, two.token)).status).toBe(200);
  });

  it("answers a user's key and an OAuth token with 403, no or a bad token with 401, in SCIM's shape", async () => {
    expectScimError(await scim('GET', '/Users', undefined, emu.admin.apiKey), 403);
    const client = emu.oauthClient('m2m');
    const tokenRes = await emu.call('POST', '/oauth/token', {
      token: '',
      body: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
    });
    expectScimError(await scim('GET', '/Users', undefined, tokenRes.body.access_token as string), 403);
    expectScimError(await scim('GET', '/Users', undefined, ''), 401);
    expectScimError(await scim('GET', '/Users', undefined, 'not.a.token'), 401);
  });

  it('refuses a revoked key at the very next request, and an expired one', async () => {
    expect((await scim('GET', '/Users')).status).toBe(200);
    expect((await emu.call('DELETE', `/api/v1/api-keys/${keyId}`, { as: emu.admin })).status).toBe(204);
    expectScimError(await scim('GET', '/Users'), 401);
    const other = await scimKey(`SCIM\\${idpId}`);
    await emu.setTime({ offsetMs: 366 * 86_400_000 });
    expectScimError(await scim('GET', '/Users', undefined, other.token), 401);
  });

  it('refuses the keys of an IdP that is deactivated or deleted', async () => {
    const idps = '/api/v1/identity-providers';
    await emu.call('PATCH', `${idps}/${idpId}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/active', value: false }],
    });
    expect(expectScimError(await scim('GET', '/Users'), 401).detail).toContain('not active');
    await emu.call('PATCH', `${idps}/${idpId}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/active', value: true }],
    });
    expect((await scim('GET', '/Users')).status).toBe(200);
    await emu.call('PATCH', `${idps}/${idpId}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/active', value: false }],
    });
    expect((await emu.call('DELETE', `${idps}/${idpId}`, { as: emu.admin })).status).toBe(204);
    expect(expectScimError(await scim('GET', '/Users'), 401).detail).toContain('no longer exists');
  });

  it('keeps refusing SCIM keys everywhere else', async () => {
    expect((await emu.call('GET', '/api/v1/users', { token })).status).toBe(403);
    expect((await emu.call('GET', '/api/v1/identity-providers', { token })).status).toBe(403);
    expect((await emu.call('GET', '/api/v1/groups', { token })).status).toBe(403);
  });

  it('answers an unknown SCIM path with a SCIM 404', async () => {
    expectScimError(await scim('GET', '/Nope'), 404);
    expectScimError(await scim('DELETE', '/Users'), 404);
  });
});

describe('discovery', () => {
  it('serves ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true },
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    expect((await scim('GET', '/ResourceTypes/User')).body.endpoint).toBe('/Users');
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.totalResults).toBe(3);
    const user = await scim('GET', `/Schemas/${USER_SCHEMA}`);
    expect(user.body.attributes.find((a: { name: string }) => a.name === 'userName')).toMatchObject({
      required: true,
      uniqueness: 'server',
    });
    expectScimError(await scim('GET', '/Schemas/urn:nope'), 404);
  });
});

describe('Users', () => {
  it("creates a user as Entra ID sends it: 201, Location, the users API's record", async () => {
    const res = await scim('POST', '/Users', entraUser('ada@contoso.example'));
    expect(res.status, res.text).toBe(201);
    const id = res.body.id as string;
    expect(res.headers['location']).toBe(`${emu.url}${SCIM}/Users/${id}`);
    expect(res.body).toMatchObject({
      schemas: [USER_SCHEMA, ENTERPRISE].slice(0, 1),
      id,
      externalId: 'ada',
      userName: 'ada@contoso.example',
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ primary: true, type: 'work', value: 'ada@contoso.example' }],
      groups: [],
      meta: { resourceType: 'User', location: `${emu.url}${SCIM}/Users/${id}` },
    });
    expect(res.body).not.toHaveProperty('title');
    const user = await emu.call('GET', `/api/v1/users/${id}`, { as: emu.admin });
    expect(user.body).toMatchObject({
      id,
      name: 'Ada Lovelace',
      email: 'ada@contoso.example',
      subject: 'ada@contoso.example',
      status: 'provisioned',
    });
    expect((await scim('GET', `/Users/${id}`)).body).toEqual(res.body);
  });

  it('answers a second create of the same userName (any case) with 409 uniqueness', async () => {
    await createUser('bob@contoso.example');
    expectScimError(await scim('POST', '/Users', entraUser('BOB@contoso.example')), 409, 'uniqueness');
  });

  it('gives one 201 and one 409 for two concurrent creates of one userName', async () => {
    const [a, b] = await Promise.all([
      scim('POST', '/Users', entraUser('race@contoso.example')),
      scim('POST', '/Users', entraUser('race@contoso.example')),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const list = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "race@contoso.example"')}`);
    expect(list.body.totalResults).toBe(1);
  });

  it('answers Entra ID look-ups: filter on userName/externalId/id/displayName, an empty ListResponse for none', async () => {
    const ada = await createUser('ada@contoso.example', { displayName: 'Ada' });
    await createUser('bob@contoso.example');
    const q = async (filter: string): Promise<string[]> => {
      const res = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
      return (res.body.Resources as { userName: string }[]).map((r) => r.userName);
    };
    expect(await q('userName eq "ADA@contoso.example"')).toEqual(['ada@contoso.example']);
    expect(await q('externalId eq "bob"')).toEqual(['bob@contoso.example']);
    expect(await q('externalId eq "BOB"')).toEqual([]);
    expect(await q(`id eq "${ada['id'] as string}"`)).toEqual(['ada@contoso.example']);
    expect(await q('displayName eq "ada"')).toEqual(['ada@contoso.example']);
    expect(await q('emails[type eq "work"].value co "bob"')).toEqual(['bob@contoso.example']);
    expect(await q('userName sw "a" or userName sw "b"')).toEqual(['ada@contoso.example', 'bob@contoso.example']);
    const none = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "9f1c5a1e-0000-4000-8000-000000000000"')}`,
    );
    expect(none.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    });
    expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter');
  });

  it('pages with startIndex and count, and projects attributes', async () => {
    for (let i = 0; i < 5; i++) await createUser(`p${i}@contoso.example`);
    const page = await scim('GET', '/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'p1@contoso.example',
      'p2@contoso.example',
    ]);
    const only = await scim('GET', '/Users?count=1&attributes=userName,name.givenName');
    expect(Object.keys(only.body.Resources[0]).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    expect(only.body.Resources[0].name).toEqual({ givenName: 'Ada' });
    const without = await scim('GET', '/Users?count=1&excludedAttributes=emails,meta');
    expect(without.body.Resources[0]).not.toHaveProperty('emails');
    expect(without.body.Resources[0]).not.toHaveProperty('meta');
    expect((await scim('GET', '/Users?count=-3')).body.itemsPerPage).toBe(0);
    expectScimError(await scim('GET', '/Users?count=many'), 400, 'invalidValue');
  });

  it('applies PATCH as Entra ID sends it: capitalised ops, value paths, "False" strings', async () => {
    const ada = await createUser('ada@contoso.example');
    const id = ada['id'] as string;
    const res = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada.l@contoso.example' },
        { op: 'Replace', path: 'name.familyName', value: 'King' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Analytics' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.emails).toEqual([{ primary: true, type: 'work', value: 'ada.l@contoso.example' }]);
    expect(res.body.name.familyName).toBe('King');
    expect(res.body[ENTERPRISE]).toEqual({ department: 'Analytics' });
    expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    expect((await emu.call('GET', `/api/v1/users/${id}`, { as: emu.admin })).body.email).toBe('ada.l@contoso.example');

    const off = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.body.active).toBe(false);
    expect((await emu.call('GET', `/api/v1/users/${id}`, { as: emu.admin })).body.status).toBe('disabled');
    const on = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', value: { active: true, 'name.givenName': 'Augusta', displayName: 'Augusta King' } },
      ],
    });
    expect(on.body).toMatchObject({ active: true, displayName: 'Augusta King', name: { givenName: 'Augusta' } });
    expect((await emu.call('GET', `/api/v1/users/${id}`, { as: emu.admin })).body).toMatchObject({
      status: 'provisioned',
      name: 'Augusta King',
    });
  });

  it('adds an email of a type the user lacks, and removes by value path', async () => {
    const ada = await createUser('ada@contoso.example');
    const url = `/Users/${ada['id'] as string}`;
    const added = await scim('PATCH', url, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'ada@home.example' }],
    });
    expect(added.body.emails).toEqual([
      { primary: true, type: 'work', value: 'ada@contoso.example' },
      { type: 'home', value: 'ada@home.example' },
    ]);
    const removed = await scim('PATCH', url, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: 'emails[type eq "home"]' }],
    });
    expect(removed.body.emails).toHaveLength(1);
  });

  it('applies all operations of a PATCH or none', async () => {
    const ada = await createUser('ada@contoso.example');
    await createUser('bob@contoso.example');
    const url = `/Users/${ada['id'] as string}`;
    const before = (await scim('GET', url)).body;
    const bad = [
      [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'id', value: 'x' },
        'mutability',
      ],
      [{ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'remove' }, 'noTarget'],
      [{ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'move', path: 'x' }, 'invalidSyntax'],
      [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'bad[', value: 1 },
        'invalidPath',
      ],
      [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'active', value: 'maybe' },
        'invalidValue',
      ],
      [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'userName', value: 'BOB@contoso.example' },
        'uniqueness',
      ],
    ] as const;
    for (const [first, second, scimType] of bad) {
      const res = await scim('PATCH', url, { schemas: [PATCH_OP], Operations: [first, second] });
      expectScimError(res, scimType === 'uniqueness' ? 409 : 400, scimType);
      expect((await scim('GET', url)).body).toEqual(before);
    }
    expectScimError(await scim('PATCH', url, { Operations: [] }), 400, 'invalidSyntax');
  });

  it('replaces a user with PUT and checks the body', async () => {
    const ada = await createUser('ada@contoso.example');
    const url = `/Users/${ada['id'] as string}`;
    const res = await scim('PUT', url, {
      schemas: [USER_SCHEMA],
      userName: 'ada@fabrikam.example',
      displayName: 'A. L.',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ userName: 'ada@fabrikam.example', displayName: 'A. L.', active: true });
    expect(res.body).not.toHaveProperty('emails');
    expect((await emu.call('GET', `/api/v1/users/${ada['id'] as string}`, { as: emu.admin })).body.subject).toBe(
      'ada@fabrikam.example',
    );
    expectScimError(await scim('PUT', url, { schemas: [USER_SCHEMA] }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', { userName: 'x' }), 400, 'invalidSyntax');
    const malformed = await emu.call('POST', `${SCIM}/Users`, {
      token,
      body: '{"userName":',
      headers: { 'content-type': 'application/scim+json' },
    });
    expectScimError(malformed, 400, 'invalidSyntax');
    expectScimError(await scim('GET', '/Users/000000000000000000000000'), 404);
  });

  it('deletes a user by disabling it (the record stays), and a later POST takes it over again', async () => {
    const ada = await createUser('ada@contoso.example');
    const id = ada['id'] as string;
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expectScimError(await scim('GET', `/Users/${id}`), 404);
    expectScimError(await scim('DELETE', `/Users/${id}`), 404);
    expect((await emu.call('GET', `/api/v1/users/${id}`, { as: emu.admin })).body.status).toBe('disabled');
    const again = await createUser('ada@contoso.example');
    expect(again['id']).toBe(id);
    expect((await emu.call('GET', `/api/v1/users/${id}`, { as: emu.admin })).body.status).toBe('provisioned');
  });

  it("takes over an existing user with that subject, and active:false refuses the user's API keys", async () => {
    const existing = await emu.addUser({ name: 'Cy', subject: 'cy@contoso.example' });
    const created = await createUser('cy@contoso.example');
    expect(created['id']).toBe(existing.id);
    // The user was active (as after a login) and stays so; their key works until SCIM disables them.
    expect((await emu.call('GET', '/api/v1/users/me', { token: existing.apiKey })).status).toBe(301);
    await scim('PATCH', `/Users/${existing.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect((await emu.call('GET', '/api/v1/users/me', { token: existing.apiKey })).status).toBe(401);
  });

  it('forgets provisioned users on reset', async () => {
    const ada = await createUser('ada@contoso.example');
    await emu.reset();
    expect((await emu.call('GET', `/api/v1/users/${ada['id'] as string}`, { as: emu.admin })).status).toBe(404);
  });
});

describe('Groups', () => {
  async function createGroup(displayName: string, members: string[] = []): Promise<Record<string, unknown>> {
    const res = await scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: `ext-${displayName}`,
      displayName,
      meta: { resourceType: 'Group' },
      ...(members.length === 0 ? {} : { members: members.map((value) => ({ value })) }),
    });
    expect(res.status, res.text).toBe(201);
    return res.body as Record<string, unknown>;
  }

  it('creates a group as Entra ID does, finds it by displayName without members, and shows it in the groups API', async () => {
    const created = await createGroup('Analysts');
    const id = created['id'] as string;
    expect(created).toMatchObject({
      schemas: [GROUP_SCHEMA],
      displayName: 'Analysts',
      externalId: 'ext-Analysts',
      members: [],
    });
    const filter = encodeURIComponent('displayName eq "analysts"');
    const found = await scim('GET', `/Groups?excludedAttributes=members&filter=${filter}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    const group = await emu.call('GET', `/api/v1/groups/${id}`, { as: emu.admin });
    expect(group.body).toMatchObject({ id, name: 'Analysts', providerType: 'idp', status: 'active' });
    expectScimError(
      await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Analysts' }),
      409,
      'uniqueness',
    );
  });

  it("adds and removes members as Entra ID sends it; users show the group in assignedGroups and SCIM's groups", async () => {
    const ada = (await createUser('ada@contoso.example'))['id'] as string;
    const bob = (await createUser('bob@contoso.example'))['id'] as string;
    const gid = (await createGroup('Analysts'))['id'] as string;
    const add = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: ada }, { value: bob }] }],
    });
    expect(add.status, add.text).toBe(204);
    expect(add.text).toBe('');
    const members = async (): Promise<string[]> =>
      ((await scim('GET', `/Groups/${gid}`)).body.members as { value: string }[]).map((m) => m.value);
    expect(await members()).toEqual([ada, bob]);
    expect((await emu.call('GET', `/api/v1/users/${ada}`, { as: emu.admin })).body.assignedGroups).toEqual([
      { id: gid, name: 'Analysts' },
    ]);
    const inGroup = await emu.call(
      'GET',
      `/api/v1/users?filter=${encodeURIComponent(`assignedGroups.id eq "${gid}"`)}`,
      { as: emu.admin },
    );
    expect((inGroup.body.data as { id: string }[]).map((u) => u.id).sort()).toEqual([ada, bob].sort());
    await emu.call('PATCH', `/api/v1/groups/${gid}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: 'assignedRoles', value: [{ name: 'AuditAdmin' }] }],
    });
    const byRole = await emu.call(
      'GET',
      `/api/v1/users?filter=${encodeURIComponent('assignedGroupsAssignedRoles.name eq "auditadmin"')}`,
      { as: emu.admin },
    );
    expect(byRole.body.data).toHaveLength(2);
    expect((await scim('GET', `/Users/${ada}`)).body.groups).toEqual([
      { value: gid, display: 'Analysts', $ref: `${emu.url}${SCIM}/Groups/${gid}` },
    ]);
    // Entra's default removal, then the value-path form.
    await scim('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: ada }] }],
    });
    expect(await members()).toEqual([bob]);
    await scim('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${bob}"]` }],
    });
    expect(await members()).toEqual([]);
    await scim('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Data Analysts' }],
    });
    expect((await emu.call('GET', `/api/v1/groups/${gid}`, { as: emu.admin })).body.name).toBe('Data Analysts');
  });

  it('refuses unknown members and leaves the group as it was', async () => {
    const ada = (await createUser('ada@contoso.example'))['id'] as string;
    const gid = (await createGroup('Analysts', [ada]))['id'] as string;
    const res = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Renamed' },
        { op: 'add', path: 'members', value: [{ value: '0123456789abcdef01234567' }] },
      ],
    });
    expectScimError(res, 400, 'invalidValue');
    const group = (await scim('GET', `/Groups/${gid}`)).body;
    expect(group.displayName).toBe('Analysts');
    expect(group.members.map((m: { value: string }) => m.value)).toEqual([ada]);
  });

  it('drops a deleted user from their groups, replaces with PUT and deletes groups', async () => {
    const ada = (await createUser('ada@contoso.example'))['id'] as string;
    const gid = (await createGroup('Analysts', [ada]))['id'] as string;
    expect((await scim('DELETE', `/Users/${ada}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${gid}`)).body.members).toEqual([]);
    const put = await scim('PUT', `/Groups/${gid}`, { schemas: [GROUP_SCHEMA], displayName: 'Everyone here' });
    expect(put.status, put.text).toBe(200);
    expect(put.body.displayName).toBe('Everyone here');
    expect((await scim('DELETE', `/Groups/${gid}`)).status).toBe(204);
    expectScimError(await scim('GET', `/Groups/${gid}`), 404);
    expect((await emu.call('GET', `/api/v1/groups/${gid}`, { as: emu.admin })).status).toBe(404);
  });
});

describe('request log, faults and rate limits', () => {
  it('logs SCIM requests and applies fault rules to them', async () => {
    await scim('GET', '/Users');
    const logged = (await emu.requests()).filter((r) => r.path.startsWith(SCIM));
    expect(logged.map((r) => [r.method, r.path, r.status])).toContainEqual(['GET', `${SCIM}/Users`, 200]);
    await emu.faults.add({ method: 'POST', path: `${SCIM}/Users`, action: { type: 'status', status: 503 }, times: 1 });
    expect((await scim('POST', '/Users', entraUser('ada@contoso.example'))).status).toBe(503);
    expect((await scim('POST', '/Users', entraUser('ada@contoso.example'))).status).toBe(201);
  });

  it("limits SCIM writes in tier 2 and reads in tier 1, answering 429 in SCIM's shape", async () => {
    await emu.control('PUT', 'rate-limits', { enabled: true, tier1PerMinute: 3, tier2PerMinute: 1, windowSeconds: 60 });
    expect((await scim('POST', '/Users', entraUser('ada@contoso.example'))).status).toBe(201);
    const limited = await scim('POST', '/Users', entraUser('bob@contoso.example'));
    expectScimError(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await scim('GET', '/Users')).status).toBe(200);
    expectScimError(await scim('GET', '/Users'), 429);
  });
});
