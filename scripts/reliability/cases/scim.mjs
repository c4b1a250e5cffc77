// 8. SCIM keys end to end (issue #20): the CLI creates a SCIM key for the emulator's seeded Entra ID IdP, and an
// Entra-style client uses it at /api/v1/scim/v2. Auth binding (only that key, only while its IdP is active; a key
// for an IdP the tenant lacks is refused at creation), userName uniqueness under concurrent creates, PATCH applied
// all or nothing, and a key revoked with `qlik api-key rm` in the middle of a sync stopping the very next request.
import { adminHome, envFor, registerToken, runQlik } from '../lab.mjs';
import { checkRun, noLeaks, parseJson, Verdict } from '../verdict.mjs';

const SCIM = '/api/v1/scim/v2';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** @typedef {import('./case.mjs').Lab['emu']} LabEmulator */

/** @param {string} userName */
function entraUser(userName) {
  return {
    schemas: [USER_SCHEMA],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: 'Rel Iability', familyName: 'Iability', givenName: 'Rel' },
  };
}

/**
 * The id of the emulator's seeded IdP (the first it lists).
 * @param {LabEmulator} emu
 * @returns {Promise<string>}
 */
async function seededIdp(emu) {
  const res = await emu.call('GET', '/api/v1/identity-providers', { token: emu.admin.apiKey });
  return res.body.data[0].id;
}

/**
 * `qlik api-key create` of a SCIM key for `idpId` in a home with the admin's key; the run and the key.
 * @param {LabEmulator} emu
 * @param {string} idpId
 */
async function createScimKey(emu, idpId) {
  const home = await adminHome(emu);
  const r = await runQlik(
    ['api-key', 'create', '--description', 'scim', '--sub', `SCIM\\${idpId}`, '--subType', 'externalClient', '--json'],
    {
      env: envFor(home),
    },
  );
  /** @type {import('../verdict.mjs').CliKey | undefined} */
  const key = parseJson(r.stdout);
  if (key?.token) registerToken(key.token);
  return { r, home, key };
}

/**
 * A SCIM request with `token` (none when undefined); `body` sent as application/scim+json.
 * @param {LabEmulator} emu
 * @param {string | undefined} token
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
const scim = (emu, token, method, path, body) =>
  emu.call(method, `${SCIM}${path}`, {
    token: token ?? '',
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/scim+json' } }),
  });

/**
 * @param {{ reduced?: boolean }} [opts]
 * @returns {import('./case.mjs').Case[]}
 */
export function scimCases({ reduced = false } = {}) {
  return [
    {
      id: 'scim/auth-binding',
      section: 'scim',
      reduced: true,
      injected:
        "qlik api-key create of a SCIM key for the seeded IdP and for an IdP the tenant lacks; SCIM calls with it, a user's key, and after the IdP is deactivated",
      expected:
        '201 key → SCIM 200; unknown IdP → exit 1 naming the IdP id, nothing created; user key 403; IdP inactive 401; all errors in SCIM shape',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        const idpId = await seededIdp(emu);
        const { r, home, key } = await createScimKey(emu, idpId);
        await checkRun(v, r, home, 'create');
        v.eq('create exit code', r.code, 0);
        v.eq('key subType', key?.subType, 'externalClient');
        v.eq('SCIM GET /Users with the key', (await scim(emu, key?.token, 'GET', '/Users')).status, 200);
        const asUser = await scim(emu, emu.admin.apiKey, 'GET', '/Users');
        v.eq("SCIM with a user's key", asUser.status, 403);
        v.eq('error schema', asUser.body?.schemas?.[0], 'urn:ietf:params:scim:api:messages:2.0:Error');
        const missing = '0123456789abcdef01234567';
        const bad = await createScimKey(emu, missing);
        v.eq('create for an unknown IdP: exit code', bad.r.code, 1);
        v.expect(
          bad.r.stderr.includes(missing),
          `the error does not name the IdP id: ${JSON.stringify(bad.r.stderr.slice(0, 300))}`,
        );
        const keys = await emu.call('GET', `/api/v1/api-keys?sub=${encodeURIComponent(`SCIM\\${missing}`)}`, {
          token: emu.admin.apiKey,
        });
        v.eq('keys created for the unknown IdP', keys.body?.data?.length, 0);
        await emu.call('PATCH', `/api/v1/identity-providers/${idpId}`, {
          token: emu.admin.apiKey,
          body: [{ op: 'replace', path: '/active', value: false }],
        });
        v.eq('SCIM after the IdP is deactivated', (await scim(emu, key?.token, 'GET', '/Users')).status, 401);
        noLeaks(v);
        return v.done();
      },
    },
    {
      id: 'scim/uniqueness-concurrent',
      section: 'scim',
      reduced: true,
      injected: `${reduced ? 10 : 40} concurrent POST /Users with one userName (and the same again for a second name, differing only in case)`,
      expected:
        'exactly one 201 per name, every other answer 409 scimType uniqueness; the users API holds one user per name',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        const { key } = await createScimKey(emu, await seededIdp(emu));
        const n = lab.reduced ? 10 : 40;
        for (const [i, name] of ['race@contoso.example', 'Case@Contoso.example'].entries()) {
          const variants = i === 0 ? [name] : [name, name.toLowerCase(), name.toUpperCase()];
          const answers = await Promise.all(
            Array.from({ length: n }, (_, j) =>
              scim(emu, key?.token, 'POST', '/Users', entraUser(variants[j % variants.length] ?? name)),
            ),
          );
          const created = answers.filter((a) => a.status === 201).length;
          const conflicts = answers.filter((a) => a.status === 409 && a.body?.scimType === 'uniqueness').length;
          v.fig(`created${i}`, created);
          v.eq(`201s for ${name}`, created, 1);
          v.eq(`409 uniqueness for ${name}`, conflicts, n - 1);
          const users = await emu.call(
            'GET',
            `/api/v1/users?filter=${encodeURIComponent(`subject co "${(name.split('@')[0] ?? '').toLowerCase()}"`)}`,
            {
              token: emu.admin.apiKey,
            },
          );
          v.eq(`users with that subject (${name})`, users.body?.data?.length, 1);
        }
        v.add('duplicates', 0);
        return v.done();
      },
    },
    {
      id: 'scim/atomic-patch',
      section: 'scim',
      injected:
        'PATCH /Users/{id} whose last of three operations is invalid (read-only id, bad value, taken userName), and a connection reset after a valid PATCH',
      expected:
        '400/409 in SCIM shape and the user exactly as before each bad PATCH; after the reset the whole PATCH is applied once',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        const { key } = await createScimKey(emu, await seededIdp(emu));
        const ada = (await scim(emu, key?.token, 'POST', '/Users', entraUser('ada@contoso.example'))).body;
        await scim(emu, key?.token, 'POST', '/Users', entraUser('bob@contoso.example'));
        const url = `/Users/${ada?.id}`;
        const before = (await scim(emu, key?.token, 'GET', url)).body;
        const lead = [
          { op: 'Replace', path: 'displayName', value: 'Changed' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'changed@contoso.example' },
        ];
        for (const [last, status] of /** @type {[{ op: string, path: string, value: string }, number][]} */ ([
          [{ op: 'replace', path: 'id', value: 'x' }, 400],
          [{ op: 'replace', path: 'active', value: 'maybe' }, 400],
          [{ op: 'replace', path: 'userName', value: 'BOB@contoso.example' }, 409],
        ])) {
          const res = await scim(emu, key?.token, 'PATCH', url, { schemas: [PATCH_OP], Operations: [...lead, last] });
          v.eq(`status with ${last.path}`, res.status, status);
          const after = (await scim(emu, key?.token, 'GET', url)).body;
          v.expect(
            JSON.stringify(after) === JSON.stringify(before),
            `the user changed after a refused PATCH (${last.path})`,
          );
        }
        await emu.faults.add({ method: 'PATCH', path: `${SCIM}/Users/*`, action: { type: 'reset-after' } });
        const lost = await scim(emu, key?.token, 'PATCH', url, { schemas: [PATCH_OP], Operations: lead }).catch(
          (/** @type {unknown} */ e) => ({ status: 0, error: e }),
        );
        v.eq('the faulted PATCH got no answer', lost.status, 0);
        const applied = (await scim(emu, key?.token, 'GET', url)).body;
        v.eq('displayName after the lost answer', applied?.displayName, 'Changed');
        v.eq('email after the lost answer', applied?.emails?.[0]?.value, 'changed@contoso.example');
        return v.done();
      },
    },
    {
      id: 'scim/revoke-mid-sync',
      section: 'scim',
      reduced: true,
      injected: `an Entra-style sync (look-up, create, update per user) of ${reduced ? 20 : 60} users; qlik api-key rm of the SCIM key after a third of them`,
      expected:
        'every request before the rm succeeds, the very next one is 401 in SCIM shape, and so is every later one',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        const { key, home } = await createScimKey(emu, await seededIdp(emu));
        const total = lab.reduced ? 20 : 60;
        const cut = Math.floor(total / 3);
        /** @type {number[]} */
        const statuses = [];
        /** @type {number | undefined} */
        let revokedAt;
        for (let i = 0; i < total; i++) {
          if (i === cut) {
            const rm = await runQlik(['api-key', 'rm', /** @type {string} */ (key?.id)], { env: envFor(home) });
            v.eq('api-key rm exit code', rm.code, 0);
            revokedAt = statuses.length;
          }
          const name = `sync${i}@contoso.example`;
          const found = await scim(
            emu,
            key?.token,
            'GET',
            `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`,
          );
          statuses.push(found.status);
          if (found.status !== 200) continue;
          const made = await scim(emu, key?.token, 'POST', '/Users', entraUser(name));
          statuses.push(made.status);
          if (made.status !== 201) continue;
          const patched = await scim(emu, key?.token, 'PATCH', `/Users/${made.body.id}`, {
            schemas: [PATCH_OP],
            Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
          });
          statuses.push(patched.status);
        }
        const before = statuses.slice(0, revokedAt);
        const after = statuses.slice(revokedAt);
        v.fig('requests', statuses.length);
        v.fig('refused', after.length);
        v.expect(
          before.every((s) => s === 200 || s === 201),
          `a request before the rm failed: ${before.join(',')}`,
        );
        v.eq('first request after the rm', after[0], 401);
        v.expect(
          after.every((s) => s === 401),
          `a request after the rm was not refused: ${after.join(',')}`,
        );
        noLeaks(v);
        return v.done();
      },
    },
  ];
}
