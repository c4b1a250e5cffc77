// The groups service: create (409 on a taken name, roles by name or id), list (filter, sort, cursors both
// ways, totalResults, systemGroups), the filter action, get, patch, delete, settings, who may do what, the
// errors with groups.yml's numeric status, and reset.
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator, type CallResponse } from '../../../test/kit/emulator.js';
import { expectError, ISO_MS } from './util.js';

const BASE = '/api/v1/groups';
const emu = useEmulator();

function create(body: unknown, token = emu.admin.apiKey): Promise<CallResponse> {
  return emu.call('POST', BASE, { body, token });
}

async function names(path: string, token = emu.admin.apiKey): Promise<string[]> {
  const res = await emu.call('GET', path, { token });
  expect(res.status, res.text).toBe(200);
  return (res.body.data as { name: string }[]).map((g) => g.name);
}

describe('create and get', () => {
  it('creates a group with roles by name or id, and refuses a taken name with 409', async () => {
    const admin = await emu.call('GET', `/api/v1/users/${emu.admin.id}`, { as: emu.admin });
    const adminRoleId = (admin.body.assignedRoles as { id: string }[])[0]!.id;
    const res = await create({
      name: 'Development',
      description: 'devs',
      assignedRoles: [{ name: 'User' }, { id: adminRoleId }],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Development',
      description: 'devs',
      status: 'active',
      providerType: 'idp',
      tenantId: emu.tenantId,
      createdBy: emu.admin.id,
      assignedRoles: [
        { name: 'User', type: 'default', level: 'user' },
        { id: adminRoleId, name: 'TenantAdmin', type: 'default', level: 'admin' },
      ],
      links: { self: { href: `${emu.url}${BASE}/${res.body.id as string}` } },
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body.createdAt).toMatch(ISO_MS);
    expect((await emu.call('GET', `${BASE}/${res.body.id as string}`, { as: emu.admin })).body).toEqual(res.body);
    expectError(await create({ name: 'Development' }), 409, 'GROUPS-5');
    // Names are case-sensitive.
    expect((await create({ name: 'development' })).status).toBe(201);
  });

  it.each([
    [{}, '/name'],
    [{ name: '' }, '/name'],
    [{ name: 'x'.repeat(257) }, '/name'],
    [{ name: 'a', status: 'disabled' }, '/status'],
    [{ name: 'a', providerType: 'ldap' }, '/providerType'],
    [{ name: 'a', assignedRoles: [{ id: '0123456789abcdef01234567' }] }, '/assignedRoles/0/id'],
    [{ name: 'a', colour: 'red' }, '/colour'],
  ])('answers 400 GROUPS-3 naming the field (%#)', async (body, pointer) => {
    const error = expectError(await create(body), 400, 'GROUPS-3');
    expect(error.source.pointer).toBe(pointer);
    expect(error.status).toBe(400);
  });

  it('answers 404 GROUPS-7 for an unknown group, 403 to non-admins for changes, malformed JSON with GROUPS-6', async () => {
    const error = expectError(
      await emu.call('GET', `${BASE}/0123456789abcdef01234567`, { as: emu.admin }),
      404,
      'GROUPS-7',
    );
    expect(error.status).toBe(404);
    expectError(await create({ name: 'x' }, emu.dev.apiKey), 403, 'GROUPS-4');
    expectError(
      await emu.call('POST', BASE, { as: emu.admin, body: '{', headers: { 'content-type': 'application/json' } }),
      400,
      'GROUPS-6',
    );
    const id = (await create({ name: 'x', assignedRoles: [{ name: 'User' }] })).body.id as string;
    const seen = await emu.call('GET', `${BASE}/${id}`, { token: emu.viewer.apiKey });
    expect(seen.status).toBe(200);
    expect(seen.body).not.toHaveProperty('assignedRoles');
    expectError(await emu.call('DELETE', `${BASE}/${id}`, { token: emu.dev.apiKey }), 403, 'GROUPS-4');
  });
});

describe('list and filter', () => {
  beforeEach(async () => {
    for (const name of ['Sales', 'analysts', 'Beta', 'Admins', 'sales-eu'])
      await create({ name, providerType: name === 'Beta' ? 'custom' : 'idp' });
  });

  it('sorts by name (case-insensitively) by default and on request', async () => {
    expect(await names(BASE)).toEqual(['Admins', 'analysts', 'Beta', 'Sales', 'sales-eu']);
    expect(await names(`${BASE}?sort=-name`)).toEqual(['sales-eu', 'Sales', 'Beta', 'analysts', 'Admins']);
    expect((await names(`${BASE}?sort=createdAt`))[0]).toBe('Sales');
  });

  it('filters with the RFC 7644 subset, case-insensitively', async () => {
    expect(await names(`${BASE}?filter=${encodeURIComponent('name eq "SALES"')}`)).toEqual(['Sales']);
    expect(await names(`${BASE}?filter=${encodeURIComponent('name sw "sales" and not (name eq "sales")')}`)).toEqual([
      'sales-eu',
    ]);
    expect(await names(`${BASE}?filter=${encodeURIComponent('providerType eq "custom" or name co "MIN"')}`)).toEqual([
      'Admins',
      'Beta',
    ]);
    const bad = expectError(
      await emu.call('GET', `${BASE}?filter=${encodeURIComponent('colour eq "red"')}`, { as: emu.admin }),
      400,
      'GROUPS-2',
    );
    expect(bad.source.parameter).toBe('filter');
  });

  it('pages with next and prev, and counts with totalResults', async () => {
    const first = await emu.call('GET', `${BASE}?limit=2&totalResults=true`, { as: emu.admin });
    expect(first.body.totalResults).toBe(5);
    expect(first.body.data.map((g: { name: string }) => g.name)).toEqual(['Admins', 'analysts']);
    const second = await emu.call('GET', first.body.links.next.href, { as: emu.admin });
    expect(second.body.data.map((g: { name: string }) => g.name)).toEqual(['Beta', 'Sales']);
    const third = await emu.call('GET', second.body.links.next.href, { as: emu.admin });
    expect(third.body.data.map((g: { name: string }) => g.name)).toEqual(['sales-eu']);
    expect(third.body.links.next).toBeUndefined();
    const back = await emu.call('GET', third.body.links.prev.href, { as: emu.admin });
    expect(back.body.data.map((g: { name: string }) => g.name)).toEqual(['Beta', 'Sales']);
    expectError(await emu.call('GET', `${BASE}?limit=0`, { as: emu.admin }), 400, 'GROUPS-1');
    expectError(await emu.call('GET', `${BASE}?next=nonsense`, { as: emu.admin }), 400, 'GROUPS-1');
    expectError(await emu.call('GET', `${BASE}?sort=colour`, { as: emu.admin }), 400, 'GROUPS-1');
  });

  it('returns the Everyone group with systemGroups=true, and only alone', async () => {
    const res = await emu.call('GET', `${BASE}?systemGroups=true`, { as: emu.admin });
    expect(res.body.data).toEqual([
      expect.objectContaining({ id: '000000000000000000000001', name: 'com.qlik.Everyone' }),
    ]);
    expectError(await emu.call('GET', `${BASE}?systemGroups=true&limit=5`, { as: emu.admin }), 400, 'GROUPS-1');
  });

  it('filters with the action (body optional), sorts by name only', async () => {
    const res = await emu.call('POST', `${BASE}/actions/filter?limit=1`, {
      as: emu.admin,
      body: { filter: 'name sw "s"' },
    });
    expect(res.body.data.map((g: { name: string }) => g.name)).toEqual(['Sales']);
    const next = await emu.call('POST', res.body.links.next.href, { as: emu.admin, body: { filter: 'name sw "s"' } });
    expect(next.body.data.map((g: { name: string }) => g.name)).toEqual(['sales-eu']);
    expect((await emu.call('POST', `${BASE}/actions/filter`, { as: emu.admin })).body.data).toHaveLength(5);
    const bad = expectError(
      await emu.call('POST', `${BASE}/actions/filter`, { as: emu.admin, body: { filter: 'name pr' } }),
      400,
      'GROUPS-2',
    );
    expect(bad.source.pointer).toBe('/filter');
    expectError(await emu.call('POST', `${BASE}/actions/filter?sort=createdAt`, { as: emu.admin }), 400, 'GROUPS-1');
  });
});

describe('patch, delete, settings', () => {
  it('replaces roles on any group and name/description on custom groups only', async () => {
    const idp = (await create({ name: 'From IdP' })).body.id as string;
    const custom = (await create({ name: 'Mine', providerType: 'custom' })).body.id as string;
    const ok = await emu.call('PATCH', `${BASE}/${custom}`, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/assignedRoles', value: [{ name: 'TenantAdmin' }] },
        { op: 'replace', path: 'name', value: 'Ours' },
        { op: 'replace', path: 'description', value: 'd' },
      ],
    });
    expect(ok.status, ok.text).toBe(204);
    expect((await emu.call('GET', `${BASE}/${custom}`, { as: emu.admin })).body).toMatchObject({
      name: 'Ours',
      description: 'd',
      assignedRoles: [{ name: 'TenantAdmin' }],
      updatedBy: emu.admin.id,
    });
    expect(
      (
        await emu.call('PATCH', `${BASE}/${idp}`, {
          as: emu.admin,
          body: [{ op: 'replace', path: 'assignedRoles', value: [{ name: 'User' }] }],
        })
      ).status,
    ).toBe(204);
    const refused = await emu.call('PATCH', `${BASE}/${idp}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: 'name', value: 'x' }],
    });
    expect(expectError(refused, 400, 'GROUPS-3').source.pointer).toBe('/0/path');
    await create({ name: 'Taken', providerType: 'custom' });
    expectError(
      await emu.call('PATCH', `${BASE}/${custom}`, {
        as: emu.admin,
        body: [{ op: 'replace', path: 'name', value: 'Taken' }],
      }),
      409,
    );
    expectError(
      await emu.call('PATCH', `${BASE}/${custom}`, { as: emu.admin, body: [{ op: 'add', path: 'name', value: 'x' }] }),
      400,
    );
  });

  it("sets membership with the users API's /assignedGroups (add, remove-value; unknown groups 400)", async () => {
    const id = (await create({ name: 'Members' })).body.id as string;
    const url = `/api/v1/users/${emu.viewer.id}`;
    const add = await emu.call('PATCH', url, {
      as: emu.admin,
      body: [{ op: 'add', path: '/assignedGroups/-', value: { id } }],
    });
    expect(add.status, add.text).toBe(204);
    expect((await emu.call('GET', url, { as: emu.admin })).body.assignedGroups).toEqual([{ id, name: 'Members' }]);
    const bad = await emu.call('PATCH', url, {
      as: emu.admin,
      body: [{ op: 'add', path: '/assignedGroups', value: [{ id: '0123456789abcdef01234567' }] }],
    });
    expect(expectError(bad, 400, 'USERS-3').source.pointer).toBe('/0/value/0');
    await emu.call('PATCH', url, {
      as: emu.admin,
      body: [{ op: 'remove-value', path: '/assignedGroups', value: { id } }],
    });
    expect((await emu.call('GET', url, { as: emu.admin })).body.assignedGroups).toEqual([]);
  });

  it('deletes a group: 204, then 404', async () => {
    const id = (await create({ name: 'Gone' })).body.id as string;
    expect((await emu.call('DELETE', `${BASE}/${id}`, { as: emu.admin })).status).toBe(204);
    expectError(await emu.call('GET', `${BASE}/${id}`, { as: emu.admin }), 404, 'GROUPS-7');
    expectError(await emu.call('DELETE', `${BASE}/${id}`, { as: emu.admin }), 404, 'GROUPS-7');
  });

  it('reads and patches the settings, and reset restores them and drops every group', async () => {
    const before = await emu.call('GET', `${BASE}/settings`, { as: emu.admin });
    expect(before.body).toMatchObject({
      autoCreateGroups: true,
      syncIdpGroups: true,
      tenantId: emu.tenantId,
      systemGroups: { '000000000000000000000001': { name: 'com.qlik.Everyone', enabled: true, assignedRoles: [] } },
    });
    const patched = await emu.call('PATCH', `${BASE}/settings`, {
      as: emu.admin,
      body: [
        { op: 'replace', path: '/autoCreateGroups', value: false },
        { op: 'replace', path: '/systemGroups/000000000000000000000001/assignedRoles', value: [{ name: 'User' }] },
      ],
    });
    expect(patched.status, patched.text).toBe(204);
    const after = await emu.call('GET', `${BASE}/settings`, { as: emu.admin });
    expect(after.body.autoCreateGroups).toBe(false);
    expect(after.body.systemGroups['000000000000000000000001'].assignedRoles).toEqual([
      expect.objectContaining({ name: 'User' }),
    ]);
    expectError(
      await emu.call('PATCH', `${BASE}/settings`, {
        as: emu.admin,
        body: [{ op: 'replace', path: '/autoCreateGroups', value: 'no' }],
      }),
      400,
    );
    expectError(
      await emu.call('PATCH', `${BASE}/settings`, {
        body: [{ op: 'replace', path: '/syncIdpGroups', value: true }],
        token: emu.dev.apiKey,
      }),
      403,
    );
    await create({ name: 'Temp' });
    await emu.reset();
    expect((await emu.call('GET', `${BASE}/settings`, { as: emu.admin })).body.autoCreateGroups).toBe(true);
    expect(await names(BASE)).toEqual([]);
  });
});
