// Conformance: @qlik/api's identity-providers and groups functions, unmodified, against the emulator
// (the library throws on any status >= 300 and follows links.next verbatim).
import type { HostConfig } from '@qlik/api/auth';
import {
  createIdp,
  deleteIdp,
  getIdp,
  getIdps,
  getIdpStatuses,
  getIdpWellKnownMetaData,
  getMyIdpMeta,
  patchIdp,
} from '@qlik/api/identity-providers';
import {
  createGroup,
  deleteGroup,
  filterGroups,
  getGroup,
  getGroups,
  getGroupsSettings,
  patchGroup,
  patchGroupsSettings,
} from '@qlik/api/groups';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../test/kit/emulator.js';

const emu = useEmulator({ reset: false });

function host(apiKey: string): { hostConfig: HostConfig; noCache: true } {
  return { hostConfig: { authType: 'apikey', host: emu.url, apiKey }, noCache: true };
}

describe('@qlik/api identity-providers functions', () => {
  it('runs every function, pages with next() and surfaces the 400 for the interactive IdP', async () => {
    await emu.reset();
    const admin = host(emu.admin.apiKey);
    const seeded = (await getIdps({}, admin)).data.data ?? [];
    expect(seeded).toHaveLength(1);
    const entra = seeded[0]!;
    expect(entra).toMatchObject({ protocol: 'OIDC', provider: 'azureAD', active: true, interactive: true });

    const created = await createIdp(
      {
        protocol: 'OIDC',
        provider: 'generic',
        interactive: true,
        pendingOptions: {
          clientId: 'c',
          clientSecret: 's',
          discoveryUrl: 'https://idp.example/.well-known/openid-configuration',
          claimsMapping: { sub: ['/sub'] },
        },
      },
      admin,
    );
    expect(created.status).toBe(201);
    const id = created.data.id ?? '';
    const popts = created.headers.get('qlik-idp-popts');
    expect(popts).toEqual(expect.any(String));
    for (let i = 0; i < 3; i++)
      await createIdp(
        {
          protocol: 'jwtAuth',
          provider: 'external',
          options: { issuer: `https://issuer${i}.example`, staticKeys: [{ kid: 'k', pem: 'p' }] },
        },
        admin,
      );

    let page = await getIdps({ limit: 2 }, admin);
    const seen: string[] = [];
    for (;;) {
      seen.push(...(page.data.data ?? []).map((i) => i.id ?? ''));
      if (!page.next) break;
      page = await page.next();
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);

    expect((await getIdp(id, admin)).data).toMatchObject({ id, pendingState: 'pending' });
    const patched = await patchIdp(id, [{ op: 'replace', path: '/description', value: 'via @qlik/api' }], admin);
    expect(patched.status).toBe(204);
    expect((await getIdp(id, admin)).data.description).toBe('via @qlik/api');

    const statuses = await getIdpStatuses(admin);
    expect(statuses.data.active_interactive_idps_count).toBe(1);
    expect(statuses.data.idps_metadata).toHaveLength(5);
    expect((await getMyIdpMeta(host(emu.viewer.apiKey))).status).toBe(200);
    expect((await getIdpWellKnownMetaData(host(emu.viewer.apiKey))).status).toBe(200);

    expect((await deleteIdp(id, admin)).status).toBe(204);
    await expect(deleteIdp(entra.id ?? '', admin)).rejects.toMatchObject({
      status: 400,
      data: { errors: [{ code: 'IDPS-5' }] },
    });
    await expect(getIdp(id, admin)).rejects.toMatchObject({ status: 404 });
    expect(popts).not.toBeNull();
  });
});

describe('@qlik/api groups functions', () => {
  it('runs every function and pages with next()', async () => {
    await emu.reset();
    const admin = host(emu.admin.apiKey);
    const ids: string[] = [];
    for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon']) {
      const created = await createGroup({ name, providerType: 'custom', assignedRoles: [{ name: 'User' }] }, admin);
      expect(created.status).toBe(201);
      ids.push(created.data.id);
    }
    let page = await getGroups({ limit: 2, totalResults: true }, admin);
    expect(page.data.totalResults).toBe(5);
    const seen: string[] = [];
    for (;;) {
      seen.push(...(page.data.data ?? []).map((g) => g.name));
      if (!page.next) break;
      page = await page.next();
    }
    expect(seen).toEqual(['Alpha', 'Beta', 'Delta', 'Epsilon', 'Gamma']);

    let filtered = await filterGroups({ limit: 1 }, { filter: 'name sw "e" or name sw "g"' }, admin);
    const matched: string[] = [];
    for (;;) {
      matched.push(...(filtered.data.data ?? []).map((g) => g.name));
      if (!filtered.next) break;
      filtered = await filtered.next();
    }
    expect(matched).toEqual(['Epsilon', 'Gamma']);

    const id = ids[0]!;
    expect((await getGroup(id, admin)).data).toMatchObject({ id, name: 'Alpha', assignedRoles: [{ name: 'User' }] });
    expect((await patchGroup(id, [{ op: 'replace', path: 'name', value: 'Alef' }], admin)).status).toBe(204);
    expect((await getGroup(id, admin)).data.name).toBe('Alef');

    const settings = await getGroupsSettings(admin);
    expect(settings.data).toMatchObject({ autoCreateGroups: true, tenantId: emu.tenantId });
    expect(
      (await patchGroupsSettings([{ op: 'replace', path: '/autoCreateGroups', value: false }], admin)).status,
    ).toBe(204);
    expect((await getGroupsSettings(admin)).data.autoCreateGroups).toBe(false);

    expect((await deleteGroup(id, admin)).status).toBe(204);
    await expect(getGroup(id, admin)).rejects.toMatchObject({ status: 404, data: { errors: [{ code: 'GROUPS-7' }] } });
    await expect(createGroup({ name: 'Beta' }, admin)).rejects.toMatchObject({ status: 409 });
  });
});
