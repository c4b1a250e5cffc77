// The roles service (#21): default roles with stable ids, custom roles (create, patch, delete), list with
// filter, sort and cursors, TenantAdmin only; and API-key creation decided by the "Manage API keys" permission.
import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, useEmulator } from '../../../test/kit/emulator.js';
import { expectError, ISO_MS } from './util.js';

const ROLES = '/api/v1/roles';
const emu = useEmulator({ reset: false });
let n = 0;

beforeAll(async () => {
  await emu.setConfig({ max_keys_per_user: 100 });
});

interface Role {
  id: string;
  name: string;
  type: string;
  level: string;
  description: string;
  permissions: string[];
  assignedScopes: string[];
  canEdit: boolean;
  canDelete: boolean;
  links: { self: { href: string } };
}

async function all(query = ''): Promise<Role[]> {
  const res = await emu.call('GET', `${ROLES}?limit=100${query}`, { as: emu.admin });
  expect(res.status, res.text).toBe(200);
  return res.body.data as Role[];
}

async function createRole(body: Record<string, unknown>): Promise<Role> {
  const res = await emu.call('POST', ROLES, { as: emu.admin, body });
  expect(res.status, res.text).toBe(201);
  return res.body as Role;
}

describe('GET /api/v1/roles', () => {
  it("lists the default roles with stable ids, the deprecated Developer role, and the seed's ManageApiKeys role", async () => {
    const roles = await all();
    const byName = new Map(roles.map((r) => [r.name, r]));
    expect(byName.get('TenantAdmin')).toMatchObject({
      id: '608050f750afab80bd53586d',
      type: 'default',
      level: 'admin',
      tenantId: emu.tenantId,
      canEdit: false,
      canDelete: false,
    });
    expect(byName.get('AuditAdmin')?.id).toBe('608050f7634644db3678b1a2');
    expect(byName.get('SharedSpaceCreator')?.id).toBe('605a1c2151382ffc836af862');
    for (const name of ['AnalyticsAdmin', 'DataAdmin', 'DataSpaceCreator', 'ManagedSpaceCreator', 'AutomationCreator'])
      expect(byName.get(name)?.type, name).toBe('default');
    expect(byName.get('Developer')?.description).toMatch(/^Deprecated: /);
    expect(byName.get('ManageApiKeys')).toMatchObject({
      type: 'custom',
      level: 'user',
      assignedScopes: ['api-keys:manage'],
      canEdit: true,
      canDelete: true,
    });
    for (const r of roles) {
      expect(r.id).toMatch(/^[0-9a-f]{24}$/);
      expect(r.links.self.href).toBe(`${emu.url}${ROLES}/${r.id}`);
      expect((r as unknown as { createdAt: string }).createdAt).toMatch(ISO_MS);
    }
    // The same ids on another emulator (another tenant).
    const other = await startEmulator();
    try {
      const res = await other.call('GET', `${ROLES}?limit=100`, { as: other.admin });
      expect(res.body.data.map((r: Role) => [r.name, r.id])).toEqual(roles.map((r) => [r.name, r.id]));
    } finally {
      await other.stop();
    }
  });

  it('pages with next/prev links, sorts, filters and counts', async () => {
    const everything = await all('&sort=name');
    expect(everything.map((r) => r.name)).toEqual(everything.map((r) => r.name).sort());
    const ids: string[] = [];
    let res = await emu.call('GET', `${ROLES}?limit=3&sort=name&totalResults=true`, { as: emu.admin });
    expect(res.body.totalResults).toBe(everything.length);
    expect(res.body.links.prev).toBeUndefined();
    for (;;) {
      ids.push(...res.body.data.map((r: Role) => r.id));
      if (!res.body.links.next) break;
      res = await emu.call('GET', res.body.links.next.href, { as: emu.admin });
    }
    expect(ids).toEqual(everything.map((r) => r.id));
    const back: string[] = [];
    for (;;) {
      back.unshift(...res.body.data.map((r: Role) => r.id));
      if (!res.body.links.prev) break;
      res = await emu.call('GET', res.body.links.prev.href, { as: emu.admin });
    }
    expect(back).toEqual(ids);
    expect((await all('&sort=-name')).map((r) => r.name)).toEqual(everything.map((r) => r.name).reverse());
    const admins = await all(`&filter=${encodeURIComponent('level eq "ADMIN" and not (name sw "Audit")')}`);
    expect(admins.map((r) => r.name).sort()).toEqual(['AnalyticsAdmin', 'DataAdmin', 'TenantAdmin']);
    const custom = await all(`&filter=${encodeURIComponent('type eq "custom"')}`);
    expect(custom.every((r) => r.type === 'custom')).toBe(true);
    for (const [query, parameter] of [
      ['filter=name%20zz%20%22x%22', 'filter'],
      ['filter=colour%20eq%20%22red%22', 'filter'],
      ['sort=colour', 'sort'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['next=0123456789abcdef01234567', 'next'],
      ['totalResults=yes', 'totalResults'],
    ]) {
      const error = expectError(await emu.call('GET', `${ROLES}?${query}`, { as: emu.admin }), 400, 'ROLES-1');
      expect(error.source.parameter, query).toBe(parameter);
    }
  });

  it('is for TenantAdmins only (403 for everyone else)', async () => {
    expectError(await emu.call('GET', ROLES, { token: emu.dev.apiKey }), 403, 'ROLES-3');
    expectError(await emu.call('GET', `${ROLES}/608050f750afab80bd53586d`, { token: emu.viewer.apiKey }), 403);
    expectError(await emu.call('POST', ROLES, { token: emu.dev.apiKey, body: { name: 'x' } }), 403);
    expectError(await emu.call('GET', `${ROLES}/0123456789abcdef01234567`, { as: emu.admin }), 404, 'IDENTITIES-10402');
  });
});

describe('custom roles', () => {
  it('creates, reads, patches and deletes one', async () => {
    const role = await createRole({
      name: 'Exporters',
      description: 'export things',
      assignedScopes: ['apps.image:export'],
    });
    expect(role).toMatchObject({
      type: 'custom',
      level: 'user',
      permissions: [],
      assignedScopes: ['apps.image:export'],
    });
    expect((role as unknown as { createdBy: string }).createdBy).toBe(emu.admin.id);
    const patch = await emu.call('PATCH', `${ROLES}/${role.id}`, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/name', value: 'Exporters 2' },
        { op: 'replace', path: '/description', value: 'now with automl' },
        { op: 'add', path: '/assignedScopes/-', value: 'automl-models:approve' },
        { op: 'remove-value', path: '/assignedScopes', value: 'apps.image:export' },
      ],
    });
    expect(patch.status, patch.text).toBe(204);
    expect((await emu.call('GET', `${ROLES}/${role.id}`, { as: emu.admin })).body).toMatchObject({
      id: role.id,
      name: 'Exporters 2',
      description: 'now with automl',
      assignedScopes: ['automl-models:approve'],
    });
    expect((await emu.call('DELETE', `${ROLES}/${role.id}`, { as: emu.admin })).status).toBe(204);
    expectError(await emu.call('GET', `${ROLES}/${role.id}`, { as: emu.admin }), 404);
  });

  it('refuses duplicate names, bad bodies, and changes to default roles', async () => {
    await createRole({ name: 'Unique' });
    for (const name of ['Unique', 'TenantAdmin'])
      expect(
        expectError(await emu.call('POST', ROLES, { as: emu.admin, body: { name } }), 400, 'ROLES-2').source.pointer,
      ).toBe('/name');
    for (const [body, pointer] of [
      [{}, '/name'],
      [{ name: '' }, '/name'],
      [{ name: 'x', assignedScopes: 'a' }, '/assignedScopes'],
      [{ name: 'x', permissions: ['a'] }, '/permissions'],
    ] as const)
      expect(expectError(await emu.call('POST', ROLES, { as: emu.admin, body }), 400, 'ROLES-2').source.pointer).toBe(
        pointer,
      );
    const replaceName = [{ op: 'replace', path: '/name', value: 'Mine' }];
    expectError(
      await emu.call('PATCH', `${ROLES}/608050f750afab80bd53586d`, { as: emu.admin, body: replaceName }),
      403,
      'ROLES-3',
    );
    expectError(await emu.call('DELETE', `${ROLES}/608050f750afab80bd53586d`, { as: emu.admin }), 403, 'ROLES-3');
    const other = await createRole({ name: 'Other' });
    const clash = [{ op: 'replace', path: '/name', value: 'Unique' }];
    expectError(await emu.call('PATCH', `${ROLES}/${other.id}`, { as: emu.admin, body: clash }), 400, 'ROLES-2');
    for (const body of [
      [],
      [{ op: 'move', path: '/name', value: 'x' }],
      [{ op: 'replace', path: '/level', value: 'x' }],
    ])
      expectError(await emu.call('PATCH', `${ROLES}/${other.id}`, { as: emu.admin, body }), 400, 'ROLES-2');
  });

  it('cannot be deleted while assigned; a rename follows the users who hold it', async () => {
    const role = await createRole({ name: `Held ${++n}` });
    const user = await emu.addUser({ name: `holder-${n}`, roles: ['User'] });
    const give = [{ op: 'add', path: '/assignedRoles/-', value: { id: role.id } }];
    expect((await emu.call('PATCH', `/api/v1/users/${user.id}`, { as: emu.admin, body: give })).status).toBe(204);
    expectError(await emu.call('DELETE', `${ROLES}/${role.id}`, { as: emu.admin }), 400, 'ROLES-4');
    const rename = [{ op: 'replace', path: '/name', value: `Renamed ${n}` }];
    expect((await emu.call('PATCH', `${ROLES}/${role.id}`, { as: emu.admin, body: rename })).status).toBe(204);
    const got = await emu.call('GET', `/api/v1/users/${user.id}`, { as: emu.admin });
    expect(got.body.assignedRoles).toContainEqual({ id: role.id, name: `Renamed ${n}`, type: 'custom', level: 'user' });
    const take = [{ op: 'remove-value', path: '/assignedRoles', value: { id: role.id } }];
    expect((await emu.call('PATCH', `/api/v1/users/${user.id}`, { as: emu.admin, body: take })).status).toBe(204);
    expect((await emu.call('DELETE', `${ROLES}/${role.id}`, { as: emu.admin })).status).toBe(204);
  });

  it('grants "Manage API keys" through the api-keys:manage scope, and its removal stops creates at once', async () => {
    const role = await createRole({ name: `Key makers ${++n}`, assignedScopes: ['api-keys:manage'] });
    const user = await emu.addUser({ name: `maker-${n}`, roles: [role.name] });
    const key = await emu.call('POST', '/api/v1/api-keys', { token: user.apiKey, body: { description: 'k' } });
    expect(key.status, key.text).toBe(201);
    const drop = [{ op: 'remove-value', path: '/assignedScopes', value: 'api-keys:manage' }];
    expect((await emu.call('PATCH', `${ROLES}/${role.id}`, { as: emu.admin, body: drop })).status).toBe(204);
    expectError(
      await emu.call('POST', '/api/v1/api-keys', { token: user.apiKey, body: { description: 'k2' } }),
      403,
      'APIKEYS-5',
    );
    expect((await emu.call('GET', '/api/v1/users/me', { token: key.body.token })).status).toBe(301);
  });
});

describe('roles of groups', () => {
  it('apply to the members through the hook the groups service wires in (RoleDirectory.useGroupRoles)', async () => {
    const { RoleDirectory, RolesStore } = await import('../src/services/roles/index.js');
    const { Store } = await import('../src/store/store.js');
    const dir = new RoleDirectory(new RolesStore(Store.open(undefined)), 'T');
    const member = {
      id: 'u',
      tenantId: 'T',
      name: 'm',
      email: '',
      subject: 's',
      status: 'active',
      roles: [],
      createdAt: 0,
      lastUpdatedAt: 0,
    };
    expect(dir.permissionsOf(member)).toEqual({ admin: false, manageApiKeys: false });
    dir.useGroupRoles((user) => (user.id === 'u' ? ['Developer'] : []));
    expect(dir.effectiveRoles(member)).toEqual(['Developer']);
    expect(dir.permissionsOf(member)).toEqual({ admin: false, manageApiKeys: true });
  });

  // Activates once a groups service answers /api/v1/groups (another branch adds it): a role given to a group
  // reaches its members through the API.
  it('apply to the members of a group made through the API', async (ctx) => {
    const probe = await emu.call('GET', '/api/v1/groups', { as: emu.admin });
    if (probe.status === 501) ctx.skip();
    const role = await createRole({ name: `Group keys ${++n}`, assignedScopes: ['api-keys:manage'] });
    const group = await emu.call('POST', '/api/v1/groups', {
      as: emu.admin,
      body: { name: `g-${n}`, assignedRoles: [{ id: role.id }] },
    });
    expect(group.status, group.text).toBe(201);
    const user = await emu.addUser({ name: `member-${n}`, roles: ['User'] });
    expectError(await emu.call('POST', '/api/v1/api-keys', { token: user.apiKey, body: { description: 'k' } }), 403);
    const join = [{ op: 'add', path: '/assignedGroups/-', value: { id: group.body.id } }];
    expect((await emu.call('PATCH', `/api/v1/users/${user.id}`, { as: emu.admin, body: join })).status).toBe(204);
    expect(
      (await emu.call('POST', '/api/v1/api-keys', { token: user.apiKey, body: { description: 'k' } })).status,
    ).toBe(201);
  });
});

describe('seeding roles', () => {
  it("startEmulator({ seed }) creates custom roles and assigns them; the control API defines roles and sets users' roles", async () => {
    const seeded = await startEmulator({
      seed: {
        roles: [{ name: 'Keys', description: 'may make keys', assignedScopes: ['api-keys:manage'] }, { name: 'Plain' }],
        users: [
          { name: 'boss', roles: ['TenantAdmin'] },
          { name: 'maker', roles: ['Keys'] },
          { name: 'other', roles: ['Plain'] },
        ],
      },
    });
    try {
      const maker = seeded.user('maker');
      const other = seeded.user('other');
      const listed = await seeded.call('GET', `${ROLES}?filter=${encodeURIComponent('type eq "custom"')}`, {
        as: seeded.admin,
      });
      expect(listed.body.data.map((r: Role) => [r.name, r.assignedScopes])).toEqual([
        ['Keys', ['api-keys:manage']],
        ['Plain', []],
      ]);
      expect(
        (await seeded.call('POST', '/api/v1/api-keys', { token: maker.apiKey, body: { description: 'k' } })).status,
      ).toBe(201);
      expectError(
        await seeded.call('POST', '/api/v1/api-keys', { token: other.apiKey, body: { description: 'k' } }),
        403,
      );
      // Control API: give Plain the scope, then move `other` to Keys only.
      const defined = await seeded.defineRole({ name: 'Plain', assignedScopes: ['api-keys:manage'] });
      expect(defined).toMatchObject({ name: 'Plain', type: 'custom', assignedScopes: ['api-keys:manage'] });
      expect(
        (await seeded.call('POST', '/api/v1/api-keys', { token: other.apiKey, body: { description: 'k' } })).status,
      ).toBe(201);
      expect(await seeded.setUserRoles(other.id, ['User'])).toEqual({ id: other.id, roles: ['User'] });
      expect(seeded.user('other').roles).toEqual(['User']);
      expectError(
        await seeded.call('POST', '/api/v1/api-keys', { token: other.apiKey, body: { description: 'k' } }),
        403,
      );
      await expect(seeded.control('POST', 'roles', { name: 'TenantAdmin' })).rejects.toThrow(/default role/);
      await expect(seeded.control('PUT', 'users/nope/roles', { roles: [] })).rejects.toThrow(/no user/);
    } finally {
      await seeded.stop();
    }
  });
});
