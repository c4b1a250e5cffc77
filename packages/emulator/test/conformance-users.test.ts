// Conformance (#21): Qlik's client libraries, unmodified, against the users write API and the roles service:
// every function of @qlik/api's users and roles modules, and @qlik/sdk's Users / User functions.
import { AuthType, Users } from '@qlik/sdk';
import type { HostConfig } from '@qlik/api/auth';
import { createRole, deleteRole, getRole, getRoles, patchRole } from '@qlik/api/roles';
import {
  countUsers,
  countUsersWithoutQuery,
  createUser,
  deleteUser,
  filterUsers,
  getMyUser,
  getUser,
  getUsers,
  inviteUsers,
  patchUser,
} from '@qlik/api/users';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../test/kit/emulator.js';

const emu = useEmulator({ reset: false });

beforeAll(async () => {
  await emu.setConfig({ max_keys_per_user: 100 });
});

function host(apiKey: string): { hostConfig: HostConfig; noCache: true } {
  return { hostConfig: { authType: 'apikey', host: emu.url, apiKey }, noCache: true };
}

describe('@qlik/api users and roles against the emulator', () => {
  it('runs every users function', async () => {
    const admin = host(emu.admin.apiKey);
    const created = await createUser(
      {
        subject: 'conformance|1',
        name: 'Conf One',
        email: 'conf.one@corp.example',
        assignedRoles: [{ name: 'ManageApiKeys' }],
      },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ subject: 'conformance|1', status: 'invited' });
    const id = created.data.id ?? '';
    expect((await getUser(id, {}, admin)).data.name).toBe('Conf One');
    const patched = await patchUser(
      id,
      [
        { op: 'replace', path: '/name', value: 'Conf Renamed' },
        { op: 'replace', path: '/status', value: 'active' },
        { op: 'add', path: '/assignedRoles/-', value: { name: 'AnalyticsAdmin' } } as never,
      ],
      admin,
    );
    expect(patched.status).toBe(204);
    const got = await getUser(id, { fields: 'name,status,assignedRoles' }, admin);
    expect(got.data).toMatchObject({ name: 'Conf Renamed', status: 'active' });
    expect(got.data.assignedRoles?.map((r) => r.name)).toEqual(['ManageApiKeys', 'AnalyticsAdmin']);
    const listed = await getUsers({ filter: 'subject eq "conformance|1"' }, admin);
    expect(listed.data.data?.map((u) => u.id)).toEqual([id]);
    const filtered = await filterUsers({}, { filter: `id eq "${id}"` }, admin);
    expect(filtered.data.data?.[0]?.id).toBe(id);
    const total = (await countUsers({}, admin)).data.total;
    expect((await countUsersWithoutQuery(admin)).data.total).toBe(total);
    expect((await getMyUser(admin)).data.id).toBe(emu.admin.id);
    const invited = await inviteUsers({ invitees: [{ email: 'invitee@corp.example', name: 'Invitee' }] }, admin);
    expect(invited.status).toBe(207);
    expect(invited.data.data?.[0]).toMatchObject({ status: 'ok', email: 'invitee@corp.example' });
    expect((await deleteUser(id, admin)).status).toBe(204);
    await expect(getUser(id, {}, admin)).rejects.toMatchObject({ status: 404 });
    // The library's error for a refused call carries Qlik's body.
    await expect(createUser({ subject: 'x' }, host(emu.dev.apiKey))).rejects.toMatchObject({
      status: 403,
      data: { errors: [{ code: 'USERS-4' }] },
    });
  });

  it('runs every roles function', async () => {
    const admin = host(emu.admin.apiKey);
    const list = await getRoles({ limit: 100, sort: 'name' }, admin);
    expect(list.data.data.some((r) => r.name === 'TenantAdmin' && r.type === 'default')).toBe(true);
    const created = await createRole({ name: 'Conformance role', description: 'd', assignedScopes: ['a:b'] }, admin);
    expect(created.status).toBe(201);
    expect((await getRole(created.data.id, admin)).data.name).toBe('Conformance role');
    expect(
      (await patchRole(created.data.id, [{ op: 'replace', path: '/name', value: 'Renamed role' }], admin)).status,
    ).toBe(204);
    expect((await getRoles({ filter: 'name eq "Renamed role"' }, admin)).data.data.map((r) => r.id)).toEqual([
      created.data.id,
    ]);
    expect((await deleteRole(created.data.id, admin)).status).toBe(204);
    await expect(getRoles({}, host(emu.dev.apiKey))).rejects.toMatchObject({ status: 403 });
  });
});

describe('@qlik/sdk users against the emulator', () => {
  it('runs every Users and User function', async () => {
    const qlik = { users: new Users({ authType: AuthType.APIKey, host: emu.url, apiKey: emu.admin.apiKey }) };
    type SdkUser = Awaited<ReturnType<Users['get']>>;
    const ids = (list: Iterable<SdkUser>): string[] => Array.from(list, (u) => u.id);
    const user = await qlik.users.create({ subject: 'sdk|1', name: 'Sdk One', email: 'sdk.one@corp.example' });
    expect(user.status).toBe('invited');
    expect((await qlik.users.get(user.id)).name).toBe('Sdk One');
    await user.patch([{ op: 'replace', path: '/name', value: 'Sdk Renamed' }]);
    expect((await qlik.users.get(user.id)).name).toBe('Sdk Renamed');
    const me = await qlik.users.getMe();
    expect(me.id).toBe(emu.admin.id);
    expect((await qlik.users.count()).total).toBeGreaterThan(3);
    // A ListableResource is an Array subclass whose constructor takes a response: read it with Array.from,
    // not .map (which would construct one from a number).
    const page = await qlik.users.getUsers({ limit: 100 });
    expect(ids(page)).toContain(emu.admin.id);
    // Its defaults send the new sort beside the deprecated sortBy/sortOrder and status.
    const defaults = await qlik.users.getUsers();
    expect(Array.from(defaults as Iterable<SdkUser>, (u) => u.status)).not.toContain('invited');
    const found = await qlik.users.filter({ filter: `id eq "${user.id}"` });
    expect(ids(found)).toEqual([user.id]);
    const invited = await qlik.users.invite({ invitees: [{ email: 'sdk.invitee@corp.example' }] });
    expect(invited.data?.[0]).toMatchObject({ status: 'ok' });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK still offers it; the emulator answers it
    expect((await qlik.users.getMetadata()).valid_roles).toContain('TenantAdmin');
    await user.delete();
    await expect(qlik.users.get(user.id)).rejects.toThrow();
  });
});
