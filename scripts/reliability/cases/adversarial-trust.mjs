// 5b. Adversarial, second pass (issue 18): one case or more for each of the CLI's rules 1–17, and the create's three
// proofs (20 concurrent creates with 503-after-commit, a forged 2xx naming a foreign id, a ±120 s Date skew). The
// forged 2xx is the emulator's own `status-after` fault (it commits, then answers what the rule says); the skew is a
// relay in front of the emulator (net.mjs startRewriter) that moves every answer's Date header. Rules 18–23 (the
// emulator's) are another helper's.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, rename, stat, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  adminHome,
  contextsPath,
  envFor,
  homeFor,
  makeHome,
  qlikPath,
  registerSecret,
  runQlik,
  spawnQlik,
  stderrLines,
} from '../lab.mjs';
import { localhostCertificate } from '../../../test/kit/tls.mjs';
import { startProxy, startRewriter, startSink } from '../net.mjs';
import { checkRun, commonChecks, KEYS_PATH, parseJson, POST_KEYS, secretValue, TAG_RE, Verdict } from '../verdict.mjs';
import {
  activeKeys,
  attackMaker,
  figure,
  noneLeaked,
  createArgs,
  failPosts,
  freshAdmin,
  mintKey,
  raceCreates,
  tokenWorks,
  verdictOf,
} from './attack-kit.mjs';

const RULES = {
  1: 'an id from an answer is proven before it is touched',
  2: 'the sweep window is wide',
  3: 'a non-2xx answer to a tagged POST is checked once',
  4: 'interrupts and failed removals name what is left',
  5: 'hints name the real tag',
  6: 'output paths that are not regular files are written in place',
  7: 'paths and ids cannot leave their resource',
  8: 'body files are regular files only',
  9: 'bodies never take a prototype',
  10: 'context names are what they show',
  11: 'empty descriptions and out-of-range durations',
  12: 'permission warnings follow a symlinked ~/.qlik',
  13: '-v masks secret-named query values',
  14: 'echoed secrets are masked in their encodings',
  15: 'completion escapes inside open quotes',
  16: 'raw on a terminal escapes CR',
  17: 'TLS through a proxy checks the target host',
};

/** @typedef {import('./index.mjs').Case} Case */
/** @typedef {import('./attack-kit.mjs').Emu} Emu */
/** @typedef {import('./attack-kit.mjs').Run} Run */

const attack = attackMaker(RULES, { idPrefix: 'i18-', ruleWord: 'issue 18 rule' });

/**
 * Requests of the emulator's log that changed or removed key `id` (PATCH or DELETE).
 * @param {Emu} emu
 * @param {string} id
 */
async function touched(emu, id) {
  return (await emu.requests()).filter(
    (e) => (e.method === 'PATCH' || e.method === 'DELETE') && e.path === `${KEYS_PATH}/${id}`,
  ).length;
}

/**
 * A foreign key (minted, not this run's) is as it was: active, same description, its token works, never touched.
 * @param {Verdict} v
 * @param {Emu} emu
 * @param {{ id: string, token: string, description: string }} key
 * @param {string} label
 */
async function foreignUntouched(v, emu, key, label) {
  const now = (await emu.call('GET', `${KEYS_PATH}/${key.id}`, { token: emu.admin.apiKey })).body;
  v.eq(`${label}: status`, now?.status, 'active');
  v.eq(`${label}: description`, now?.description, key.description);
  v.expect(await tokenWorks(emu, key.token), `${label}: its token no longer works`);
  v.eq(`${label}: PATCH/DELETE requests on it`, await touched(emu, key.id), 0);
}

/**
 * A create's outcome: exit 0, its token works, no other key of the description is active.
 * @param {Verdict} v
 * @param {Emu} emu
 * @param {Run} r
 * @param {string} description
 * @param {string} label
 */
async function deliveredAlone(v, emu, r, description, label) {
  const out = parseJson(r.stdout);
  v.eq(`${label}: exit code`, r.code, 0);
  v.expect(await tokenWorks(emu, out?.token), `${label}: the delivered token does not work`);
  const active = await activeKeys(emu, description);
  v.add('orphans', active.filter((e) => e.id !== out?.id).length);
  v.eq(`${label}: printed description`, out?.description, description);
  return out;
}

// ---- rules 1–5: the create ----

/**
 * @param {{ reduced: boolean }} opts
 * @returns {Case[]}
 */
function createCases({ reduced }) {
  const runs = reduced ? 6 : 20;
  return [
    attack(1, 'concurrent-creates-503-after-commit', {
      heavy: true,
      injected: `${runs} concurrent creates with one description while two foreign keys exist (same description, one of them ending like a tag); the first ${Math.ceil(runs / 2)} POSTs answer 503 after commit; --retry 3`,
      expected:
        'every run exits 0; every delivered token works; 0 orphans; the foreign keys untouched (never patched or deleted)',
      async run(lab) {
        const description = 'reliability i18 race';
        /** @type {{ id: string, token: string, description: string }[]} */
        const foreign = [];
        const { emu, v, results, delivered, working } = await raceCreates(lab, {
          runs,
          faulted: Math.ceil(runs / 2),
          description,
          timeoutMs: 180_000,
          before: async (emu) => {
            foreign.push(await mintKey(emu, description));
            foreign.push(await mintKey(emu, `${description} [qlik-cli:AAAAAAAAAAAA.1]`));
          },
        });
        const ids = new Set([...delivered.map((o) => o.id), ...foreign.map((k) => k.id)]);
        const active = await activeKeys(emu, description);
        v.fig('runs', runs);
        v.fig('delivered', delivered.length);
        v.fig('working', working);
        v.fig('orphans', active.filter((e) => !ids.has(e.id)).length);
        v.eq('runs that exited 0', results.filter((r) => r.code === 0).length, runs);
        v.eq('delivered tokens that work', working, runs);
        v.eq('orphans', figure(v, 'orphans'), 0);
        for (const [i, k] of foreign.entries()) await foreignUntouched(v, emu, k, `foreign key ${i + 1}`);
        noneLeaked(v);
        return v.done();
      },
    }),
    attack(1, 'forged-2xx-foreign-id', {
      injected:
        "the first POST commits, then answers 201 naming another key's id (with a token, then a second run without one): the emulator's status-after fault with a forged body",
      expected:
        'the foreign key is never patched or deleted and keeps working; each run finds its own key by its tag, removes it, creates again and delivers a working token; 0 orphans',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const v = new Verdict();
        v.fig('orphans', 0);
        for (const withToken of [true, false]) {
          const label = withToken ? 'forged with a token' : 'forged without a token';
          const description = `reliability i18 forged ${withToken ? 'a' : 'b'}`;
          const victim = await mintKey(emu, "someone else's key");
          const forged = {
            id: victim.id,
            description,
            status: 'active',
            ...(withToken ? { token: 'forged-token-0123456789' } : {}),
          };
          await failPosts(emu, { status: 201, times: 1, body: forged });
          const r = await runQlik(createArgs(description, { retry: 2 }), { env: envFor(home) });
          await checkRun(v, r, home, label);
          await deliveredAlone(v, emu, r, description, label);
          await foreignUntouched(v, emu, victim, `${label}: the foreign key`);
          v.match(`${label}: stderr`, r.stderr, /which this run did not create \(left untouched\)/);
        }
        v.eq('orphans', figure(v, 'orphans'), 0);
        return v.done();
      },
    }),
    attack(2, 'date-skew-120s', {
      injected:
        "a relay in front of the emulator moves every answer's Date header by +120 s, then by −120 s; the first POST of each run answers 503 after commit",
      expected: 'the lost key is found and removed despite the skew; each run delivers a working token; 0 orphans',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        v.fig('orphans', 0);
        for (const skew of [120_000, -120_000]) {
          const relay = await startRewriter(emu.port, (a) => ({
            ...a,
            headers: { ...a.headers, date: new Date(Date.now() + skew).toUTCString() },
          }));
          try {
            const label = `Date ${skew > 0 ? '+' : '−'}120 s`;
            const description = `reliability i18 skew ${skew > 0 ? 'ahead' : 'behind'}`;
            await failPosts(emu, { times: 1 });
            const home = await homeFor(relay.url, emu.admin.apiKey);
            const r = await runQlik(createArgs(description, { retry: 1 }), { env: envFor(home) });
            await checkRun(v, r, home, label);
            await deliveredAlone(v, emu, r, description, label);
            v.match(
              `${label}: stderr`,
              r.stderr,
              /Removed API key [0-9a-f-]+: this run created it, but the answer was lost/,
            );
          } finally {
            await relay.close();
          }
        }
        v.eq('orphans', figure(v, 'orphans'), 0);
        return v.done();
      },
    }),
    attack(3, 'committed-4xx-3xx', {
      injected: 'the POST commits, then answers 409, 403, 422 or 302 (a response-inspecting proxy); --retry 2',
      expected:
        'exit 1 with the server answer; the key that was made is found by its tag, removed and named; 0 orphans',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const v = new Verdict();
        let orphans = 0;
        for (const status of [409, 403, 422, 302]) {
          const description = `reliability i18 committed ${status}`;
          const action =
            status === 302
              ? { type: 'status-after', status, headers: { location: '/elsewhere' } }
              : { type: 'status-after', status };
          await emu.faults.add({ ...POST_KEYS, times: 1, action });
          const r = await runQlik(createArgs(description, { retry: 2, expiry: false }), { env: envFor(home) });
          await checkRun(v, r, home, String(status));
          v.eq(`${status}: exit code`, r.code, 1);
          v.match(
            `${status}: stderr`,
            r.stderr,
            new RegExp(`Removed API key [0-9a-f-]+: this run created it, but the server answered ${status} `),
          );
          orphans += (await activeKeys(emu, description)).length;
        }
        v.fig('orphans', orphans);
        v.eq('orphans', orphans, 0);
        return v.done();
      },
    }),
    attack(4, 'interrupt-during-check', {
      injected:
        'the POST answers 503 after commit; the listing that checks for the lost key takes 4 s; SIGINT arrives during that check',
      expected: 'exit 130; the key this run made is removed anyway (or named with its tag); 0 orphans',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const description = 'reliability i18 interrupted check';
        await failPosts(emu, { times: 1 });
        await emu.faults.add({ method: 'GET', path: KEYS_PATH, times: 1, action: { type: 'delay', ms: 4000 } });
        const p = spawnQlik(createArgs(description), { env: envFor(home) });
        // The POST, then a 1 s wait, /users/me, then the slow listing: well inside it after 2.5 s.
        await sleep(2500);
        p.child.kill('SIGINT');
        const r = await p.done;
        const v = await verdictOf(r, home);
        v.eq('exit code', r.code, 130);
        const left = await activeKeys(emu, description);
        const named = left.filter(
          (e) =>
            r.stderr.includes(e.id) && r.stderr.includes(TAG_RE.exec(e.description ?? '')?.[0]?.trim() ?? '\u0000'),
        );
        v.fig('orphans', left.length - named.length);
        v.eq('keys left active and not named', left.length - named.length, 0);
        v.match(
          'last line',
          stderrLines(r.stderr).at(-1),
          /^Error: interrupted by SIGINT; (removed API key|could not)/,
        );
        return v.done();
      },
    }),
    attack(4, 'cleanup-delete-fails', {
      injected: 'the POST answers 201 without the token (drop-token); every DELETE of a key answers 403',
      expected: 'exit 1; one Error line names the key left behind and the exact command to remove it',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const description = 'reliability i18 stuck';
        await emu.faults.add({ ...POST_KEYS, times: 1, action: { type: 'drop-token' } });
        await emu.faults.add({
          method: 'DELETE',
          path: emu.under(KEYS_PATH),
          times: 20,
          action: { type: 'status', status: 403 },
        });
        const r = await runQlik(createArgs(description, { retry: 1, expiry: false }), { env: envFor(home) });
        const v = await verdictOf(r, home);
        v.eq('exit code', r.code, 1);
        const left = await activeKeys(emu, description);
        v.eq('keys left active', left.length, 1);
        const line = stderrLines(r.stderr).at(-1) ?? '';
        v.expect(
          left.every((e) => line.includes(`qlik api-key rm ${e.id}`)),
          `the last line does not name the command for the key left: ${JSON.stringify(line)}`,
        );
        v.fig('orphans', left.filter((e) => !line.includes(e.id)).length);
        return v.done();
      },
    }),
    attack(5, 'hint-names-real-tag', {
      injected: 'the POST answers 503 after commit; every GET /users/me answers 500 (the check cannot run)',
      expected: 'exit 1; the hint names the exact description ending of the key left, "[qlik-cli:<nonce>.<n>]"',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const description = 'reliability i18 hint';
        await failPosts(emu, { times: 1 });
        await emu.faults.add({
          method: 'GET',
          path: '/api/v1/users/me',
          times: 20,
          action: { type: 'status', status: 500 },
        });
        const r = await runQlik(createArgs(description, { expiry: false }), { env: envFor(home) });
        const v = await verdictOf(r, home);
        v.eq('exit code', r.code, 1);
        const left = await activeKeys(emu, description);
        v.eq('keys left (the check could not run)', left.length, 1);
        const ending = TAG_RE.exec(left[0]?.description ?? '')?.[0]?.trim();
        v.expect(
          ending !== undefined && r.stderr.includes(`"${ending}"`),
          `the hint does not name ${ending}: ${JSON.stringify(r.stderr.slice(-300))}`,
        );
        return v.done();
      },
    }),
  ];
}

// ---- rules 6–12: files, paths and inputs ----

/** A run that must be refused before any request: exit 1, one Error line, the emulator saw nothing. */
/**
 * @param {import('../verdict.mjs').Verdict} v
 * @param {Emu} emu
 * @param {string} home
 * @param {string[]} args
 * @param {string} label
 * @param {{ env?: Record<string, string>, re?: RegExp }} [opts]
 */
async function refused(v, emu, home, args, label, { env = {}, re } = {}) {
  const before = (await emu.requests()).length;
  const r = await runQlik(args, { env: envFor(home, env), timeoutMs: 20_000 });
  commonChecks(v, r, label);
  v.eq(`${label}: exit code`, r.code, 1);
  const lines = stderrLines(r.stderr);
  v.eq(`${label}: stderr lines`, lines.length, 1);
  if (re) v.match(`${label}: message`, lines[0], re);
  v.eq(`${label}: requests sent`, (await emu.requests()).length - before, 0);
  v.expect(r.ms < 10_000, `${label}: took ${Math.round(r.ms)} ms`);
  return r;
}

/** @returns {Case[]} */
function inputCases() {
  return [
    attack(6, 'output-file-device-fifo', {
      injected:
        '--output-file naming a character device of its own (mknod, as root) and a symlink to a FIFO with a reader',
      expected: 'exit 0; the device stays a device (same inode), the link stays a link, the FIFO reader gets the body',
      async run(lab) {
        const emu = lab.emu;
        const home = await adminHome(emu);
        const v = new Verdict();
        const dev = join(home, 'null');
        try {
          execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3'], { stdio: 'ignore' });
          const before = await stat(dev);
          const r = await runQlik(['raw', 'get', 'v1/users/me', '--output-file', dev], { env: envFor(home) });
          await checkRun(v, r, home, 'device');
          v.eq('device: exit code', r.code, 0);
          const after = await stat(dev);
          v.expect(after.isCharacterDevice() && after.ino === before.ino, 'the device node was replaced');
        } catch (e) {
          v.expect(process.getuid?.() !== 0, `mknod failed as root: ${/** @type {Error} */ (e).message}`);
        }
        const fifo = join(home, 'pipe');
        execFileSync('mkfifo', [fifo]);
        const link = join(home, 'out-link');
        await symlink(fifo, link);
        const reader = spawn('cat', [fifo]);
        let got = '';
        reader.stdout.on('data', (c) => (got += c));
        const closed = new Promise((resolve) => reader.on('close', resolve));
        const r = await runQlik(['raw', 'get', 'v1/users/me', '--output-file', link], { env: envFor(home) });
        await closed;
        await checkRun(v, r, home, 'fifo');
        v.eq('fifo: exit code', r.code, 0);
        v.expect(
          parseJson(got)?.id === emu.admin.id || got.includes(emu.admin.id),
          `the FIFO reader got ${JSON.stringify(got.slice(0, 100))}`,
        );
        v.expect((await lstat(link)).isSymbolicLink(), 'the link was replaced');
        v.expect((await stat(fifo)).isFIFO(), 'the FIFO was replaced');
        return v.done();
      },
    }),
    attack(7, 'path-controls-dot-ids', {
      reduced: true,
      injected:
        "raw get 'v1/.<TAB>./.<TAB>./__emulator/info', 'v1/.<LF>./oauth/revoke'; api-key rm ..; api-key get .; user get ''",
      expected: 'each refused before any request in one line; the key never reaches a path outside its resource',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const v = new Verdict();
        await refused(v, emu, home, ['raw', 'get', 'v1/.\t./.\t./__emulator/info'], 'TAB', {
          re: /has a control character \(U\+0009\)/,
        });
        await refused(v, emu, home, ['raw', 'get', 'v1/.\n./oauth/revoke'], 'LF', {
          re: /has a control character \(U\+000A\)/,
        });
        for (const [args, label] of /** @type {[string[], string][]} */ ([
          [['api-key', 'rm', '..'], 'api-key rm ..'],
          [['api-key', 'get', '.'], 'api-key get .'],
          [['user', 'get', ''], "user get ''"],
        ])) {
          await refused(v, emu, home, args, label, { re: /an id cannot be empty, "\." or "\.\."/ });
        }
        return v.done();
      },
    }),
    attack(8, 'body-file-fifo-zero', {
      injected: 'raw post --body-file app.qvf where app.qvf is a FIFO without a writer, then a symlink to /dev/zero',
      expected:
        'each refused at once in one line (not a regular file); nothing blocks, nothing is read, nothing is sent',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const v = new Verdict();
        const fifo = join(home, 'app.qvf');
        execFileSync('mkfifo', [fifo]);
        await refused(v, emu, home, ['raw', 'post', 'v1/apps/import', '--body-file', fifo], 'FIFO', {
          re: /not a regular file$/,
        });
        const zero = join(home, 'zero.qvf');
        await symlink('/dev/zero', zero);
        await refused(v, emu, home, ['raw', 'post', 'v1/apps/import', '--body-file', zero], '/dev/zero', {
          re: /not a regular file$/,
        });
        return v.done();
      },
    }),
    attack(9, 'prototype-keys', {
      reduced: true,
      injected:
        'api-key create -f with {"__proto__":{"expiry":"PT24H"}}; raw post --body-values __proto__.expiry=PT24H and constructor.prototype.x=1',
      expected: 'each refused before any request, naming the source; no key made with an expiry nobody asked for',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const v = new Verdict();
        const file = join(home, 'body.json');
        await writeFile(file, '{"description":"proto","expiry":"PT1H","__proto__":{"expiry":"PT24H"}}');
        await refused(v, emu, home, ['api-key', 'create', '-f', file], '-f', {
          re: /^Error: --file .*: the key "__proto__" is not allowed in a request body$/,
        });
        await refused(
          v,
          emu,
          home,
          ['raw', 'post', 'v1/api-keys', '--body-values', '__proto__.expiry=PT24H'],
          '--body-values __proto__',
          { re: /"__proto__" is not allowed/ },
        );
        await refused(
          v,
          emu,
          home,
          ['raw', 'post', 'v1/api-keys', '--body-values', 'constructor.prototype.x=1'],
          '--body-values constructor',
          { re: /"constructor" is not allowed/ },
        );
        v.eq('keys made', (await emu.ledger()).length, 0);
        return v.done();
      },
    }),
    attack(10, 'context-names', {
      injected:
        "context create with ESC, LF, a right-to-left override and a bidi isolate in the name; then 'café' in NFD and again in NFC",
      expected:
        'the four refused in one line each, nothing written; the NFD name stored as NFC, and the NFC twin refused as existing',
      async run(lab) {
        const emu = lab.emu;
        const home = await makeHome();
        const v = new Verdict();
        for (const [label, name] of /** @type {[string, string][]} */ ([
          ['ESC', 'prod\u001b[2J'],
          ['LF', 'prod\nother'],
          ['RLO', 'dorp\u202eprod'],
          ['isolate', '\u2066prod\u2069'],
        ])) {
          const r = await runQlik(['context', 'create', name, '--server', emu.url], { env: envFor(home) });
          commonChecks(v, r, label);
          v.eq(`${label}: exit code`, r.code, 1);
          v.match(`${label}: message`, r.stderr, /has a control or bidirectional character/);
        }
        const a = await runQlik(['context', 'create', 'cafe\u0301', '--server', emu.url], { env: envFor(home) });
        const b = await runQlik(['context', 'create', 'caf\u00e9', '--server', emu.url], { env: envFor(home) });
        commonChecks(v, a, 'NFD');
        commonChecks(v, b, 'NFC');
        v.eq('NFD create', a.code, 0);
        v.eq('NFC twin', b.code, 1);
        v.match('NFC twin message', b.stderr, /already exists/);
        return v.done();
      },
    }),
    attack(11, 'empty-description-timeouts', {
      injected:
        "api-key create --description '' and '   '; QLIK_HTTP_TIMEOUT=2147484 and QLIK_HTTP_CONNECT_TIMEOUT=1e9",
      expected: 'each refused before any request, in one line naming the flag or the variable',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const v = new Verdict();
        await refused(v, emu, home, ['api-key', 'create', '--description', ''], 'empty', {
          re: /^Error: --description: description must not be empty$/,
        });
        await refused(v, emu, home, ['api-key', 'create', '--description', '   '], 'blank', {
          re: /^Error: --description: description must not be empty$/,
        });
        await refused(v, emu, home, ['api-key', 'create', '--description', 'd'], 'QLIK_HTTP_TIMEOUT', {
          env: { QLIK_HTTP_TIMEOUT: '2147484' },
          re: /^Error: QLIK_HTTP_TIMEOUT: at most 86400 seconds/,
        });
        await refused(v, emu, home, ['api-key', 'ls'], 'QLIK_HTTP_CONNECT_TIMEOUT', {
          env: { QLIK_HTTP_CONNECT_TIMEOUT: '1e9' },
          re: /^Error: QLIK_HTTP_CONNECT_TIMEOUT: at most 86400 seconds/,
        });
        return v.done();
      },
    }),
    attack(12, 'symlinked-qlik-dir', {
      injected:
        '~/.qlik is a symlink (a dotfile manager) to a private directory; then the directory holding the link is made writable by others',
      expected: 'no warning while all is private; then one warning naming the directory holding the link',
      async run(lab) {
        const emu = lab.emu;
        const home = await adminHome(emu);
        const real = join(home, 'dotfiles-qlik');
        await rename(join(home, '.qlik'), real);
        await symlink(real, join(home, '.qlik'));
        await chmod(home, 0o700);
        const v = new Verdict();
        const a = await runQlik(['api-key', 'ls', '-q'], { env: envFor(home) });
        await checkRun(v, a, undefined, 'private');
        v.eq('private: exit code', a.code, 0);
        v.eq('private: stderr', a.stderr, '');
        await chmod(home, 0o777);
        const b = await runQlik(['api-key', 'ls', '-q'], { env: envFor(home) });
        await chmod(home, 0o700);
        commonChecks(v, b, 'shared parent');
        v.eq('shared parent: warnings', stderrLines(b.stderr).length, 1);
        v.expect(
          b.stderr.includes(`directory ${home} is writable by other users`),
          `no warning naming ${home}: ${JSON.stringify(b.stderr)}`,
        );
        v.expect(contextsPath(home).startsWith(home), 'contexts path');
        return v.done();
      },
    }),
  ];
}

// ---- rules 13–17: secrets, the terminal, transport ----

/** @returns {Case[]} */
function secretAndTransportCases() {
  return [
    attack(13, 'verbose-query-secrets', {
      reduced: true,
      injected: 'raw get v1/api-keys -v with --query access_token=…,api_key=…,limit=1',
      expected: 'the trace shows the request with the two values masked and limit=1 as it is',
      async run(lab) {
        const emu = lab.emu;
        const home = await adminHome(emu);
        const a = secretValue('qt');
        const b = secretValue('qk');
        const r = await runQlik(
          ['raw', 'get', 'v1/api-keys', '-v', '--query', `access_token=${a},api_key=${b},limit=1`],
          { env: envFor(home) },
        );
        const v = new Verdict();
        await checkRun(v, r, home);
        v.eq('exit code', r.code, 0);
        v.expect(!r.stderr.includes(a) && !r.stderr.includes(b), 'a query secret reached stderr');
        v.match('trace', r.stderr, /access_token=\*\*omitted\*\*/);
        return v.done();
      },
    }),
    attack(14, 'echoed-secret-encodings', {
      reduced: true,
      injected:
        "a server answering 401 with the caller's key echoed base64, base64url of 'Bearer <key>', percent-encoded and as HTML entities",
      expected: 'none of the forms reaches stderr (with or without -v)',
      async run() {
        const key = secretValue('echo+/key&<x>');
        const forms = [
          Buffer.from(key).toString('base64'),
          Buffer.from(`Bearer ${key}`).toString('base64url'),
          [...Buffer.from(key)].map((x) => `%${x.toString(16)}`).join(''),
          // eslint-disable-next-line @typescript-eslint/no-misused-spread -- one entity per code point is the encoding
          [...key].map((c) => `&#${c.codePointAt(0)};`).join(''),
          key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
        ];
        for (const f of forms) registerSecret(f);
        const sink = await startSink({
          respond: (_req, res) =>
            res.writeHead(401, { 'content-type': 'text/html' }).end(`<p>bad credential: ${forms.join(' | ')}</p>`),
        });
        try {
          const home = await homeFor(sink.url, key);
          const v = new Verdict();
          for (const verbose of [false, true]) {
            const r = await runQlik(['raw', 'get', 'v1/users/me', ...(verbose ? ['-v'] : [])], { env: envFor(home) });
            await checkRun(v, r, home, verbose ? '-v' : 'plain');
            v.eq(`${verbose ? '-v' : 'plain'}: exit code`, r.code, 1);
            v.eq(
              `${verbose ? '-v' : 'plain'}: encoded forms on stderr`,
              forms.filter((f) => r.stderr.includes(f)).length,
              0,
            );
          }
          return v.done();
        } finally {
          await sink.close();
        }
      },
    }),
    attack(15, 'completion-open-quote', {
      injected:
        'bash completion of `qlik context use "x` and `qlik context use \'x` with contexts named x$(touch PWNED), x"q, x`t`, x\\b and x\'y',
      expected:
        'each completed word, once its quote is closed, is exactly the context name; nothing is run (no PWNED file)',
      async run(lab) {
        const home = await makeHome();
        const names = ['x$(touch PWNED)', 'x"q', 'x`t`', 'x\\b', "x'y"];
        const v = new Verdict();
        for (const n of names) {
          const r = await runQlik(['context', 'create', n, '--server', lab.emu.url], { env: envFor(home) });
          v.eq(`create ${JSON.stringify(n)}`, r.code, 0);
        }
        const bin = join(home, 'bin');
        await mkdir(bin);
        await writeFile(
          join(bin, 'qlik'),
          `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(qlikPath())} "$@"\n`,
          { mode: 0o755 },
        );
        const env = { ...envFor(home), PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
        const script = `source <(qlik completion bash)
ask() { COMP_LINE=$1 COMP_POINT=\${#1} COMP_TYPE=37; read -r -a COMP_WORDS <<< "$1"; COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); __start_qlik 2> /dev/null; printf '%s\\n' "\${COMPREPLY[@]}"; }
ask 'qlik context use "x'
echo ---
ask "qlik context use 'x"`;
        const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { env, cwd: home, encoding: 'utf8' });
        const [dq, sq] = out.split('---\n').map((s) => s.split('\n').filter(Boolean));
        for (const [open, words] of /** @type {[string, string[]][]} */ ([
          ['"', dq ?? []],
          ["'", sq ?? []],
        ])) {
          const parsed = execFileSync(
            'bash',
            ['--norc', '--noprofile', '-c', `printf '%s\\n' ${words.map((w) => `${open}${w}${open}`).join(' ')}`],
            { cwd: home, encoding: 'utf8' },
          );
          v.eq(
            `inside ${open}: the words bash parses`,
            parsed.split('\n').filter(Boolean).sort().join(' | '),
            [...names].sort().join(' | '),
          );
        }
        v.expect(!(await stat(join(home, 'PWNED')).catch(() => undefined)), 'a context name was run as a command');
        return v.done();
      },
    }),
    attack(16, 'raw-terminal-cr', {
      injected: "raw get on a pseudo-terminal (script(1)) of a text body 'real\\rFAKE' from a server",
      expected: 'the terminal gets real\\u000dFAKE: the carriage return cannot hide text',
      async run() {
        const sink = await startSink({
          respond: (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('real\rFAKE\n'),
        });
        try {
          const home = await homeFor(sink.url, secretValue('k'));
          const v = new Verdict();
          const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(qlikPath())} raw get v1/x`;
          // Asynchronously: the sink answering the CLI lives in this process.
          const out = await new Promise((resolve, reject) => {
            const child = execFile(
              'script',
              ['-qec', cmd, '/dev/null'],
              { env: envFor(home), encoding: 'utf8', timeout: 30_000 },
              // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- execFile's error is an Error (its type is Omit<ErrnoException, 'code'>)
              (err, stdout) => (err ? reject(err) : resolve(stdout)),
            );
            child.stdin?.end();
          });
          v.expect(out.includes('real\\u000dFAKE'), `the terminal got ${JSON.stringify(out.slice(0, 200))}`);
          v.expect(!/real\rFAKE/.test(out), 'a bare carriage return reached the terminal');
          return v.done();
        } finally {
          await sink.close();
        }
      },
    }),
    attack(17, 'tls-proxy-ip-target', {
      reduced: true,
      injected:
        'https://127.0.0.1:<port> serving a certificate for localhost only (trusted through NODE_EXTRA_CA_CERTS), reached directly and through HTTPS_PROXY',
      expected: 'both refused with the same TLS error; the server never gets a request (the key is not sent)',
      async run() {
        const pems = await localhostCertificate();
        const https = await import('node:https');
        let seen = 0;
        const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
          seen += 1;
          req.resume();
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"me"}');
        });
        await /** @type {Promise<void>} */ (new Promise((r) => server.listen(0, '127.0.0.1', r)));
        const user = 'rel';
        const password = secretValue('pp');
        const proxy = await startProxy({ user, password });
        try {
          const home = await homeFor(
            `https://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
            secretValue('k'),
          );
          const ca = join(home, 'ca.pem');
          await writeFile(ca, pems.cert);
          const v = new Verdict();
          const direct = await runQlik(['raw', 'get', 'v1/users/me'], {
            env: envFor(home, { NODE_EXTRA_CA_CERTS: ca }),
          });
          const proxied = await runQlik(['raw', 'get', 'v1/users/me'], {
            env: envFor(home, {
              NODE_EXTRA_CA_CERTS: ca,
              HTTPS_PROXY: `http://${user}:${password}@127.0.0.1:${proxy.port}`,
            }),
          });
          await checkRun(v, direct, home, 'direct');
          await checkRun(v, proxied, home, 'proxy');
          v.eq('direct: exit code', direct.code, 1);
          v.eq('proxy: exit code', proxied.code, 1);
          v.eq('proxy: tunnels', proxy.stats.tunnels, 1);
          v.eq('the same error', stderrLines(proxied.stderr)[0], stderrLines(direct.stderr)[0]);
          v.eq('requests the server got', seen, 0);
          return v.done();
        } finally {
          server.closeAllConnections?.();
          await new Promise((r) => server.close(r));
          await proxy.close();
        }
      },
    }),
  ];
}

/** @returns {Case[]} */
export function trustCases({ reduced = false } = {}) {
  return [...createCases({ reduced }), ...inputCases(), ...secretAndTransportCases()];
}
