// user create, user patch (a role by name), role ls/get and user rm end to end, in-process against the emulator (its
// users write API and roles service): the user is created, given the seeded "ManageApiKeys" custom role by name, read
// back with it, a duplicate subject is refused, and the user is removed. (`identity-provider ls` waits for the
// emulator's identity-providers service.)
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';

const emu = useEmulator({ reset: false });
let admin: string;

beforeAll(async () => {
  admin = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
});

const qlik = (argv: string[]): Promise<RunResult> => runQlik(argv, { home: admin });

describe('users and roles against the emulator', () => {
  it('role ls lists the default and seeded roles; role get reads one', async () => {
    const ls = await qlik(['role', 'ls', '--limit', '200']);
    expect(ls.code, ls.stderr).toBe(0);
    const roles = JSON.parse(ls.stdout) as { id: string; name: string; type: string }[];
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(['TenantAdmin', 'ManageApiKeys']));
    const keys = roles.find((r) => r.name === 'ManageApiKeys')!;
    const get = await qlik(['role', 'get', keys.id]);
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ id: keys.id, name: 'ManageApiKeys', type: 'custom' });
    const filtered = await qlik(['role', 'ls', '--filter', 'name eq "ManageApiKeys"', '-q']);
    expect(filtered).toMatchObject({ code: 0, stdout: `${keys.id}\n` });
  });

  it('user create → user patch (role by name) → user get shows it → duplicate refused → user rm', async () => {
    const c = await qlik([
      'user',
      'create',
      '--subject',
      'e2e|new-user',
      '--name',
      'New User',
      '--email',
      'new@example.com',
    ]);
    expect(c.code, c.stderr).toBe(0);
    const user = JSON.parse(c.stdout) as { id: string; subject: string; name: string };
    expect(user).toMatchObject({ subject: 'e2e|new-user', name: 'New User' });

    const dup = await qlik(['user', 'create', '--subject', 'e2e|new-user', '--json']);
    expect(dup.code).toBe(1);
    expect(JSON.parse(dup.stderr)).toMatchObject({ errors: [{ status: 409 }] });

    const p = await qlik(['user', 'patch', user.id, '--path', '/assignedRoles', '--value-name', 'ManageApiKeys']);
    expect(p.code, p.stderr).toBe(0);
    const g = await qlik(['user', 'get', user.id]);
    expect(g.code, g.stderr).toBe(0);
    expect((JSON.parse(g.stdout) as { assignedRoles: { name: string }[] }).assignedRoles.map((r) => r.name)).toEqual([
      'ManageApiKeys',
    ]);

    const renamed = await qlik(['user', 'patch', user.id, '--path', '/name', '--value', 'Renamed']);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect((JSON.parse((await qlik(['user', 'get', user.id])).stdout) as { name: string }).name).toBe('Renamed');

    const rm = await qlik(['user', 'rm', user.id]);
    expect(rm).toMatchObject({ code: 0, stdout: '204 No Content\n' });
    const gone = await qlik(['user', 'get', user.id, '--json']);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr)).toMatchObject({ errors: [{ status: 404 }] });
  });

  it('user count counts the users', async () => {
    const r = await qlik(['user', 'count']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { total: number }).total).toBeGreaterThan(0);
  });
});
