// The SCIM admin path end to end (issue #20's "Done when"), in-process against the emulator: find the IdP with
// `qlik identity-provider ls`, create its SCIM key with `qlik api-key create --sub SCIM\<id> --subType externalClient`,
// run an Entra-style provisioning cycle over /api/v1/scim/v2 with that key (look-up, create, update, group
// membership, deactivate, delete), see the result with `qlik user ls` and `qlik group ls`, remove the key with
// `qlik api-key rm`, and see the very next SCIM request refused.
import { beforeAll, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';

const SCIM = '/api/v1/scim/v2';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const emu = useEmulator({ reset: false });
let home: string;

beforeAll(async () => {
  home = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
});

const qlik = (argv: string[]): Promise<RunResult> => runQlik(argv, { home });

it('walks the admin path: IdP → SCIM key → Entra-style cycle → user ls / group ls → api-key rm → refused', async () => {
  const idps = await qlik(['identity-provider', 'ls', '-q']);
  expect(idps.code, idps.stderr).toBe(0);
  const idpId = idps.stdout.trim().split('\n')[0] ?? '';
  expect(idpId).toMatch(/^[0-9a-f]{24}$/);

  const created = await qlik([
    'api-key',
    'create',
    '--description',
    'entra',
    '--sub',
    `SCIM\\${idpId}`,
    '--subType',
    'externalClient',
  ]);
  expect(created.code, created.stderr).toBe(0);
  const key = JSON.parse(created.stdout) as { id: string; token: string; sub: string; subType: string };
  expect(key).toMatchObject({ sub: `SCIM\\${idpId}`, subType: 'externalClient' });

  const scim = (method: string, path: string, body?: unknown) =>
    emu.call(method, `${SCIM}${path}`, {
      token: key.token,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }),
    });
  // Test connection, then one user's cycle.
  expect(
    (await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "0d3c5a44-1111-4111-8111-111111111111"')}`))
      .body.totalResults,
  ).toBe(0);
  const ada = await scim('POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    externalId: 'ada',
    userName: 'ada@contoso.example',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'ada@contoso.example' }],
    name: { givenName: 'Ada', familyName: 'Lovelace' },
  });
  expect(ada.status, ada.text).toBe(201);
  const adaId = ada.body.id as string;
  const patched = await scim('PATCH', `/Users/${adaId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Replace', path: 'name.familyName', value: 'King' }],
  });
  expect(patched.status, patched.text).toBe(200);
  const group = await scim('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    externalId: 'g1',
    displayName: 'Analysts',
  });
  expect(group.status, group.text).toBe(201);
  const added = await scim('PATCH', `/Groups/${group.body.id as string}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Add', path: 'members', value: [{ value: adaId }] }],
  });
  expect(added.status, added.text).toBe(204);

  const users = await qlik(['user', 'ls', '--filter', 'subject eq "ada@contoso.example"']);
  expect(users.code, users.stderr).toBe(0);
  expect(users.stdout).toContain('"status": "provisioned"');
  expect(users.stdout).toContain('"name": "Analysts"');
  const groups = await qlik(['group', 'ls', '-q']);
  expect(groups.code, groups.stderr).toBe(0);
  expect(groups.stdout.trim().split('\n')).toEqual([group.body.id]);

  await scim('PATCH', `/Users/${adaId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  expect((await qlik(['user', 'ls', '--filter', 'status eq "disabled"', '-q'])).stdout.trim().split('\n')).toContain(
    adaId,
  );
  expect((await scim('DELETE', `/Users/${adaId}`)).status).toBe(204);

  const removed = await qlik(['api-key', 'rm', key.id]);
  expect(removed.code, removed.stderr).toBe(0);
  const refused = await scim('GET', '/Users');
  expect(refused.status).toBe(401);
  expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
});
