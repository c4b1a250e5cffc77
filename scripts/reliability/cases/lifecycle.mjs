// 7. A key's whole life (issue #22): rotations killed with SIGKILL at random moments while every request is slowed
// (so that each step of the rotation gets hit), two rotations of one context at once, a rotation with the quota full,
// and `exec` ended by SIGTERM, SIGINT and SIGKILL.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envFor, homeFor, registerToken, runQlik, spawnQlik, stderrLines } from '../lab.mjs';
import { checkRun, noLeaks, Verdict } from '../verdict.mjs';

/** @typedef {import('./case.mjs').Lab['emu']} LabEmulator */
/** @typedef {{ id: string, description: string, created: string, expiry: string }} ListedKey An item of GET /api/v1/api-keys, in the fields read here. */

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
/**
 * The `jti` claim of a token (the id of its key).
 * @param {string} token
 * @returns {string}
 */
const jti = (token) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).jti;

/** @param {string} home */
async function contextToken(home) {
  const text = await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8');
  const token = /Bearer "?([^"\s]+)"?/.exec(text)?.[1] ?? '';
  registerToken(token);
  return token;
}

/**
 * Whether a token authenticates (users/me answers with a redirect or 200).
 * @param {LabEmulator} emu
 * @param {string} token
 */
async function works(emu, token) {
  return [200, 301, 302].includes((await emu.call('GET', '/api/v1/users/me', { token })).status);
}

/**
 * The active keys of the developer whose description is `d` or `d` followed by this CLI's tags.
 * @param {LabEmulator} emu
 * @param {string} d
 */
async function keysOf(emu, d) {
  const r = await emu.call('GET', `/api/v1/api-keys?sub=${emu.dev.id}&status=active&limit=100`, {
    token: emu.admin.apiKey,
  });
  /** @type {ListedKey[]} */
  const data = r.body?.data ?? [];
  return data.filter((k) => k.description === d || k.description.startsWith(`${d} [qlik-cli:`));
}

/**
 * A home whose current context holds a fresh key of the developer described `d` (minted: faults do not apply).
 * @param {LabEmulator} emu
 * @param {string} d
 */
async function devHome(emu, d) {
  /** @type {{ token: string }} */
  const key = await emu.control('POST', 'keys', { userId: emu.dev.id, description: d, expiry: 'PT1H' });
  return homeFor(emu.url, key.token);
}

/**
 * The step a rotation's journal records, or 'none' without a journal.
 * @param {string} home
 * @returns {Promise<string>}
 */
async function journalStep(home) {
  try {
    return JSON.parse(await readFile(join(home, '.qlik', 'rotations', 'emu.json'), 'utf8')).step;
  } catch {
    return 'none';
  }
}

/** @returns {import('./case.mjs').Case[]} */
export function lifecycleCases() {
  return [
    {
      id: 'lifecycle/rotate-kill9',
      section: 'lifecycle',
      heavy: true,
      injected:
        'every API request answers after 40 ms; api-key rotate killed with SIGKILL at a random moment of its run (200 runs)',
      expected:
        'after every kill the context holds a working key; after `rotate --resume` exactly one active key per context, 0 keys of the rotation left (tagged or not), no secret in any file but the contexts file',
      async run(lab) {
        const v = new Verdict();
        const emu = await lab.fresh();
        await emu.control('PUT', 'config', { max_keys_per_user: 1000 });
        await emu.faults.add({ path: '/api/**', times: 0, action: { type: 'slow-first-byte', ms: 40 } });
        // One whole rotation, to know the span the kills are spread over.
        const t0 = performance.now();
        const whole = await runQlik(['api-key', 'rotate'], { env: envFor(await devHome(emu, 'lc-span')) });
        const span = performance.now() - t0;
        v.eq('exit code of an uninterrupted rotation', whole.code, 0);
        v.fig('spanMs', Math.round(span));
        const runs = 200;
        /** @type {Record<string, number>} */
        const steps = {};
        let broken = 0;
        let extra = 0;
        for (let i = 0; i < runs; i++) {
          const d = `lc-${i}`;
          const home = await devHome(emu, d);
          const p = spawnQlik(['api-key', 'rotate'], { env: envFor(home) });
          await sleep(Math.random() * span);
          p.child.kill('SIGKILL');
          await p.done;
          const step = await journalStep(home);
          steps[step] = (steps[step] ?? 0) + 1;
          if (!(await works(emu, await contextToken(home)))) broken += 1;
          const resumed = await runQlik(['api-key', 'rotate', '--resume'], { env: envFor(home) });
          await checkRun(v, resumed, home, `resume ${i}`);
          v.expect(
            resumed.code !== null && [0, 2].includes(resumed.code),
            `resume ${i}: exit ${resumed.code}: ${stderrLines(resumed.stderr)[0] ?? ''}`,
          );
          const keys = await keysOf(emu, d);
          const held = jti(await contextToken(home));
          const [only] = keys;
          const ok = keys.length === 1 && only !== undefined && only.id === held && only.description === d;
          if (!ok) extra += 1;
          v.expect(
            ok,
            `run ${i} (killed in step ${step}): active keys ${keys.map((k) => `${k.id} "${k.description}"`).join(', ')}, context holds ${held}`,
          );
          // Retire this run's keys, so that the developer's list stays one page long.
          for (const k of keys) await emu.call('DELETE', `/api/v1/api-keys/${k.id}`, { token: emu.admin.apiKey });
        }
        v.fig('runs', runs);
        v.fig(
          'killedIn',
          Object.entries(steps)
            .map(([k, n]) => `${k}:${n}`)
            .join(' '),
        );
        v.fig('contextBroken', broken);
        v.fig('wrongKeyCount', extra);
        v.eq('runs whose context lost its working key', broken, 0);
        v.expect(Object.keys(steps).length >= 3, `the kills reached only ${Object.keys(steps).join(', ')}`);
        noLeaks(v);
        return v.done();
      },
    },
    {
      id: 'lifecycle/rotate-concurrent',
      section: 'lifecycle',
      reduced: true,
      injected: 'two `api-key rotate` of one context started together (requests slowed by 40 ms)',
      expected: 'one rotates (exit 0); the other refuses with one line (exit 2); one active key, held by the context',
      async run(lab) {
        const v = new Verdict();
        const emu = await lab.fresh();
        await emu.faults.add({ path: '/api/**', times: 0, action: { type: 'slow-first-byte', ms: 40 } });
        const home = await devHome(emu, 'cc');
        const [a, b] = await Promise.all([
          runQlik(['api-key', 'rotate'], { env: envFor(home) }),
          runQlik(['api-key', 'rotate'], { env: envFor(home) }),
        ]);
        await checkRun(v, a, home, 'first');
        await checkRun(v, b, home, 'second');
        v.eq('exit codes', [a.code, b.code].sort().join(','), '0,2');
        const loser = a.code === 2 ? a : b;
        v.eq('lines of the refusal', stderrLines(loser.stderr).length, 1);
        v.match(
          'refusal',
          loser.stderr,
          /^Error: another 'qlik api-key rotate' of context 'emu' (is running \(pid \d+\)|replaced its key during this one's checks); nothing changed\n$/,
        );
        const keys = await keysOf(emu, 'cc');
        v.eq('active keys', keys.length, 1);
        v.eq('the context holds it', keys[0]?.id, jti(await contextToken(home)));
        return v.done();
      },
    },
    {
      id: 'lifecycle/rotate-quota-full',
      section: 'lifecycle',
      reduced: true,
      injected: 'max_keys_per_user 2, the developer holds 2 keys; api-key rotate',
      expected:
        'exit 2, one line listing the keys that fill the quota; no POST, PATCH or DELETE; the context unchanged',
      async run(lab) {
        const v = new Verdict();
        const emu = await lab.fresh();
        await emu.control('PUT', 'config', { max_keys_per_user: 2 });
        const home = await devHome(emu, 'qf');
        const before = await contextToken(home);
        const seen = (await emu.requests()).length;
        const r = await runQlik(['api-key', 'rotate'], { env: envFor(home) });
        await checkRun(v, r, home);
        v.eq('exit code', r.code, 2);
        v.eq('stderr lines', stderrLines(r.stderr).length, 1);
        v.match('stderr', r.stderr, /^Error: the quota of 2 API keys is full: .*nothing changed\n$/);
        const writes = (await emu.requests())
          .slice(seen)
          .filter((q) => q.path.startsWith('/api/') && q.method !== 'GET');
        v.eq('writes', writes.map((q) => `${q.method} ${q.path}`).join(', '), '');
        v.eq('context unchanged', (await contextToken(home)) === before, true);
        return v.done();
      },
    },
    {
      id: 'lifecycle/exec-signals',
      section: 'lifecycle',
      reduced: true,
      injected:
        'api-key exec -- sh (waiting) ended by SIGTERM, SIGINT and SIGKILL of qlik; then audit --fix 11 minutes later',
      expected:
        "SIGTERM/SIGINT: the command gets the signal, qlik exits with its code, the key is deleted; SIGKILL: one tagged key whose expiry is exec's (PT5M), removed by the next audit --fix",
      async run(lab) {
        const v = new Verdict();
        const emu = await lab.fresh();
        const home = await devHome(emu, 'seed');
        for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGTERM', 'SIGINT', 'SIGKILL'])) {
          const marker = join(home, `started-${signal}`);
          const p = spawnQlik(
            [
              'api-key',
              'exec',
              '--expiry',
              'PT5M',
              '--description',
              `ex-${signal}`,
              '--',
              'sh',
              '-c',
              `trap 'exit 99' TERM INT; echo $$ > ${marker}; while :; do sleep 0.05; done`,
            ],
            { env: envFor(home) },
          );
          let child = 0;
          for (let i = 0; i < 400 && child === 0; i++) {
            child = Number((await readFile(marker, 'utf8').catch(() => '')).trim()) || 0;
            if (child === 0) await sleep(25);
          }
          v.expect(child > 0, `${signal}: the command did not start`);
          p.child.kill(signal);
          if (signal === 'SIGKILL' && child > 0) process.kill(child, 'SIGKILL');
          const r = await p.done;
          const keys = await keysOf(emu, `ex-${signal}`);
          if (signal === 'SIGKILL') {
            v.eq(`${signal}: keys left`, keys.length, 1);
            const k = keys[0];
            if (k)
              v.eq(`${signal}: lifetime of the key left`, Date.parse(k.expiry) - Date.parse(k.created), 5 * 60_000);
          } else {
            await checkRun(v, r, home, signal);
            v.eq(`${signal}: exit code`, r.code, 99);
            v.eq(`${signal}: keys left`, keys.length, 0);
          }
        }
        await emu.control('POST', 'time', { offsetMs: 11 * 60_000 });
        const admin = await homeFor(emu.url, emu.admin.apiKey);
        const fix = await runQlik(['api-key', 'audit', '--fix'], { env: envFor(admin) });
        await checkRun(v, fix, admin, 'audit --fix');
        v.match('audit --fix lists the leftover', fix.stderr, /Deleted API key \S+: left behind by this CLI/);
        v.eq('exec keys left after audit --fix', (await keysOf(emu, 'ex-SIGKILL')).length, 0);
        return v.done();
      },
    },
  ];
}
