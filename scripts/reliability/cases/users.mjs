// 7. Users and roles (issue #21): offboarding under faults (the answer to DELETE /api/v1/users/{id} lost after the
// delete committed, or a 503 before it ran, then retried: the user is gone, their keys are revoked once and stay
// revoked, `qlik api-key ls --sub` shows them revoked) and concurrent role changes (no lost update, and a removed
// "Manage API keys" role refuses every create that starts after the removal answered). The deletes and patches are
// made by the lab's HTTP client (this branch's CLI has no `user rm`/`user patch` yet): a client that retries a DELETE
// once after a lost answer and takes a 404 on that retry as done.
import { adminHome, envFor, registerToken, runQlik } from '../lab.mjs';
import { checkRun, KEYS_PATH, parseJson, Verdict } from '../verdict.mjs';

const USERS_PATH = '/api/v1/users';

/** @typedef {import('./case.mjs').Lab['emu']} LabEmulator */
/** @typedef {import('@qlik-ts/emulator').EmulatorUser} EmulatorUser */
/** @typedef {{ id: string, token: string }} CreatedKey The 201 body of POST /api/v1/api-keys, in the fields read here. */
/** @typedef {{ id: string, status: string, lastUpdated: string }} ListedKey An item of GET /api/v1/api-keys, in the fields read here. */
/** @typedef {{ assignedRoles?: { name: string }[] }} ShownUser GET /api/v1/users/{id}, in the fields read here. */

/**
 * Whether a user (GET /api/v1/users/{id}) holds the role named `name`.
 * @param {ShownUser | undefined} shown
 * @param {string} name
 */
const holdsRole = (shown, name) => (shown?.assignedRoles ?? []).some((a) => a.name === name);

/**
 * A user with the ManageApiKeys role, its bootstrap key and `extra` more keys of its own.
 * @param {LabEmulator} emu
 * @param {string} name
 * @param {number} extra
 */
async function keyHolder(emu, name, extra) {
  /** @type {EmulatorUser} */
  const user = await emu.control('POST', 'users', { name, roles: ['ManageApiKeys'] });
  registerToken(user.apiKey);
  /** @type {CreatedKey[]} */
  const keys = [];
  for (let i = 0; i < extra; i++) {
    const res = await emu.call('POST', KEYS_PATH, { token: user.apiKey, body: { description: `${name} ${i}` } });
    if (res.status !== 201) throw new Error(`could not create a key for ${name}: ${res.status}`);
    registerToken(res.body.token);
    keys.push(res.body);
  }
  return { user, keys };
}

/**
 * @param {LabEmulator} emu
 * @param {string} userId
 * @returns {Promise<ListedKey[]>}
 */
async function keysOf(emu, userId) {
  const res = await emu.call('GET', `${KEYS_PATH}?sub=${userId}&limit=100`, { token: emu.admin.apiKey });
  return res.body?.data ?? [];
}

const OFFBOARD_FAULTS = [
  {
    key: 'reset-after',
    injected: 'connection reset after the delete committed',
    action: { type: 'reset-after' },
    committed: true,
    reduced: true,
  },
  { key: '503', injected: '503 before the delete ran', action: { type: 'status', status: 503 }, committed: false },
];

/** @returns {import('./case.mjs').Case[]} */
function offboardCases() {
  return OFFBOARD_FAULTS.map((f) => ({
    id: `users/offboard-${f.key}`,
    section: 'users',
    reduced: f.reduced ?? false,
    injected: `DELETE /api/v1/users/{id}: ${f.injected} ×1, then the DELETE retried once`,
    expected: `no error: the retry answers ${f.committed ? '404 (already gone)' : '204'}; the user is gone; the bootstrap key and 2 more are revoked once (lastUpdated unchanged by the retry); their tokens answer 401; \`qlik api-key ls --sub\` lists 3 revoked keys`,
    async run(lab) {
      const emu = await lab.fresh();
      const v = new Verdict();
      const { user, keys } = await keyHolder(emu, `leaver-${f.key}`, 2);
      const path = `${USERS_PATH}/${user.id}`;
      await emu.faults.add({ method: 'DELETE', path, action: f.action });
      let first;
      try {
        first = (await emu.call('DELETE', path, { token: emu.admin.apiKey })).status;
      } catch {
        first = 'lost';
      }
      v.fig('first', first);
      v.eq('first attempt', first, f.committed ? 'lost' : 503);
      const retry = await emu.call('DELETE', path, { token: emu.admin.apiKey });
      v.fig('retry', retry.status);
      v.eq('retry status', retry.status, f.committed ? 404 : 204);
      if (retry.status === 404) v.eq('retry error code', retry.body?.errors?.[0]?.code, 'USERS-7');
      const afterRetry = await keysOf(emu, user.id);
      v.fig('revoked', afterRetry.filter((k) => k.status === 'revoked').length);
      v.eq('revoked keys', afterRetry.filter((k) => k.status === 'revoked').length, keys.length + 1);
      v.eq('user after', (await emu.call('GET', path, { token: emu.admin.apiKey })).status, 404);
      for (const k of [...keys.map((x) => x.token), user.apiKey])
        v.eq('a revoked token', (await emu.call('GET', `${USERS_PATH}/me`, { token: k })).status, 401);
      // A third DELETE changes nothing either.
      await emu.call('DELETE', path, { token: emu.admin.apiKey });
      const later = await keysOf(emu, user.id);
      v.eq(
        'lastUpdated after another delete',
        JSON.stringify(later.map((k) => k.lastUpdated)),
        JSON.stringify(afterRetry.map((k) => k.lastUpdated)),
      );
      const home = await adminHome(emu);
      const r = await runQlik(['api-key', 'ls', '--sub', user.id, '--json'], { env: envFor(home) });
      await checkRun(v, r, home);
      v.eq('exit code', r.code, 0);
      /** @type {{ status?: string }[] | undefined} */
      const listed = parseJson(r.stdout);
      v.eq(
        'api-key ls --sub: revoked',
        Array.isArray(listed) ? listed.filter((k) => k.status === 'revoked').length : -1,
        keys.length + 1,
      );
      return v.done();
    },
  }));
}

/** @returns {import('./case.mjs').Case[]} */
function concurrentRoleCases() {
  return [
    {
      id: 'users/roles-concurrent-adds',
      section: 'users',
      reduced: true,
      injected: '20 PATCH /assignedRoles add (20 custom roles) at once on one user, with 20 GETs of the user',
      expected: 'all 204; the user holds all 20 roles and its own (no lost update)',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        const n = lab.reduced ? 10 : 20;
        /** @type {EmulatorUser} */
        const user = await emu.control('POST', 'users', { name: 'busy', roles: ['User'] });
        /** @type {string[]} */
        const names = [];
        for (let i = 0; i < n; i++) names.push((await emu.control('POST', 'roles', { name: `Concurrent ${i}` })).name);
        const path = `${USERS_PATH}/${user.id}`;
        const results = await Promise.all([
          ...names.map((name) =>
            emu.call('PATCH', path, {
              token: emu.admin.apiKey,
              body: [{ op: 'add', path: '/assignedRoles/-', value: { name } }],
            }),
          ),
          ...names.map(() => emu.call('GET', path, { token: emu.admin.apiKey })),
        ]);
        v.fig('patches', n);
        v.eq('PATCH answers', results.slice(0, n).filter((r) => r.status === 204).length, n);
        /** @type {ShownUser | undefined} */
        const shown = (await emu.call('GET', path, { token: emu.admin.apiKey })).body;
        const held = shown?.assignedRoles?.map((r) => r.name) ?? [];
        v.fig('held', held.length);
        v.eq('roles held', JSON.stringify([...held].sort()), JSON.stringify(['User', ...names].sort()));
        return v.done();
      },
    },
    {
      id: 'users/roles-removed-while-creating',
      section: 'users',
      reduced: false,
      injected:
        'the "Manage API keys" role removed while 10 key creates per round run (5 rounds), a role deleted while 10 users add it',
      expected:
        'every create that starts after the removal answered gets 403; keys made before keep working; a role is never both deleted and held',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        await emu.control('PUT', 'config', { max_keys_per_user: 1000 });
        /** @type {EmulatorUser} */
        const user = await emu.control('POST', 'users', { name: 'maker', roles: ['ManageApiKeys'] });
        registerToken(user.apiKey);
        const path = `${USERS_PATH}/${user.id}`;
        let lateCreated = 0;
        /** @type {CreatedKey[]} */
        const made = [];
        for (let round = 0; round < 5; round++) {
          const give = [{ op: 'add', path: '/assignedRoles/-', value: { name: 'ManageApiKeys' } }];
          await emu.call('PATCH', path, { token: emu.admin.apiKey, body: give });
          const creates = Array.from({ length: 10 }, (_, i) =>
            emu.call('POST', KEYS_PATH, { token: user.apiKey, body: { description: `r${round} ${i}` } }),
          );
          const drop = emu.call('PATCH', path, {
            token: emu.admin.apiKey,
            body: [{ op: 'remove-value', path: '/assignedRoles', value: { name: 'ManageApiKeys' } }],
          });
          const settled = await Promise.all([...creates, drop]);
          for (const r of settled.slice(0, 10)) if (r.status === 201) made.push(r.body);
          const after = await Promise.all(
            Array.from({ length: 5 }, () =>
              emu.call('POST', KEYS_PATH, { token: user.apiKey, body: { description: 'late' } }),
            ),
          );
          lateCreated += after.filter((r) => r.status !== 403).length;
        }
        for (const k of made) registerToken(k.token);
        v.fig('made', made.length);
        v.fig('lateCreated', lateCreated);
        v.eq('creates after the removal that were not 403', lateCreated, 0);
        let working = 0;
        for (const k of made)
          if ((await emu.call('GET', `${USERS_PATH}/me`, { token: k.token })).status === 301) working += 1;
        v.eq('earlier keys still working', working, made.length);
        // A role deleted while users add it: it ends either deleted and held by nobody, or kept (400 in use).
        /** @type {{ id: string }} */
        const role = await emu.control('POST', 'roles', { name: 'Contested' });
        /** @type {EmulatorUser[]} */
        const holders = await Promise.all(
          Array.from({ length: 10 }, (_, i) => emu.control('POST', 'users', { name: `h${i}`, roles: ['User'] })),
        );
        const ops = await Promise.all([
          ...holders.map((h) =>
            emu.call('PATCH', `${USERS_PATH}/${h.id}`, {
              token: emu.admin.apiKey,
              body: [{ op: 'add', path: '/assignedRoles/-', value: { id: role.id } }],
            }),
          ),
          emu.call('DELETE', `/api/v1/roles/${role.id}`, { token: emu.admin.apiKey }),
        ]);
        const deleted = ops[ops.length - 1]?.status === 204;
        const held = (
          await Promise.all(holders.map((h) => emu.call('GET', `${USERS_PATH}/${h.id}`, { token: emu.admin.apiKey })))
        ).filter((r) => holdsRole(r.body, 'Contested')).length;
        const adds = ops.slice(0, -1).filter((r) => r.status === 204).length;
        v.fig('roleDeleted', String(deleted));
        v.fig('heldAfter', held);
        v.expect(
          deleted ? held === 0 : held > 0,
          `the role was ${deleted ? 'deleted' : 'kept'} and ${held} users hold it`,
        );
        v.eq(
          'each add answered 204, or 400 once the role was gone',
          adds + ops.slice(0, -1).filter((r) => r.status === 400).length,
          holders.length,
        );
        v.eq('held = successful adds', held, adds);
        return v.done();
      },
    },
  ];
}

/** @returns {import('./case.mjs').Case[]} */
export function userCases() {
  return [...offboardCases(), ...concurrentRoleCases()];
}
