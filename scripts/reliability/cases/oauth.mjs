// 6. OAuth client credentials (issue #11): a context with the emulator's seeded M2M client; the token endpoint under
// faults (503, reset, 429, slow), a token that expires or is revoked while cached, a wrong secret, a cold cache under
// parallel runs, and the client secret and access tokens kept out of every stderr, argv and file but the cache.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  envFor,
  makeHome,
  modeOf,
  registerToken,
  runQlik,
  spawnQlik,
  stderrLines,
  withCmdline,
  writeContexts,
} from '../lab.mjs';
import {
  checkRun,
  countLeaks,
  hasErrorMessage,
  noLeaks,
  parseJson,
  retryArgs,
  secretValue,
  Verdict,
} from '../verdict.mjs';

const TOKEN_PATH = '/oauth/token';
const ME = ['user', 'me'];

/** @typedef {import('./case.mjs').Lab['emu']} LabEmulator */
/** @typedef {import('../../../test/kit/process.mjs').ProcessResult} ProcessResult */

/**
 * The emulator's seeded M2M client (every lab emulator starts with one).
 * @param {LabEmulator} emu
 */
function seededClient(emu) {
  const client = emu.oauthClients[0];
  if (client === undefined) throw new Error('the emulator seeded no OAuth client');
  return client;
}

/**
 * A home whose current context `oauth` uses the emulator's seeded M2M client (or `secret` instead of its own).
 * @param {LabEmulator} emu
 * @param {{ secret?: string }} [opts]
 */
async function oauthHome(emu, { secret } = {}) {
  const client = seededClient(emu);
  const home = await makeHome();
  await writeContexts(home, {
    oauth: {
      server: emu.url,
      'oauth-client-id': client.clientId,
      'oauth-client-secret': secret ?? client.clientSecret,
    },
  });
  return home;
}

/**
 * Token requests the emulator saw, from its request log.
 * @param {LabEmulator} emu
 */
async function tokenRequests(emu) {
  return (await emu.requests()).filter((e) => e.path === TOKEN_PATH);
}

/**
 * Checks of every OAuth run: the common ones, no secret on stdout (unless it prints a created key), the cache file 0600.
 * @param {Verdict} v
 * @param {ProcessResult} r
 * @param {string} home
 * @param {string} [label]
 * @param {{ printsKey?: boolean }} [opts]
 */
async function checkOAuthRun(v, r, home, label, { printsKey = false } = {}) {
  await checkRun(v, r, home, label);
  const onStdout = printsKey ? 0 : countLeaks(r.stdout);
  v.add('leaked', onStdout);
  v.expect(onStdout === 0, `a secret on stdout${label ? ` (${label})` : ''}`);
  const mode = await modeOf(join(home, '.qlik', 'oauth-tokens.json'));
  if (mode !== undefined) v.expect((mode & 0o077) === 0, `the token cache is mode ${mode.toString(8)}`);
}

/**
 * The token endpoint under one fault kind: `user me --retry N` on a cold cache.
 * @typedef {object} TokenFault
 * @property {string} key
 * @property {string} injected
 * @property {import('../lab.mjs').FaultAction} action
 * @property {number[]} retries
 * @property {number[]} [reduced]
 * @property {number} [minWaitS]
 * @property {number} [timeout]
 * @property {RegExp} [stderr]
 */
/** @type {TokenFault[]} */
const TOKEN_FAULTS = [
  { key: '503', injected: '503', action: { type: 'status', status: 503 }, retries: [0, 1], reduced: [1] },
  {
    key: 'reset',
    injected: 'connection reset after the token is issued',
    action: { type: 'reset-after' },
    retries: [1],
  },
  {
    key: '429',
    injected: '429, retry-after: 1',
    action: { type: 'status', status: 429, headers: { 'retry-after': '1' } },
    retries: [1],
    minWaitS: 1,
  },
  {
    key: 'slow',
    injected: 'first byte after 8 s, QLIK_HTTP_TIMEOUT=2',
    action: { type: 'slow-first-byte', ms: 8000 },
    timeout: 2,
    retries: [1],
    stderr: /timed out after 2s/,
  },
];

/** @returns {import('./case.mjs').Case[]} */
function tokenFaultCases() {
  /** @type {import('./case.mjs').Case[]} */
  const cases = [];
  for (const f of TOKEN_FAULTS) {
    for (const retry of f.retries) {
      const success = retry > 0;
      cases.push({
        id: `oauth/token-${f.key}/r${retry}`,
        section: 'oauth',
        reduced: f.reduced?.includes(retry) ?? false,
        injected: `POST /oauth/token: ${f.injected} ×1; user me --retry ${retry} on a cold token cache`,
        expected: success
          ? 'exit 0 after one retry of the token request (2 token requests); one retry line on stderr'
          : "exit 1 with the server's error; 1 token request",
        async run(lab) {
          const emu = await lab.fresh();
          await emu.faults.add({ method: 'POST', path: TOKEN_PATH, action: f.action });
          const home = await oauthHome(emu);
          const r = await runQlik([...ME, ...retryArgs(retry)], {
            env: envFor(home, f.timeout ? { QLIK_HTTP_TIMEOUT: String(f.timeout) } : {}),
          });
          const v = new Verdict();
          const tokens = await tokenRequests(emu);
          v.fig('attempts', tokens.length);
          await checkOAuthRun(v, r, home);
          v.eq('exit code', r.code, success ? 0 : 1);
          v.eq('token requests', tokens.length, success ? 2 : 1);
          if (success) {
            /** @type {{ name?: string } | undefined} */
            const me = parseJson(r.stdout);
            v.eq('printed user', me?.name, seededClient(emu).name);
            v.eq('retry lines on stderr', stderrLines(r.stderr).filter((l) => /retrying in/.test(l)).length, 1);
          } else {
            v.expect(hasErrorMessage(r.stderr), `no error message: ${JSON.stringify(r.stderr.slice(0, 300))}`);
          }
          if (f.stderr) v.match('stderr', r.stderr, f.stderr);
          if (f.minWaitS && success)
            v.expect(r.ms >= f.minWaitS * 1000, `did not wait the retry-after (${Math.round(r.ms)} ms)`);
          if (f.timeout) {
            const cut = Math.max(0, ...tokens.filter((e) => e.faultId !== undefined).map((e) => e.ms));
            v.fig('cutAfterS', (cut / 1000).toFixed(1));
            v.expect(cut <= (f.timeout + 2.5) * 1000, `the faulted token request stayed open ${cut} ms`);
          }
          noLeaks(v);
          return v.done();
        },
      });
    }
  }
  return cases;
}

/**
 * How a cached token goes stale, and what the second run does and checks.
 * @typedef {object} StaleHow
 * @property {string} injected
 * @property {(emu: LabEmulator) => Promise<unknown>} spoil
 * @property {(emu: LabEmulator) => string[]} [argv]
 * @property {(emu: LabEmulator) => Promise<void>} [mid]
 * @property {(v: Verdict, emu: LabEmulator, r: ProcessResult) => Promise<void>} [check]
 */

/**
 * A cached token that the server no longer takes: one new token, one retried request, success.
 * @param {'expired' | 'revoked' | 'expired-mid-run'} kind
 * @returns {import('./case.mjs').Case}
 */
function staleTokenCase(kind) {
  /** @type {Record<typeof kind, StaleHow>} */
  const hows = {
    expired: {
      injected: "the emulator's clock moves 7 h ahead (past the token's 6 h lifetime) while a token is cached",
      spoil: (emu) => emu.setTime({ offsetMs: 7 * 3600_000 }),
    },
    revoked: {
      injected: 'the cached token is revoked on the server (POST /__emulator/oauth/tokens/revoke)',
      spoil: (emu) => emu.revokeOAuthTokens(),
    },
    'expired-mid-run': {
      injected:
        'api-key create --sub <dev>: the POST commits, its answer waits 1.5 s, and the token expires on the server meanwhile; the PATCH that removes the create tag then needs a new token',
      spoil: (emu) =>
        emu.faults.add({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'slow-first-byte', ms: 1500 } }),
      argv: (emu) => [
        'api-key',
        'create',
        '--description',
        'reliability oauth mid-run',
        '--sub',
        emu.dev.id,
        '--expiry',
        'PT1H',
      ],
      // Once the POST is on the server (its key committed), the token expires.
      mid: async (emu) => {
        for (let i = 0; i < 400 && (await emu.ledger()).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        await emu.expireOAuthTokens();
      },
      check: async (v, emu, r) => {
        /** @type {import('../verdict.mjs').CliKey | undefined} */
        const key = parseJson(r.stdout);
        registerToken(key?.token);
        v.eq('description of the created key', key?.description, 'reliability oauth mid-run');
        const active = (await emu.ledger()).filter((e) => e.state === 'active');
        v.eq(
          'active keys (no orphan, no tag left)',
          active.map((e) => e.description).join(','),
          'reliability oauth mid-run',
        );
      },
    },
  };
  const how = hows[kind];
  return {
    id: `oauth/${kind}`,
    section: 'oauth',
    reduced: kind === 'expired',
    injected: how.injected,
    expected: 'the next request gets 401, the CLI fetches exactly one new token and retries once: exit 0',
    async run(lab) {
      const emu = await lab.fresh();
      const home = await oauthHome(emu);
      const first = await runQlik(ME, { env: envFor(home) });
      const v = new Verdict();
      await checkOAuthRun(v, first, home, 'first run');
      v.eq('first run', first.code, 0);
      await emu.control('DELETE', 'requests');
      await how.spoil(emu);
      const p = spawnQlik(how.argv?.(emu) ?? ME, { env: envFor(home) });
      await how.mid?.(emu);
      const second = await p.done;
      await checkOAuthRun(v, second, home, 'second run', { printsKey: how.check !== undefined });
      const log = await emu.requests();
      v.fig('attempts', log.filter((e) => e.path === TOKEN_PATH).length);
      v.eq('second run', second.code, 0);
      v.eq('token requests of the second run', v.figures.attempts, 1);
      v.eq('401s the second run got', log.filter((e) => e.status === 401).length, 1);
      await how.check?.(v, emu, second);
      noLeaks(v);
      return v.done();
    },
  };
}

/**
 * @param {{ reduced: boolean }} opts
 * @returns {import('./case.mjs').Case[]}
 */
function otherCases({ reduced }) {
  const parallel = reduced ? 6 : 20;
  return [
    {
      id: 'oauth/bad-secret',
      section: 'oauth',
      reduced: true,
      injected: 'an OAuth context whose client secret is wrong; user me --retry 3',
      expected:
        "exit 1 with one line naming the context and the server's reason; 1 token request (no retry loop); the wrong secret never printed",
      async run(lab) {
        const emu = await lab.fresh();
        const home = await oauthHome(emu, { secret: secretValue('wrong') });
        const r = await runQlik([...ME, '--retry', '3', '--interval', '1'], { env: envFor(home) });
        const v = new Verdict();
        v.fig('attempts', (await tokenRequests(emu)).length);
        await checkOAuthRun(v, r, home);
        v.eq('exit code', r.code, 1);
        v.eq('token requests', v.figures.attempts, 1);
        v.eq('stderr lines', stderrLines(r.stderr).length, 1);
        v.match('stderr', r.stderr, /context 'oauth'/);
        noLeaks(v);
        return v.done();
      },
    },
    {
      id: 'oauth/cold-cache-parallel',
      section: 'oauth',
      heavy: true,
      injected: `${parallel} parallel user me runs on a cold token cache`,
      expected: 'all exit 0 with at most 3 token requests (fetched under a lock, shared through the 0600 cache)',
      async run(lab) {
        const emu = await lab.fresh();
        const home = await oauthHome(emu);
        const results = await Promise.all(
          Array.from({ length: parallel }, () => runQlik(ME, { env: envFor(home), timeoutMs: 120_000 })),
        );
        const v = new Verdict();
        for (const r of results) await checkOAuthRun(v, r, home);
        v.fig('runs', parallel);
        const attempts = v.fig('attempts', (await tokenRequests(emu)).length);
        v.eq('runs that exited 0', results.filter((r) => r.code === 0).length, parallel);
        v.expect(attempts >= 1 && attempts <= 3, `${attempts} token requests`);
        noLeaks(v);
        return v.done();
      },
    },
    {
      id: 'oauth/secrets-everywhere',
      section: 'oauth',
      reduced: true,
      injected:
        'context create --oauth-client-secret - (stdin held open), then user me -v, api-key ls -v, context get, context get --json, and a -v run whose token request waits 1.5 s; /proc/<pid>/cmdline read while each waits',
      expected:
        'the client secret and every access token absent from every stderr, stdout (but none is printed) and cmdline sample; the cache file 0600',
      async run(lab) {
        const emu = await lab.fresh();
        const client = seededClient(emu);
        const home = await makeHome();
        const env = envFor(home);
        const v = new Verdict();
        /** @type {string[]} */
        const samples = [];
        /** @type {string[]} */
        const texts = [];
        /** @param {ReturnType<typeof spawnQlik>} p */
        const watched = async (p) => {
          const { r, samples: seen } = await withCmdline(p);
          samples.push(...seen);
          texts.push(r.stdout, r.stderr);
          return r;
        };
        const create = spawnQlik(
          [
            'context',
            'create',
            'oauth',
            '--server',
            emu.url,
            '--oauth-client-id',
            client.clientId,
            '--oauth-client-secret',
            '-',
          ],
          { env, holdStdin: true },
        );
        setTimeout(() => create.child.stdin.end(`${client.clientSecret}\n`), lab.reduced ? 500 : 1200);
        const made = await watched(create);
        await checkOAuthRun(v, made, home, 'context create');
        v.eq('context create', made.code, 0);
        const use = await runQlik(['context', 'use', 'oauth'], { env });
        await checkOAuthRun(v, use, home, 'context use');
        for (const args of [
          ['user', 'me', '-v'],
          ['api-key', 'ls', '-v'],
          ['context', 'get'],
          ['context', 'get', '--json'],
        ]) {
          const r = await runQlik(args, { env });
          await checkOAuthRun(v, r, home, args.join(' '));
          v.eq(args.join(' '), r.code, 0);
          texts.push(r.stdout, r.stderr);
        }
        await emu.faults.add({ method: 'POST', path: TOKEN_PATH, action: { type: 'delay', ms: 1500 } });
        await emu.revokeOAuthTokens();
        const slow = await watched(spawnQlik(['user', 'me', '-v'], { env }));
        await checkOAuthRun(v, slow, home, 'user me -v, slow token');
        v.eq('user me after a revoke', slow.code, 0);
        const cache = await readFile(join(home, '.qlik', 'oauth-tokens.json'), 'utf8').catch(() => '');
        // Now that the cached tokens are known, a piece of one (its signature) counts too.
        for (const t of cache.match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g) ?? []) registerToken(t);
        v.eq(
          'secrets in any output, counting pieces of the cached tokens',
          texts.reduce((n, t) => n + countLeaks(t), 0),
          0,
        );
        const inArgv = samples.filter((s) => countLeaks(s) > 0 || s.includes(client.clientSecret)).length;
        v.fig('samples', samples.length);
        v.add('leaked', inArgv);
        v.expect(
          samples.some((s) => s.includes('--oauth-client-secret -')),
          'never caught context create alive',
        );
        v.eq('cmdline samples holding a secret', inArgv, 0);
        v.eq('cache file mode', (await modeOf(join(home, '.qlik', 'oauth-tokens.json')))?.toString(8), '600');
        noLeaks(v);
        return v.done();
      },
    },
  ];
}

/**
 * @param {{ reduced?: boolean }} [opts]
 * @returns {import('./case.mjs').Case[]}
 */
export function oauthCases({ reduced = false } = {}) {
  return [
    ...tokenFaultCases(),
    staleTokenCase('expired'),
    staleTokenCase('revoked'),
    staleTokenCase('expired-mid-run'),
    ...otherCases({ reduced }),
  ];
}
