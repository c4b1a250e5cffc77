// The users list and filter read a kept copy of the tenant's users (issue 18 rule 20; services/users/store.ts): every
// kind of write must show in the very next list and filter, after both have been read (so that a kept copy exists).
// Over HTTP for each write path (users API, SCIM, groups, roles, control API), and on the store itself for writes no
// route makes (raw SQL, a rollback, another connection to the same data file) and for what callers may change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator, type CallResponse } from '../../../test/kit/emulator.js';
import { Store } from '../src/store/store.js';
import { usersStore } from '../src/services/users/store.js';
import { toUser, type UserRow } from '../src/store/records.js';

const USERS = '/api/v1/users';
const SCIM = '/api/v1/scim/v2';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Listed {
  id: string;
  name: string;
  status: string;
  assignedRoles?: { name: string }[];
}

const emu = useEmulator();

async function ok(res: Promise<CallResponse>, status = 204): Promise<CallResponse> {
  const got = await res;
  expect(got.status, got.text).toBe(status);
  return got;
}

/** Every user as GET /api/v1/users lists them (optionally filtered), as the admin. */
async function listed(filter?: string): Promise<Listed[]> {
  const query = filter === undefined ? '' : `&filter=${encodeURIComponent(filter)}`;
  const res = await ok(emu.call('GET', `${USERS}?limit=100${query}`, { as: emu.admin }), 200);
  return res.body.data as Listed[];
}

/** The filter action's answer, as the admin. */
async function filtered(filter: string): Promise<Listed[]> {
  const res = await ok(emu.call('POST', `${USERS}/actions/filter?limit=100`, { as: emu.admin, body: { filter } }), 200);
  return res.body.data as Listed[];
}

const ids = (users: Listed[]): string[] => users.map((u) => u.id).sort();
const byId = async (id: string): Promise<Listed | undefined> => (await listed()).find((u) => u.id === id);

/** Reads the list and the filter once, so that both are kept before the write under test. */
async function warm(filter = 'status eq "active"'): Promise<void> {
  await listed();
  await listed(filter);
  await filtered(filter);
}

let made = 0;

/** A user of its own for the test (reset keeps users: the tests must not change the seeded ones). */
async function fresh(roles = ['User']): Promise<string> {
  const [user] = await emu.addUsers([{ name: `kept ${++made}`, roles }]);
  return user!.id;
}

async function roleNames(id: string): Promise<string[]> {
  return ((await byId(id))?.assignedRoles ?? []).map((r) => r.name).sort();
}

describe('the users API', () => {
  it('create: a new user is listed and filtered at once', async () => {
    await warm('name eq "Fresh One"');
    const made = await ok(
      emu.call('POST', USERS, { as: emu.admin, body: { subject: 'kept|fresh', name: 'Fresh One' } }),
      201,
    );
    expect(ids(await listed())).toContain(made.body.id);
    expect(ids(await filtered('name eq "Fresh One"'))).toEqual([made.body.id]);
    expect(ids(await listed('name eq "Fresh One"'))).toEqual([made.body.id]);
  });

  it('invite: an invited user is listed at once', async () => {
    await warm('email eq "guest@kept.example"');
    await ok(
      emu.call('POST', `${USERS}/actions/invite`, {
        as: emu.admin,
        body: { invitees: [{ email: 'guest@kept.example', name: 'Guest' }] },
      }),
      207,
    );
    expect((await filtered('email eq "guest@kept.example"')).map((u) => u.name)).toEqual(['Guest']);
  });

  it('patch: a new name, status and roles show at once', async () => {
    const id = await fresh();
    await warm(`name eq "Renamed Viewer"`);
    await ok(
      emu.call('PATCH', `${USERS}/${id}`, {
        as: emu.admin,
        body: [
          { op: 'replace', path: '/name', value: 'Renamed Viewer' },
          { op: 'replace', path: '/status', value: 'disabled' },
          { op: 'replace', path: '/assignedRoles', value: [{ name: 'Developer' }] },
        ],
      }),
    );
    expect(await byId(id)).toMatchObject({ name: 'Renamed Viewer', status: 'disabled' });
    expect(await roleNames(id)).toEqual(['Developer']);
    expect(ids(await filtered('name eq "Renamed Viewer"'))).toEqual([id]);
    expect(ids(await listed('status eq "active"'))).not.toContain(id);
  });

  it('delete: a deleted user is gone at once', async () => {
    const id = await fresh();
    await warm(`id eq "${id}"`);
    expect(ids(await filtered(`id eq "${id}"`))).toEqual([id]);
    await ok(emu.call('DELETE', `${USERS}/${id}`, { as: emu.admin }));
    expect(ids(await listed())).not.toContain(id);
    expect(await filtered(`id eq "${id}"`)).toEqual([]);
  });
});

describe('SCIM', () => {
  let token = '';
  beforeEach(async () => {
    const idps = await ok(emu.call('GET', '/api/v1/identity-providers', { as: emu.admin }), 200);
    const idpId = (idps.body.data[0] as { id: string }).id;
    const key = await ok(
      emu.call('POST', '/api/v1/api-keys', {
        as: emu.admin,
        body: { description: 'scim', subType: 'externalClient', sub: `SCIM\\${idpId}` },
      }),
      201,
    );
    token = key.body.token as string;
  });

  function scim(method: string, path: string, body?: unknown): Promise<CallResponse> {
    return emu.call(method, `${SCIM}${path}`, {
      token,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }),
    });
  }

  async function provision(userName: string): Promise<string> {
    const res = await ok(
      scim('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName,
        externalId: userName,
        active: true,
        displayName: 'Ada Lovelace',
        emails: [{ primary: true, value: userName }],
      }),
      201,
    );
    return res.body.id as string;
  }

  it('create, patch and delete show at once', async () => {
    await warm('name eq "Ada Lovelace"');
    const id = await provision('ada@kept.example');
    expect(ids(await filtered('name eq "Ada Lovelace"'))).toEqual([id]);
    expect(ids(await listed('name eq "Ada Lovelace"'))).toEqual([id]);

    await ok(
      scim('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Ada King' }],
      }),
      200,
    );
    expect((await byId(id))?.name).toBe('Ada King');
    expect(await filtered('name eq "Ada Lovelace"')).toEqual([]);

    // SCIM's DELETE disables the user (services/scim/users.ts).
    expect(ids(await filtered('status eq "disabled"'))).not.toContain(id);
    await ok(scim('DELETE', `/Users/${id}`));
    expect((await byId(id))?.status).toBe('disabled');
    expect(ids(await filtered('status eq "disabled"'))).toContain(id);
  });

  it("reset removes SCIM's users at once", async () => {
    const id = await provision('reset@kept.example');
    await warm();
    expect(ids(await listed())).toContain(id);
    await emu.reset();
    expect(ids(await listed())).not.toContain(id);
  });
});

describe('groups and roles', () => {
  async function group(name: string, roles: string[]): Promise<string> {
    const res = await ok(
      emu.call('POST', '/api/v1/groups', {
        as: emu.admin,
        body: { name, assignedRoles: roles.map((n) => ({ name: n })) },
      }),
      201,
    );
    return res.body.id as string;
  }

  it("a membership change shows in the filter on the user's groups at once", async () => {
    const member = await fresh();
    const gid = await group('Kept', ['AuditAdmin']);
    const byGroup = `assignedGroups.id eq "${gid}"`;
    const byGroupRole = 'assignedGroupsAssignedRoles.name eq "AuditAdmin"';
    await warm(byGroup);
    await filtered(byGroupRole);
    expect(await filtered(byGroup)).toEqual([]);
    await ok(
      emu.call('PATCH', `${USERS}/${member}`, {
        as: emu.admin,
        body: [{ op: 'add', path: '/assignedGroups/-', value: { id: gid } }],
      }),
    );
    expect(ids(await filtered(byGroup))).toEqual([member]);
    expect(ids(await listed(byGroupRole))).toEqual([member]);
    await ok(
      emu.call('PATCH', `${USERS}/${member}`, {
        as: emu.admin,
        body: [{ op: 'remove-value', path: '/assignedGroups', value: { id: gid } }],
      }),
    );
    expect(await filtered(byGroup)).toEqual([]);
    expect(await listed(byGroupRole)).toEqual([]);
  });

  it("a group's new roles show in the filter on its members' group roles at once", async () => {
    const member = await fresh();
    const gid = await group('Roles change', ['User']);
    await ok(
      emu.call('PATCH', `${USERS}/${member}`, {
        as: emu.admin,
        body: [{ op: 'add', path: '/assignedGroups/-', value: { id: gid } }],
      }),
    );
    const byGroupRole = 'assignedGroupsAssignedRoles.name eq "DataAdmin"';
    await warm(byGroupRole);
    expect(await filtered(byGroupRole)).toEqual([]);
    await ok(
      emu.call('PATCH', `/api/v1/groups/${gid}`, {
        as: emu.admin,
        body: [{ op: 'replace', path: '/assignedRoles', value: [{ name: 'DataAdmin' }] }],
      }),
    );
    expect(ids(await filtered(byGroupRole))).toEqual([member]);
  });

  it("the control API's role change and a custom role's rename show at once", async () => {
    const holder = await fresh();
    await emu.defineRole({ name: 'Kept role', assignedScopes: [] });
    await warm('assignedRoles.name eq "Kept role"');
    await emu.setUserRoles(holder, ['Kept role']);
    expect(await roleNames(holder)).toEqual(['Kept role']);
    expect(ids(await filtered('assignedRoles.name eq "Kept role"'))).toEqual([holder]);

    const roles = await ok(
      emu.call('GET', `/api/v1/roles?filter=${encodeURIComponent('name eq "Kept role"')}`, { as: emu.admin }),
      200,
    );
    const roleId = (roles.body.data[0] as { id: string }).id;
    await ok(
      emu.call('PATCH', `/api/v1/roles/${roleId}`, {
        as: emu.admin,
        body: [{ op: 'replace', path: '/name', value: 'Renamed role' }],
      }),
    );
    expect(await roleNames(holder)).toEqual(['Renamed role']);
    expect(await filtered('assignedRoles.name eq "Kept role"')).toEqual([]);
    expect(ids(await filtered('assignedRoles.name eq "Renamed role"'))).toEqual([holder]);
  });
});

describe('the control API', () => {
  it('addUsers shows at once', async () => {
    await warm('name eq "Added by control"');
    const [added] = await emu.addUsers([{ name: 'Added by control', roles: ['User'] }]);
    expect(ids(await filtered('name eq "Added by control"'))).toEqual([added!.id]);
    expect(ids(await listed())).toContain(added!.id);
  });
});

describe('the store', () => {
  const seed = (id: string, name: string) => ({
    id,
    tenantId: 'T',
    name,
    email: '',
    subject: `s-${id}`,
    status: 'active',
    roles: ['User'],
    createdAt: 1,
    lastUpdatedAt: 1,
  });

  it('sees a write made with SQL no store method runs', () => {
    const store = Store.open(undefined);
    const users = usersStore(store);
    store.insertUsers([seed('a', 'A'), seed('b', 'B')]);
    expect(users.snapshot('T').map((u) => u.name)).toEqual(['A', 'B']);
    store.database.prepare("UPDATE users SET name = 'A2' WHERE id = 'a'").run();
    expect(users.snapshot('T').map((u) => u.name)).toEqual(['A2', 'B']);
    store.database.prepare("DELETE FROM users WHERE id = 'b'").run();
    expect(users.list('T').map((u) => u.id)).toEqual(['a']);
    store.close();
  });

  it('matches a fresh read after any mix of inserts, updates and deletes (rowids reused, bursts past the patch limit)', () => {
    const store = Store.open(undefined);
    const users = usersStore(store);
    const fresh = (): unknown[] =>
      store.database
        .prepare<[string], UserRow>('SELECT * FROM users WHERE tenant_id = ? ORDER BY rowid')
        .all('T')
        .map(toUser);
    // A fixed pseudo-random sequence, so that a failure repeats.
    let seedValue = 7;
    const random = (n: number): number => {
      seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31;
      return seedValue % n;
    };
    let made = 0;
    const live = (): string[] => (fresh() as { id: string }[]).map((u) => u.id);
    for (let step = 0; step < 300; step++) {
      const ids = live();
      const pick = ids[random(Math.max(1, ids.length))];
      const op = random(6);
      if (op <= 1 || pick === undefined) store.insertUsers([seed(`u${++made}`, `N${made}`)]);
      else if (op === 2) store.database.prepare('UPDATE users SET name = ? WHERE id = ?').run(`R${step}`, pick);
      else if (op === 3) store.database.prepare('DELETE FROM users WHERE id = ?').run(pick);
      else if (op === 4) {
        // The last row goes and a new one takes its rowid.
        store.database.prepare('DELETE FROM users WHERE rowid = (SELECT MAX(rowid) FROM users)').run();
        store.insertUsers([seed(`u${++made}`, `N${made}`)]);
      } else if (step % 50 === 0) store.insertUsers(Array.from({ length: 1200 }, () => seed(`u${++made}`, `N${made}`)));
      else store.database.prepare('UPDATE users SET roles = \'["Developer"]\' WHERE rowid % 3 = ?').run(step % 3);
      if (step % 2 === 0) expect(users.snapshot('T')).toEqual(fresh());
    }
    expect(users.snapshot('T')).toEqual(fresh());
    store.close();
  });

  it('keeps nothing a rolled-back transaction read', () => {
    const store = Store.open(undefined);
    const users = usersStore(store);
    store.insertUsers([seed('a', 'A')]);
    expect(users.snapshot('T')).toHaveLength(1);
    expect(() =>
      store.inTransaction(() => {
        store.insertUsers([seed('b', 'B')]);
        expect(users.snapshot('T').map((u) => u.id)).toEqual(['a', 'b']);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(users.snapshot('T').map((u) => u.id)).toEqual(['a']);
    expect(() =>
      store.inTransaction(() => {
        store.database.prepare("UPDATE users SET name = 'rolled back' WHERE id = 'a'").run();
        store.database.prepare("DELETE FROM users WHERE id = 'a'").run();
        expect(users.snapshot('T')).toEqual([]);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(users.snapshot('T').map((u) => u.name)).toEqual(['A']);
    store.close();
  });

  it("sees another connection's commit to the same data file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'users-kept-'));
    try {
      const one = Store.open(join(dir, 'db.sqlite'));
      const two = Store.open(join(dir, 'db.sqlite'));
      one.insertUsers([seed('a', 'A')]);
      expect(
        usersStore(one)
          .snapshot('T')
          .map((u) => u.id),
      ).toEqual(['a']);
      expect(
        usersStore(two)
          .snapshot('T')
          .map((u) => u.id),
      ).toEqual(['a']);
      two.insertUsers([seed('b', 'B')]);
      expect(
        usersStore(one)
          .snapshot('T')
          .map((u) => u.id),
      ).toEqual(['a', 'b']);
      one.close();
      two.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands out copies from list and byEmail, and a frozen snapshot no caller can change', () => {
    const store = Store.open(undefined);
    const users = usersStore(store);
    store.insertUsers([{ ...seed('a', 'A'), email: 'a@x.example' }]);
    const copy = users.list('T')[0]!;
    copy.name = 'changed';
    copy.roles.push('TenantAdmin');
    const found = users.byEmail('T', 'A@X.example')!;
    found.roles.length = 0;
    const kept = users.snapshot('T');
    expect(kept[0]).toMatchObject({ name: 'A', roles: ['User'] });
    expect(Object.isFrozen(kept) && Object.isFrozen(kept[0]) && Object.isFrozen(kept[0]!.roles)).toBe(true);
    expect(users.snapshot('T')).toBe(kept);
    store.close();
  });
});
