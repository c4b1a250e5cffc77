// 5. Adversarial: at least one case for each of the 18 rules of issue #8, tried as an attacker or an unlucky user
// would. Rules 1–13 are the CLI's, 14–18 the emulator's. Each case is one attack; the totals count attacks and how
// many held.
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  adminHome,
  contextsPath,
  countLeaks,
  envFor,
  escBytes,
  homeFor,
  labEmulator,
  makeHome,
  modeOf,
  neighbourLeaks,
  runQlik,
  spawnQlik,
  stderrLines,
  writeContexts,
} from '../lab.mjs';
import { alive, running } from '../../../test/kit/process.mjs';
import { startSink } from '../net.mjs';
import {
  checkRun,
  commonChecks,
  KEYS_PATH,
  keysFor,
  MiB,
  parseJson,
  POST_KEYS,
  secretValue,
  TAG_RE,
  Verdict,
} from '../verdict.mjs';
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
  sameKeys,
  tokenWorks,
  until,
  verdictOf,
  withEmulator,
} from './attack-kit.mjs';
import { judgeCreate, measureCreate } from './faults.mjs';
import { badInput } from './input.mjs';
import { trustCases } from './adversarial-trust.mjs';

const RULES = {
  1: 'exact attribution of create attempts',
  2: 'interrupts and undelivered keys',
  3: 'credentials bound to their origin',
  4: 'one rule for what is secret',
  5: 'every header source validated first',
  6: 'terminal safety on stdout',
  7: 'paging guard',
  8: 'size cap up front',
  9: 'rm after a lost answer',
  10: '-f JSON errors',
  11: 'tagged YAML values',
  12: 'contexts file permissions',
  13: 'editor on interrupt',
  14: 'list cursors obey visibility',
  15: 'control API guard',
  16: 'private data files, no symlink following',
  17: 'fault rules cannot freeze the server',
  18: 'the request log masks secrets',
};

/** @typedef {import('./index.mjs').Case} Case */
/** @typedef {import('./index.mjs').Lab} Lab */
/** @typedef {import('./attack-kit.mjs').Emu} Emu */

const attack = attackMaker(RULES, { idPrefix: '', ruleWord: 'rule' });

// ---- rule 1: a run deletes only what its own attempts made ----

/**
 * @param {{ reduced: boolean }} opts
 * @returns {Case}
 */
function createRace({ reduced }) {
  const runs = reduced ? 6 : 20;
  const faulted = reduced ? 2 : 6;
  return attack(1, 'concurrent-creates', {
    heavy: true,
    reduced: true,
    injected: `${runs} concurrent creates with the same description; the first ${faulted} POSTs answer 503 after commit; --retry 3`,
    expected:
      "every run exits 0; every delivered token works afterwards; no orphans, no duplicates; every stored key has exactly the user's description",
    async run(lab) {
      const description = 'reliability ci-matrix';
      const { emu, v, results, delivered, working } = await raceCreates(lab, {
        runs,
        faulted,
        description,
        timeoutMs: 120_000,
      });
      const active = await activeKeys(emu, description);
      const deliveredIds = new Set(delivered.map((o) => o.id));
      const log = await emu.requests();
      v.fig('runs', runs);
      v.fig('attempts', log.filter((e) => e.method === 'POST' && e.path === KEYS_PATH).length);
      v.fig('faulted', log.filter((e) => e.faultId !== undefined).length);
      v.fig('delivered', delivered.length);
      v.fig('working', working);
      v.fig('duplicates', Math.max(0, active.length - delivered.length));
      v.fig('orphans', active.filter((e) => !deliveredIds.has(e.id)).length);
      v.eq('runs that exited 0', results.filter((r) => r.code === 0).length, runs);
      v.eq('delivered tokens that work', working, delivered.length);
      v.eq('distinct delivered keys', deliveredIds.size, delivered.length);
      v.eq('orphans', figure(v, 'orphans'), 0);
      v.eq('duplicates', figure(v, 'duplicates'), 0);
      v.eq('faults that fired', figure(v, 'faulted'), faulted);
      v.eq(
        "active keys with a description other than the user's",
        active.filter((e) => e.description !== description).length,
        0,
      );
      v.eq(
        "printed descriptions other than the user's",
        delivered.filter((o) => o.description !== description).length,
        0,
      );
      noneLeaked(v);
      return v.done();
    },
  });
}

/**
 * @param {{ reduced: boolean }} opts
 * @returns {Case[]}
 */
function attributionCases({ reduced }) {
  return [
    attack(1, 'data-loss-repro', {
      reduced: true,
      injected:
        'a successful create --description ci, then within 2 s a second create --description ci --retry 1 whose POST gets 503 after commit',
      expected:
        'the first key survives and its token still works; the second run removes only its own lost key and delivers one; no orphan',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const description = 'reliability ci';
        const args = createArgs(description, { retry: 1 });
        const first = await runQlik(args, { env: envFor(home) });
        const a = parseJson(first.stdout);
        await failPosts(emu);
        const second = await runQlik(args, { env: envFor(home) });
        const b = parseJson(second.stdout);
        const v = new Verdict();
        commonChecks(v, first, 'first');
        await checkRun(v, second, home, 'second');
        const active = await activeKeys(emu, description);
        v.eq('first run', first.code, 0);
        v.eq('second run', second.code, 0);
        v.expect(await tokenWorks(emu, a?.token), "the first run's token no longer works");
        v.expect(await tokenWorks(emu, b?.token), "the second run's token does not work");
        v.expect(
          !second.stderr.includes(a?.id ?? '-'),
          `the second run names the first run's key: ${JSON.stringify(second.stderr.slice(0, 300))}`,
        );
        sameKeys(v, active, [a?.id, b?.id]);
        v.fig('orphans', active.filter((e) => e.id !== a?.id && e.id !== b?.id).length);
        noneLeaked(v);
        return v.done();
      },
    }),
    attack(1, 'concurrent-slow-first-byte', {
      injected:
        'two concurrent creates with the same description; the first gets a slow first byte (4 s) with QLIK_HTTP_TIMEOUT=2, the second starts while it waits',
      expected:
        "the timed-out run deletes only its own key and then delivers a new one; the other run's token still works; 2 keys, no orphan",
      async run(lab) {
        const emu = await lab.fresh();
        await emu.faults.add({ ...POST_KEYS, action: { type: 'slow-first-byte', ms: 4000 } });
        const home = await adminHome(emu);
        const description = 'reliability parallel';
        const args = createArgs(description, { retry: 1 });
        const slow = spawnQlik(args, { env: envFor(home, { QLIK_HTTP_TIMEOUT: '2' }) });
        await until(async () => (await emu.ledger()).length > 0);
        const fast = await runQlik(args, { env: envFor(home) });
        const slowR = await slow.done;
        const v = new Verdict();
        commonChecks(v, fast, 'fast');
        await checkRun(v, slowR, home, 'slow');
        const a = parseJson(fast.stdout);
        const b = parseJson(slowR.stdout);
        v.eq('fast run', fast.code, 0);
        v.eq('slow run', slowR.code, 0);
        v.match('slow run stderr', slowR.stderr, /timed out/);
        v.expect(await tokenWorks(emu, a?.token), "the other run's token no longer works");
        v.expect(await tokenWorks(emu, b?.token), "the timed-out run's final token does not work");
        const active = await activeKeys(emu, description);
        sameKeys(v, active, [a?.id, b?.id]);
        noneLeaked(v);
        return v.done();
      },
    }),
    attack(1, 'untagged-names-candidates', {
      reduced: true,
      injected:
        'QLIK_CREATE_TAG=0: a successful create, then a create with the same description whose POST gets 503 after commit, --retry 1',
      expected:
        'exit 1 with one line naming both candidate ids; nothing deleted (the first token still works); no retry (1 POST); no tag on any key',
      async run(lab) {
        const { emu, home } = await freshAdmin(lab);
        const env = envFor(home, { QLIK_CREATE_TAG: '0' });
        const description = 'reliability untagged';
        const args = createArgs(description, { retry: 1 });
        const first = await runQlik(args, { env });
        const a = parseJson(first.stdout);
        await emu.control('DELETE', 'requests');
        await failPosts(emu);
        const second = await runQlik(args, { env });
        const v = new Verdict();
        commonChecks(v, first, 'first');
        await checkRun(v, second, home, 'second');
        /** @type {import('./attack-kit.mjs').LedgerEntry[]} */
        const all = keysFor(await emu.ledger(), description);
        const lost = all.find((e) => e.id !== a?.id);
        const log = await emu.requests();
        const errorLines = stderrLines(second.stderr).filter((/** @type {string} */ l) => l.startsWith('Error:'));
        v.fig('attempts', log.filter((e) => e.method === 'POST').length);
        v.fig('candidates', (errorLines[0]?.match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? []).length);
        v.eq('first run', first.code, 0);
        v.eq('second run', second.code, 1);
        v.eq('POSTs of the second run', figure(v, 'attempts'), 1);
        v.eq('DELETEs of the second run', log.filter((e) => e.method === 'DELETE').length, 0);
        v.eq('PATCHes (untagged mode never tags)', log.filter((e) => e.method === 'PATCH').length, 0);
        v.eq('error lines', errorLines.length, 1);
        v.expect(
          lost !== undefined && errorLines[0]?.includes(lost.id) && errorLines[0]?.includes(a?.id ?? '-'),
          `the error does not name both candidates: ${JSON.stringify(errorLines[0] ?? '')}`,
        );
        v.match('error', errorLines[0], /nothing was deleted/);
        v.expect(await tokenWorks(emu, a?.token), "the first run's token no longer works");
        v.eq('keys with a tag', all.filter((e) => TAG_RE.test(e.description ?? '')).length, 0);
        noneLeaked(v);
        return v.done();
      },
    }),
    createRace({ reduced }),
  ];
}

// ---- rule 2: interrupts, and stdout that cannot be written ----

/** @returns {Case[]} */
function interruptCases() {
  /** @type {Case[]} */
  const cases = [];
  for (const [signal, exit] of /** @type {[NodeJS.Signals, number][]} */ ([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])) {
    cases.push(
      attack(2, `${signal.toLowerCase()}-during-create`, {
        reduced: signal === 'SIGTERM',
        injected: `${signal} while create waits for the answer (the key is committed; first byte after 5 s)`,
        expected: `exit ${exit}; the key this run created is removed (or its id printed); no orphan`,
        async run(lab) {
          const emu = await lab.fresh();
          await emu.faults.add({ ...POST_KEYS, action: { type: 'slow-first-byte', ms: 5000 } });
          const home = await adminHome(emu);
          const description = `reliability ${signal}`;
          const p = spawnQlik(createArgs(description), { env: envFor(home) });
          const committed = await until(async () => keysFor(await emu.ledger(), description)[0]);
          p.child.kill(signal);
          const r = await p.done;
          const v = await verdictOf(r, home);
          const left = await activeKeys(emu, description);
          v.fig('orphans', left.filter((e) => !r.stderr.includes(e.id)).length);
          v.expect(committed !== undefined, 'the key was never committed');
          v.eq('exit code', r.code, exit);
          v.eq('stdout', r.stdout, '');
          v.eq('orphans (active, not named on stderr)', figure(v, 'orphans'), 0);
          v.expect(
            left.length === 0 || /remove/.test(r.stderr),
            `an active key was left: ${JSON.stringify(r.stderr.slice(0, 300))}`,
          );
          noneLeaked(v);
          return v.done();
        },
      }),
    );
  }
  cases.push(
    attack(2, 'stdout-dev-full', {
      reduced: true,
      injected: 'create with stdout on /dev/full (ENOSPC when the token is written)',
      expected: 'exit 1 naming ENOSPC; the key is removed (its token reached no one); no orphan',
      async run(lab) {
        const v = new Verdict();
        if (!existsSync('/dev/full')) {
          v.expect(false, 'this machine has no /dev/full');
          return v.done();
        }
        const { emu, home } = await freshAdmin(lab);
        const description = 'reliability dev-full';
        const fd = openSync('/dev/full', 'w');
        let r;
        try {
          r = await spawnQlik(createArgs(description), { env: envFor(home), stdout: fd }).done;
        } finally {
          closeSync(fd);
        }
        const m = await measureCreate(emu, { r, home, description });
        const verdict = await judgeCreate(m, {
          exit: 1,
          attempts: 1,
          faulted: false,
          stderr: /ENOSPC[\s\S]*removed API key/,
        });
        return verdict;
      },
    }),
  );
  return cases;
}

// ---- rule 3: a context's credentials go to its own server only ----

/** @returns {Case[]} */
function originCases() {
  /**
   * @param {Lab} lab
   * @param {{ args: string[] | ((sink: { url: string }) => string[]), config?: (sink: { url: string }) => string, own?: string }} opts
   */
  const run = async (lab, { args, config, own }) => {
    const emu = lab.emu;
    const sink = lab.own(await startSink());
    const session = secretValue('sess');
    const home = await makeHome();
    await writeContexts(home, {
      emu: {
        server: emu.url,
        headers: { Authorization: `Bearer ${emu.admin.apiKey}`, 'X-Qlik-Session': session, 'X-Trace': 'plain' },
      },
    });
    let argv = typeof args === 'function' ? args(sink) : args;
    if (config) {
      const path = join(home, 'run.yml');
      await writeFile(path, config(sink));
      argv = [...argv, '-c', path];
    }
    const r = await runQlik(argv, { env: envFor(home) });
    const v = new Verdict();
    await checkRun(v, r, home);
    v.fig('sink', sink.requests.length);
    // The context's credentials: its Authorization and its X-Qlik-Session. The run's own Authorization may go.
    /** @typedef {{ headers: import('node:http').IncomingHttpHeaders }} Seen */
    const carried = sink.requests.filter(
      (/** @type {Seen} */ q) =>
        q.headers['x-qlik-session'] !== undefined ||
        (q.headers.authorization !== undefined && q.headers.authorization !== own),
    );
    v.expect(sink.requests.length > 0, 'nothing reached the other server');
    v.eq("requests to the other server with the context's credentials", carried.length, 0);
    v.eq(
      'plain headers of the context still sent',
      sink.requests.every((/** @type {Seen} */ q) => q.headers['x-trace'] === 'plain'),
      true,
    );
    if (own)
      v.expect(
        sink.requests.every((/** @type {Seen} */ q) => q.headers.authorization === own),
        "the run's own Authorization was not sent",
      );
    const warnings = stderrLines(r.stderr).filter((/** @type {string} */ l) => /credentials/.test(l));
    v.eq('stderr lines about the credentials', warnings.length, 1);
    v.match('warning', warnings[0], /not sending the credentials of context 'emu' to http:\/\/127\.0\.0\.1:\d+/);
    v.eq('exit code', r.code, 0);
    noneLeaked(v);
    return v.done();
  };
  return [
    attack(3, 'server-flag-elsewhere', {
      reduced: true,
      injected:
        '--server http://<another local server> user me, while the current context holds a key and an X-Qlik-Session header',
      expected:
        "the other server gets no Authorization and no X-Qlik-Session (the context's plain headers still go); one stderr line says so",
      run: (lab) => run(lab, { args: (sink) => ['user', 'me', '--server', sink.url] }),
    }),
    attack(3, 'config-file-server', {
      injected: '-c file with server: http://<another local server> (a file from a repository), user me',
      expected: "the other server gets none of the context's credentials; one stderr line says so",
      run: (lab) => run(lab, { args: ['user', 'me'], config: (sink) => `server: ${sink.url}\n` }),
    }),
    attack(3, 'own-credentials-still-go', {
      injected: '--server http://<another local server> --headers Authorization=Bearer <a credential for that server>',
      expected:
        "the run's own Authorization reaches the other server; the context's does not; one stderr line about the context's",
      run: (lab) => {
        const own = `Bearer ${secretValue('own')}`;
        return run(lab, {
          args: (sink) => ['user', 'me', '--server', sink.url, '--headers', `Authorization=${own}`],
          own,
        });
      },
    }),
  ];
}

// ---- rule 4: one secret rule, everywhere headers are echoed ----

const SECRET_HEADERS = [
  'Cookie',
  'X-Qlik-Session',
  'X-Api-Key',
  'X-Session-Id',
  'X-Password-Hint',
  'X-User-Credential',
  'X-Client-Secret',
  'X-Refresh-Token',
  'X-Custom-Auth',
];

/** @returns {Case} */
function secretRuleCase() {
  return attack(4, 'secret-headers-masked', {
    reduced: true,
    injected: `a context with ${SECRET_HEADERS.join(', ')}; user me -v against a 500 that sets a cookie and echoes every value; context get`,
    expected: 'no value of any of them on stderr or stdout (trace, error body, context get)',
    async run(lab) {
      const emu = await lab.fresh();
      const values = Object.fromEntries(SECRET_HEADERS.map((h) => [h, secretValue('s')]));
      const cookie = secretValue('cookie');
      await emu.faults.add({
        method: 'GET',
        path: '/api/v1/users/me',
        action: {
          type: 'status',
          status: 500,
          headers: { 'set-cookie': `sid=${cookie}` },
          body: `upstream echo: ${Object.values(values).join(' ')}`,
        },
      });
      const home = await makeHome();
      await writeContexts(home, {
        emu: { server: emu.url, headers: { Authorization: `Bearer ${emu.admin.apiKey}`, ...values } },
      });
      const v = new Verdict();
      for (const args of [
        ['user', 'me', '-v'],
        ['context', 'get'],
        ['context', 'get', '--json'],
      ]) {
        const r = await runQlik(args, { env: envFor(home) });
        commonChecks(v, r, args.join(' '));
        const onStdout = countLeaks(r.stdout);
        v.add('leaked', onStdout);
        v.expect(onStdout === 0, `a secret on stdout of ${args.join(' ')}`);
        v.add('runs', 1);
        if (args[2] === '-v') v.match('the trace', r.stderr, /X-Custom-Auth: \*\*omitted\*\*/);
      }
      noneLeaked(v);
      return v.done();
    },
  });
}

// ---- rule 5: header sources validated before any request (zero network calls) ----

/** @returns {Case[]} */
function headerSourceCases() {
  /** @type {{ section: import('./index.mjs').Section, prefix: string }} */
  const common = { section: 'adversarial', prefix: 'adversarial/05-' };
  const cases = [
    badInput(
      'config-api-key-newline',
      'rule 5 (every header source validated first): -c file with api-key: ${VAR} whose value ends in a newline',
      {
        ...common,
        reduced: true,
        setup: async (f) => {
          const path = join(f.dir, 'ci.yml');
          await writeFile(path, 'api-key: ${RELIABILITY_KEY}\n');
          return { files: [path], path };
        },
        // The value `$(cat key.txt)` keeps in some shells: a real key and a newline.
        env: (f) => ({ RELIABILITY_KEY: `${f.key}\n` }),
        args: (f, e) => ['api-key', 'ls', '-c', e.path],
        expect: /config file .*ci\.yml: 'api-key' has a line break/,
      },
    ),
    badInput(
      'headers-non-latin1',
      'rule 5 (every header source validated first): --headers with a value outside Latin-1 (U+2713)',
      {
        ...common,
        args: ['api-key', 'ls', '--headers', 'X-Test=caf\u2713'],
        expect: /--headers: .*Latin-1/,
      },
    ),
    badInput(
      'context-non-latin1',
      'rule 5 (every header source validated first): a context header whose value is outside Latin-1',
      {
        ...common,
        contexts: (server, key) =>
          `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: "Bearer ${key}"\n      X-Note: "\u2603"\n    server: ${server}\n`,
        args: ['api-key', 'ls'],
        expect: /context 'emu' in .*contexts\.yml: .*Latin-1/,
      },
    ),
    badInput('config-headers-CR', 'rule 5 (every header source validated first): -c file whose headers hold a CR', {
      ...common,
      setup: async (f) => {
        const path = join(f.dir, 'h.yml');
        await writeFile(path, 'headers:\n  X-Test: "a\\rInjected: 1"\n');
        return { files: [path], path };
      },
      args: (f, e) => ['api-key', 'ls', '-c', e.path],
      expect: /config file .*h\.yml: headers: .*line break/,
    }),
  ];
  return cases;
}

// ---- rule 6: human output on stdout cannot drive the terminal ----

const HOSTILE = 'note \u001b[31mred\u001b]0;title\u0007 \u009b1m \u202eevil\u2066x\u2069';

/** @returns {Case} */
function stdoutSafetyCase() {
  return attack(6, 'stdout-escapes', {
    reduced: true,
    injected:
      'a context comment and header, a key description and ids from the server holding ESC, OSC, C1 CSI and bidi overrides; context ls/get, api-key ls -q, api-key get',
    expected:
      'human output (context ls/get, -q ids) without any such character; JSON output exact (parses back to the same string)',
    async run(lab) {
      const emu = await lab.fresh();
      const key = await mintKey(emu, HOSTILE);
      const home = await makeHome();
      await writeContexts(home, {
        emu: { server: emu.url, comment: HOSTILE, headers: { Authorization: `Bearer ${emu.admin.apiKey}` } },
      });
      const v = new Verdict();
      const env = envFor(home);
      for (const args of [
        ['context', 'ls'],
        ['context', 'get'],
      ]) {
        const r = await runQlik(args, { env });
        commonChecks(v, r, args.join(' '));
        v.add('esc', escBytes(r.stdout));
        v.eq(`control characters on stdout of ${args.join(' ')}`, escBytes(r.stdout), 0);
        v.match(`${args.join(' ')} stdout`, r.stdout, /evil/);
      }
      const json = await runQlik(['context', 'ls', '--json'], { env });
      commonChecks(v, json, 'context ls --json');
      v.eq('comment in context ls --json', parseJson(json.stdout)?.[0]?.comment, HOSTILE);
      const got = await runQlik(['api-key', 'get', key.id], { env });
      commonChecks(v, got, 'api-key get');
      v.eq('description in api-key get (JSON)', parseJson(got.stdout)?.description, HOSTILE);
      // eslint-disable-next-line no-control-regex
      v.eq('raw ESC bytes in api-key get (JSON escapes them)', (got.stdout.match(/\u001b/g) ?? []).length, 0);
      await emu.faults.add({
        method: 'GET',
        path: KEYS_PATH,
        action: { type: 'status', status: 200, body: { data: [{ id: `k-${HOSTILE}` }], links: {} } },
      });
      const ids = await runQlik(['api-key', 'ls', '-q'], { env });
      commonChecks(v, ids, 'api-key ls -q');
      v.add('esc', escBytes(ids.stdout));
      v.eq('control characters on stdout of api-key ls -q', escBytes(ids.stdout), 0);
      noneLeaked(v);
      return v.done();
    },
  });
}

// ---- rule 7: paging that would never end ----

/** @returns {Case[]} */
function pagingCases() {
  /**
   * @param {{ id: string }[]} data
   * @param {string} next
   */
  const page = (data, next) => ({ type: 'status', status: 200, body: { data, links: { next: { href: next } } } });
  /**
   * @param {string} name
   * @param {{ injected: string, expected: string, action: (emu: Emu) => import('../lab.mjs').FaultAction, stderr: RegExp, maxGets: number }} attempt
   */
  const run = (name, { injected, expected, action, stderr, maxGets }) =>
    attack(7, name, {
      reduced: name === 'paging-repeated-cursor',
      injected,
      expected,
      async run(lab) {
        const emu = await lab.fresh();
        await emu.faults.add({ method: 'GET', path: KEYS_PATH, times: 0, action: action(emu) });
        const home = await adminHome(emu);
        const r = await runQlik(['api-key', 'ls', '--limit', '500'], { env: envFor(home), timeoutMs: 30_000 });
        const v = new Verdict();
        const gets = (await emu.requests()).filter((e) => e.method === 'GET' && e.path === KEYS_PATH).length;
        v.fig('attempts', gets);
        await checkRun(v, r, home);
        v.eq('exit code', r.code, 1);
        v.expect(gets <= maxGets, `${gets} pages fetched, at most ${maxGets} expected`);
        v.match('stderr', r.stderr, stderr);
        v.eq('stderr lines', stderrLines(r.stderr).length, 1);
        return v.done();
      },
    });
  return [
    run('paging-empty-page', {
      injected: 'ls --limit 500: every page is empty but links to a next page',
      expected: 'exit 1 after the first page, one line saying the page is empty but links on',
      action: (emu) => page([], `${emu.url}${KEYS_PATH}?limit=100&next=x`),
      stderr: /page 1 is empty but links to a next page/,
      maxGets: 1,
    }),
    run('paging-repeated-cursor', {
      injected: 'ls --limit 500: every page has one key and links to the same next page',
      expected: 'exit 1 after the second page, one line saying the link points back to a page already read',
      action: (emu) => page([{ id: 'k1' }], `${emu.url}${KEYS_PATH}?limit=100&next=same`),
      stderr: /links back to a page already read/,
      maxGets: 2,
    }),
  ];
}

// ---- rule 8: a declared body over the cap fails at once ----

/** @returns {Case} */
function sizeCapCase() {
  return attack(8, 'content-length-over-cap', {
    reduced: true,
    injected: 'user me: the server declares Content-Length 50 MiB and then sends nothing, QLIK_HTTP_TIMEOUT=30',
    expected: 'exit 1 within 5 s naming the 10 MiB cap (not after the 30 s timeout)',
    async run(lab) {
      const server = lab.own(
        await startSink({
          respond: (_req, res) => {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
            res.flushHeaders();
          },
        }),
      );
      const dummy = secretValue('key');
      const home = await homeFor(server.url, dummy);
      const r = await runQlik(['user', 'me'], { env: envFor(home, { QLIK_HTTP_TIMEOUT: '30' }), timeoutMs: 60_000 });
      const v = new Verdict();
      await checkRun(v, r, home);
      v.eq('exit code', r.code, 1);
      v.match('stderr', r.stderr, /10 MiB/);
      v.expect(r.ms < 5000, `took ${Math.round(r.ms)} ms`);
      return v.done();
    },
  });
}

// ---- rule 9: rm does not claim a deletion it cannot know of ----

/** @returns {Case} */
function rmGoneCase() {
  return attack(9, 'rm-gone-after-lost-answer', {
    injected:
      'rm --retry 1: the DELETE commits but answers 503, the retry gets 404; then rm of an id that never existed',
    expected: 'first: exit 0, stderr says the key is gone (no "deleted"); second: exit 1 with the 404, no "deleted"',
    async run(lab) {
      const emu = await lab.fresh();
      const key = await mintKey(emu, 'reliability rm target');
      await emu.faults.add({
        method: 'DELETE',
        path: `${KEYS_PATH}/${key.id}`,
        action: { type: 'status-after', status: 503 },
      });
      const home = await adminHome(emu);
      const first = await runQlik(['api-key', 'rm', key.id, '--retry', '1', '--interval', '1'], { env: envFor(home) });
      const second = await runQlik(['api-key', 'rm', '00000000-0000-4000-8000-000000000000'], { env: envFor(home) });
      const v = new Verdict();
      commonChecks(v, first, 'first');
      await checkRun(v, second, home, 'second');
      v.eq('first exit code', first.code, 0);
      v.match('first stderr', first.stderr, /is gone/);
      v.expect(!/\bdeleted\b/.test(first.stderr), `the first run claims a deletion: ${JSON.stringify(first.stderr)}`);
      v.eq('second exit code', second.code, 1);
      v.match('second stderr', second.stderr, /APIKEYS-4|not found/i);
      v.expect(
        !/\bdeleted\b/.test(second.stderr),
        `the second run claims a deletion: ${JSON.stringify(second.stderr)}`,
      );
      return v.done();
    },
  });
}

// ---- rule 10: -f JSON errors give the position, never the content ----

/** @returns {Case} */
function jsonPositionCase() {
  return badInput(
    'file-json-position',
    'rule 10 (-f JSON errors): -f file whose JSON breaks right after a secret-looking value',
    {
      section: 'adversarial',
      prefix: 'adversarial/10-',
      reduced: true,
      setup: async (f) => {
        const secret = secretValue('body');
        const path = join(f.dir, 'key.json');
        await writeFile(path, `{\n  "description": "${secret}"\n  "expiry": "PT1H"\n}\n`);
        return { files: [path], path };
      },
      args: (f, e) => ['api-key', 'create', '-f', e.path],
      expect: /line 3, column \d+/,
    },
  );
}

// ---- rule 11: tagged YAML values in fields the CLI does not know ----

/** @returns {Case} */
function taggedYamlCase() {
  return attack(11, 'binary-field-round-trip', {
    injected:
      'contexts.yml with unknown fields holding !!binary and a custom !tag value; context update --comment; api-key ls',
    expected:
      'the update succeeds and both tagged values are still in the file as written (or one clear line and the file untouched); never "Invalid array length"',
    async run(lab) {
      const emu = lab.emu;
      const home = await makeHome();
      await mkdir(join(home, '.qlik'), { recursive: true, mode: 0o700 });
      const text = `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: "Bearer ${emu.admin.apiKey}"\n    server: ${emu.url}\n    blob: !!binary aGVsbG8gd29ybGQ=\n    seq: !!set { a, b }\n`;
      await writeFile(contextsPath(home), text, { mode: 0o600 });
      const up = await runQlik(['context', 'update', 'emu', '--comment', 'tagged'], { env: envFor(home) });
      const after = await readFile(contextsPath(home), 'utf8');
      const ls = await runQlik(['api-key', 'ls', '-q'], { env: envFor(home) });
      const v = new Verdict();
      commonChecks(v, up, 'context update');
      await checkRun(v, ls, home, 'api-key ls');
      v.expect(!/Invalid array length/.test(up.stderr + ls.stderr), 'Invalid array length');
      if (up.code === 0) {
        v.match('the file after the update', after, /blob: !!binary aGVsbG8gd29ybGQ=/);
        v.match('the file after the update', after, /seq: !!set \{ ?a, b ?\}/);
        v.match('the file after the update', after, /comment: tagged/);
      } else {
        v.eq('stderr lines', stderrLines(up.stderr).length, 1);
        v.eq('file untouched', after, text);
      }
      v.eq('api-key ls', ls.code, 0);
      noneLeaked(v);
      return v.done();
    },
  });
}

// ---- rule 12: a contexts file others can change ----

/** @returns {Case[]} */
function permissionCases() {
  return [
    attack(12, 'writable-by-others', {
      reduced: true,
      injected: 'contexts.yml mode 0666 in a ~/.qlik of mode 0777; api-key ls; then context update',
      expected:
        'one warning line per file naming it and the chmod that fixes it; the run works; after the update the directory is 0700 and the file 0600',
      async run(lab) {
        const emu = lab.emu;
        const home = await adminHome(emu);
        await chmod(contextsPath(home), 0o666);
        await chmod(join(home, '.qlik'), 0o777);
        const r = await runQlik(['api-key', 'ls', '-q'], { env: envFor(home) });
        const v = new Verdict();
        await checkRun(v, r, undefined);
        const lines = stderrLines(r.stderr);
        v.eq('exit code', r.code, 0);
        v.eq('warning lines', lines.length, 2);
        v.expect(
          lines.some(
            (/** @type {string} */ l) =>
              l.includes(contextsPath(home)) && l.includes(`chmod 600 ${contextsPath(home)}`),
          ),
          `no warning naming the file and its fix: ${JSON.stringify(r.stderr)}`,
        );
        v.expect(
          lines.some((/** @type {string} */ l) => l.includes(`chmod 700 ${join(home, '.qlik')}`)),
          `no warning naming the directory and its fix: ${JSON.stringify(r.stderr)}`,
        );
        const up = await runQlik(['context', 'update', 'emu', '--comment', 'fixed'], { env: envFor(home) });
        commonChecks(v, up, 'context update');
        v.eq('context update', up.code, 0);
        v.fig('file', (await modeOf(contextsPath(home)))?.toString(8));
        v.fig('dir', (await modeOf(join(home, '.qlik')))?.toString(8));
        v.eq('file mode after the update', await modeOf(contextsPath(home)), 0o600);
        v.eq('directory mode after the update', await modeOf(join(home, '.qlik')), 0o700);
        v.add('leaked', await neighbourLeaks(home));
        noneLeaked(v);
        return v.done();
      },
    }),
    attack(12, 'owned-by-another-user', {
      injected: 'contexts.yml owned by uid 65534 (run as root); api-key ls',
      expected: 'one warning line naming the file and what to do; the run works',
      async run(lab) {
        const v = new Verdict();
        if (process.getuid?.() !== 0) {
          v.expect(false, 'needs root to give the file to another user');
          return v.done();
        }
        const emu = lab.emu;
        const home = await adminHome(emu);
        await chown(contextsPath(home), 65534, 65534);
        const r = await runQlik(['api-key', 'ls', '-q'], { env: envFor(home) });
        await checkRun(v, r, undefined);
        const lines = stderrLines(r.stderr);
        v.eq('exit code', r.code, 0);
        v.eq('warning lines', lines.length, 1);
        v.match(
          'warning',
          lines[0],
          new RegExp(`${contextsPath(home).replace(/[.]/g, '\\.')} belongs to another user.*Fix:`),
        );
        return v.done();
      },
    }),
  ];
}

// ---- rule 13: the editor of `edit` on an interrupt ----

/** @returns {Case} */
function editorInterruptCase() {
  return attack(13, 'edit-sigterm', {
    reduced: true,
    injected: 'api-key edit: the editor changes the description and then keeps running; SIGTERM to qlik',
    expected: 'exit 143; the editor process ended; the temporary directory removed; no PATCH sent; the key unchanged',
    async run(lab) {
      const emu = await lab.fresh();
      const key = await mintKey(emu, 'reliability before edit');
      const home = await adminHome(emu);
      const tmp = join(home, 'tmp');
      await mkdir(tmp);
      const pidFile = join(home, 'editor.pid');
      const script = join(home, 'editor.sh');
      await writeFile(
        script,
        `#!/bin/sh\nsed -i 's/before edit/after edit/' "$1"\necho $$ > '${pidFile}'\nexec sleep 30\n`,
        { mode: 0o700 },
      );
      const p = spawnQlik(['api-key', 'edit', key.id], { env: envFor(home, { EDITOR: `sh ${script}`, TMPDIR: tmp }) });
      const pid = await until(
        async () => Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || undefined,
      );
      const editDirs = await readdir(tmp);
      p.child.kill('SIGTERM');
      const r = await p.done;
      const v = await verdictOf(r, home);
      const editorAlive = pid !== undefined && !(await until(() => !alive(pid), 3000));
      const log = await emu.requests();
      const now = (await emu.call('GET', `${KEYS_PATH}/${key.id}`, { token: emu.admin.apiKey })).body;
      v.expect(pid !== undefined, 'the editor never started');
      v.expect(
        editDirs.some((d) => d.startsWith('qlik-edit-')),
        'no temporary directory while the editor ran',
      );
      v.eq('exit code', r.code, 143);
      v.eq('editor still running', editorAlive, false);
      v.eq('left in TMPDIR', (await readdir(tmp)).join(','), '');
      v.eq('PATCH requests', log.filter((e) => e.method === 'PATCH').length, 0);
      v.eq('description', now?.description, 'reliability before edit');
      return v.done();
    },
  });
}

// ---- rules 14–18: the emulator ----

/** @returns {Case[]} */
function emulatorCases() {
  return [
    attack(14, 'cursor-visibility', {
      reduced: true,
      injected:
        "GET /api/v1/api-keys as dev with startingAfter / endingBefore = the id of the admin's key (which dev may not see)",
      expected:
        'the same 400 as for an id that does not exist (status, code, title and detail equal): sort order leaks nothing',
      async run(lab) {
        const emu = await lab.fresh();
        const hidden = await mintKey(emu, 'reliability hidden');
        const v = new Verdict();
        for (const cursor of ['startingAfter', 'endingBefore']) {
          const seen = await emu.call('GET', `${KEYS_PATH}?${cursor}=${hidden.id}&sort=-created`, {
            token: emu.dev.apiKey,
          });
          const unknown = await emu.call(
            'GET',
            `${KEYS_PATH}?${cursor}=00000000-0000-4000-8000-000000000000&sort=-created`,
            { token: emu.dev.apiKey },
          );
          /** @typedef {{ code: string, title: string, detail: string, status: string }} ApiError */
          const shape = (/** @type {{ status: number, body?: { errors?: ApiError[] } }} */ res) =>
            JSON.stringify({
              status: res.status,
              errors: res.body?.errors?.map(({ code, title, detail, status }) => ({ code, title, detail, status })),
            });
          v.eq(`${cursor} on a hidden key: status`, seen.status, 400);
          v.eq(`${cursor}: hidden key answered like an unknown one`, shape(seen), shape(unknown));
        }
        return v.done();
      },
    }),
    attack(15, 'control-api-guard', {
      injected:
        'control API: a Host that a DNS-rebinding page would send; a state-changing POST without content-type: application/json; --host 0.0.0.0 reached through a non-loopback address',
      expected:
        'Host: evil.example → 403; POST /__emulator/reset without JSON content-type → 415 and nothing reset; a remote peer → 403 (unless --allow-remote-control, which warns)',
      async run(lab) {
        const emu = lab.emu;
        const v = new Verdict();
        const rebinding = await emu.call('GET', '/__emulator/info', { token: '', headers: { host: 'evil.example' } });
        v.eq('control call under Host evil.example', rebinding.status, 403);
        await emu.reset();
        const survivor = await mintKey(emu, 'reliability survives');
        const form = await emu.call('POST', '/__emulator/reset', {
          token: '',
          body: 'x=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        v.eq('form-encoded POST /__emulator/reset', form.status, 415);
        v.eq(
          'a key after the refused reset',
          (await emu.call('GET', `${KEYS_PATH}/${survivor.id}`, { token: emu.admin.apiKey })).status,
          200,
        );
        const remoteIp = Object.values(networkInterfaces())
          .flat()
          .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
        if (remoteIp === undefined) {
          v.fig('remote', 'no non-loopback address');
          return v.done();
        }
        /** @type {string[]} */
        const lines = [];
        const open = await labEmulator({ host: '0.0.0.0', log: (l) => lines.push(l) });
        try {
          const viaLan = await open.call('GET', `http://${remoteIp}:${open.port}/__emulator/info`, { token: '' });
          v.fig('remote', `${remoteIp} → ${viaLan.status}`);
          v.eq(`control call from ${remoteIp} (--host 0.0.0.0)`, viaLan.status, 403);
          const api = await open.call('GET', `http://${remoteIp}:${open.port}${KEYS_PATH}`, {
            token: open.admin.apiKey,
          });
          v.eq('the Qlik API from the same address still served', api.status, 200);
        } finally {
          await open.stop();
        }
        const allowed = await labEmulator({ host: '0.0.0.0', allowRemoteControl: true, log: (l) => lines.push(l) });
        try {
          const viaLan = await allowed.call('GET', `http://${remoteIp}:${allowed.port}/__emulator/info`, { token: '' });
          v.eq(`control call from ${remoteIp} with --allow-remote-control`, viaLan.status, 200);
        } finally {
          await allowed.stop();
        }
        v.expect(
          lines.some((/** @type {string} */ l) => /remote|anyone/i.test(l) && /admin/i.test(l)),
          `no warning naming the risk: ${JSON.stringify(lines.slice(0, 5))}`,
        );
        return v.done();
      },
    }),
    attack(16, 'data-files-private', {
      injected: '--data <dir>/emu.db --tls with a symlink planted at emu.db.cert.pem pointing at another file',
      expected: 'emu.db, -wal and -shm are 0600; the file the symlink points at is unchanged',
      async run() {
        const v = new Verdict();
        const dir = await makeHome('qlik-rel-data-');
        const data = join(dir, 'emu.db');
        const victim = join(dir, 'victim.txt');
        await writeFile(victim, 'do not overwrite\n');
        await symlink(victim, `${data}.cert.pem`);
        let emu;
        let startError;
        /** @type {Record<string, string | undefined>} */
        const modes = {};
        try {
          emu = await labEmulator({ data, tls: true });
          await mintKey(emu, 'reliability on disk');
          // While it runs: the write-ahead log and its index exist only then.
          for (const name of ['emu.db', 'emu.db-wal', 'emu.db-shm'])
            modes[name] = (await modeOf(join(dir, name)))?.toString(8);
        } catch (e) {
          startError = e instanceof Error ? e.message.split('\n')[0] : String(e);
        } finally {
          await emu?.stop();
        }
        v.eq('the symlink target', await readFile(victim, 'utf8'), 'do not overwrite\n');
        v.fig('start', startError ? 'refused' : 'ok');
        if (!startError) {
          v.fig('file', modes['emu.db']);
          v.expect(modes['emu.db'] !== undefined, 'no database file was written');
          for (const [name, mode] of Object.entries(modes)) if (mode !== undefined) v.eq(`${name} mode`, mode, '600');
        }
        return v.done();
      },
    }),
    attack(17, 'fault-pattern-cannot-freeze', {
      reduced: true,
      injected:
        'a fault rule with path ^/(a+)+$ (catastrophic as a regular expression), and a glob with many stars against a 5000-character path',
      expected: 'the regular expression is refused (400); the glob answers within 1 s; the emulator still serves',
      async run(lab) {
        const emu = await lab.fresh();
        const v = new Verdict();
        const regex = await emu.call('POST', '/__emulator/faults', {
          token: '',
          body: { path: '^/(a+)+$', action: { type: 'status', status: 418 } },
        });
        v.eq('a regular-expression path', regex.status, 400);
        const glob = await emu.call('POST', '/__emulator/faults', {
          token: '',
          body: { path: `/${'*a'.repeat(20)}*b`, times: 0, action: { type: 'status', status: 418 } },
        });
        v.eq('a many-star glob', glob.status, 201);
        const t0 = performance.now();
        const res = await emu.call('GET', `/${'a'.repeat(5000)}`, { token: emu.admin.apiKey });
        const ms = performance.now() - t0;
        v.fig('ms', ms);
        v.expect(ms < 1000, `the request took ${Math.round(ms)} ms`);
        v.expect(res.status === 404 || res.status === 401, `unexpected status ${res.status}`);
        v.eq('info afterwards', (await emu.call('GET', '/__emulator/info', { token: '' })).status, 200);
        await emu.faults.clear();
        return v.done();
      },
    }),
    attack(18, 'request-log-masked', {
      injected:
        'a request with X-Api-Key, Cookie, X-Qlik-Session, X-Refresh-Token, X-My-Session-Id and Proxy-Authorization headers, and ?token=…&api_key=…&session_id=…&password=… in the query',
      expected:
        'none of the values in GET /__emulator/requests or in the log lines (the request itself is logged, with its non-secret limit=1)',
      run() {
        /** @type {string[]} */
        const lines = [];
        return withEmulator({ log: (l) => lines.push(l) }, async (emu) => {
          const headers = [
            'X-Api-Key',
            'Cookie',
            'X-Qlik-Session',
            'X-Refresh-Token',
            'X-My-Session-Id',
            'Proxy-Authorization',
          ].map((h) => /** @type {[string, string]} */ ([h, secretValue('v')]));
          const query = ['token', 'api_key', 'session_id', 'password'].map(
            (q) => /** @type {[string, string]} */ ([q, secretValue('q')]),
          );
          await emu.call('GET', `${KEYS_PATH}?${new URLSearchParams([...query, ['limit', '1']]).toString()}`, {
            token: emu.admin.apiKey,
            headers: Object.fromEntries(headers),
          });
          const entries = await emu.requests();
          const log = JSON.stringify(entries);
          const v = new Verdict();
          const all = [...headers, ...query].map(([, x]) => x).concat(emu.admin.apiKey);
          const inLog = all.filter((x) => log.includes(x));
          const inLines = all.filter((x) => lines.join('\n').includes(x));
          v.fig('leaked', inLog.length + inLines.length);
          v.eq('secrets in the request log', inLog.join(','), '');
          v.eq('secrets in the log lines', inLines.join(','), '');
          v.eq('the logged request', entries.find((e) => e.path === KEYS_PATH)?.query?.limit, '1');
          return v.done();
        });
      },
    }),
  ];
}

// ---- issue 18, rules 18–23 (the emulator's): a block of its own ----

const ISSUE18_RULES = {
  18: "--data files are this user's alone",
  19: '--m2m-api-keys follows the key subject, whatever the grant',
  20: 'the users filter cost is bounded',
  21: 'unauthenticated bodies are not read',
  22: '/oauth/token: Basic auth, budget charged after the secret',
  23: 'an orphaned emulator exits',
};

const attack18 = attackMaker(ISSUE18_RULES, { idPrefix: 'i18-', ruleWord: 'issue 18 rule' });

const IMPERSONATION = 'urn:qlik:oauth:user-impersonation';

const EMULATOR_BIN = new URL('../../../packages/emulator/bin/qlik-emulator.js', import.meta.url).pathname;

/**
 * Runs the emulator's command line until it exits (or `ms` pass: then it is killed); resolves with what it said.
 * @param {string[]} args
 * @param {number} [ms]
 * @returns {Promise<{ code: number | string | null, stdout: string, stderr: string }>}
 */
async function runEmulatorCli(args, ms = 10_000) {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [EMULATOR_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const killer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/**
 * The resident set size of a process in KiB (Linux: /proc).
 * @param {number | undefined} pid
 */
function rssKiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, ''));
}

/**
 * Sends on `socket` a POST with a wrong bearer announcing one byte more than `body` holds, then `body`: the request
 * stalls one byte short. Resolves with the first line of the answer (or, if the connection closes first, what came).
 * @param {import('node:net').Socket} socket
 * @param {Buffer} body
 * @returns {Promise<string>}
 */
function stalledPost(socket, body) {
  socket.on('error', () => undefined);
  /** @type {Buffer[]} */
  const got = [];
  const answer = new Promise((resolve) => {
    const text = () => Buffer.concat(got).toString('latin1');
    socket.on('data', (/** @type {Buffer} */ d) => {
      got.push(d);
      const end = text().indexOf('\r\n');
      if (end >= 0) resolve(text().slice(0, end));
    });
    socket.on('close', () => resolve(`closed: ${text().slice(0, 40)}`));
  });
  const head = [
    'POST /api/v1/api-keys HTTP/1.1',
    'host: 127.0.0.1',
    'authorization: Bearer not-a-key',
    'content-type: application/json',
    `content-length: ${body.length + 1}`,
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  socket.write(body);
  return /** @type {Promise<string>} */ (answer);
}

/** @returns {Case[]} */
function issue18EmulatorCases() {
  return [
    attack18(18, 'data-planted-side-files', {
      injected:
        '--data in a sticky shared folder (1777) where another user planted state.db-wal 0666 (as root: a file of uid 65534; otherwise a symlink to a file); then --data in a folder writable by others (0777)',
      expected:
        'both refused before anything is written: exit 1, one stderr line naming the file or folder, nothing on stdout; the planted file unchanged',
      async run() {
        const v = new Verdict();
        const home = await makeHome();
        const shared = join(home, 'shared');
        await mkdir(shared);
        await chmod(shared, 0o1777);
        const db = join(shared, 'state.db');
        const planted = `${db}-wal`;
        const root = process.getuid?.() === 0;
        if (root) {
          await writeFile(planted, '', { mode: 0o666 });
          await chmod(planted, 0o666);
          await chown(planted, 65534, 65534);
        } else {
          await writeFile(join(shared, 'theirs'), '', { mode: 0o666 });
          await symlink(join(shared, 'theirs'), planted);
        }
        const r = await runEmulatorCli(['--data', db, '--quiet']);
        v.eq('planted: exit code', r.code, 1);
        // Not quoted: a started emulator prints its keys there.
        v.expect(r.stdout === '', `planted: the emulator started (${r.stdout.length} bytes on stdout)`);
        v.eq('planted: stderr lines', stderrLines(r.stderr).length, 1);
        v.expect(r.stderr.includes(planted), `planted: stderr does not name ${planted}: ${r.stderr.slice(0, 200)}`);
        const after = await lstat(planted);
        v.eq('planted: size after', after.size, 0);
        if (root) v.eq('planted: mode after', after.mode & 0o777, 0o666);
        v.expect(!existsSync(db) || (await lstat(db)).size === 0, 'the database was written');
        const open = join(home, 'open');
        await mkdir(open);
        await chmod(open, 0o777);
        const r2 = await runEmulatorCli(['--data', join(open, 'state.db'), '--quiet']);
        v.eq('0777 folder: exit code', r2.code, 1);
        v.eq('0777 folder: stderr lines', stderrLines(r2.stderr).length, 1);
        v.match('0777 folder: stderr', r2.stderr, /writable by other users \(mode 0777\) and not sticky/);
        v.expect(!existsSync(join(open, 'state.db')), 'a database was created in the 0777 folder');
        v.fig('as root', root ? 'yes' : 'no (a symlink planted)');
        return v.done();
      },
    }),
    attack18(20, 'users-filter-cost', {
      heavy: true,
      injected:
        '10 000 users; POST /users/actions/filter with 300 `assignedRoles.id eq` clauses, then a 10 000-character filter of 100 comparisons (role ids and group roles) with GET /tenants/me sent at the same time',
      expected:
        '300 clauses: 400 USERS-2 naming the limit of 100; 100 comparisons: 200 with the right users within 1.5 s, and tenants/me answered within 1.5 s',
      run() {
        return withEmulator({}, async (emu) => {
          const v = new Verdict();
          const users = Array.from({ length: 10_000 }, (_, i) => ({
            name: `load ${i}`,
            email: `load${i}@example.com`,
            roles: i % 4 === 0 ? ['Developer'] : ['User'],
          }));
          const t0 = performance.now();
          await emu.addUsers(users);
          v.fig('users added ms', Math.round(performance.now() - t0));
          const roleIds = (await emu.call('GET', '/api/v1/roles?limit=100', { token: emu.admin.apiKey })).body?.data;
          const dev = roleIds?.find((/** @type {{ name: string, id: string }} */ r) => r.name === 'Developer')?.id;
          v.expect(typeof dev === 'string', 'no Developer role id');
          const action = (/** @type {string} */ filter) =>
            emu.call('POST', '/api/v1/users/actions/filter?limit=100', {
              token: emu.admin.apiKey,
              body: { filter },
            });
          const many = Array.from({ length: 300 }, (_, i) => `assignedRoles.id eq "${i}"`);
          const t1 = performance.now();
          const refused = await action(many.join(' or '));
          v.fig('300 clauses ms', Math.round(performance.now() - t1));
          v.eq('300 clauses: status', refused.status, 400);
          v.eq('300 clauses: code', refused.body?.errors?.[0]?.code, 'USERS-2');
          v.match(
            '300 clauses: detail',
            refused.body?.errors?.[0]?.detail,
            /more than 100 comparisons \(the limit is 100/,
          );
          const parts = [
            ...Array.from(
              { length: 49 },
              (_, i) => `assignedRoles.id eq "${String(i).padStart(24, '0')}${'x'.repeat(40)}"`,
            ),
            ...Array.from({ length: 50 }, (_, i) => `assignedGroupsAssignedRoles.name eq "role ${i}${'y'.repeat(40)}"`),
            `assignedRoles.id eq "${dev}"`,
          ];
          let filter = parts.join(' or ');
          filter += ' '.repeat(Math.max(0, 10_000 - filter.length));
          v.fig('filter chars', filter.length);
          const t2 = performance.now();
          const [listed, tenant] = await Promise.all([
            action(filter).then((r) => ({ r, ms: performance.now() - t2 })),
            emu
              .call('GET', '/api/v1/tenants/me', { token: emu.admin.apiKey })
              .then((r) => ({ r, ms: performance.now() - t2 })),
          ]);
          v.fig('filter ms', Math.round(listed.ms));
          v.fig('tenants/me ms', Math.round(tenant.ms));
          v.eq('100 comparisons: status', listed.r.status, 200);
          v.eq('100 comparisons: page size', listed.r.body?.data?.length, 100);
          v.expect(
            (listed.r.body?.data ?? []).every((/** @type {{ assignedRoles?: { name: string }[] }} */ u) =>
              u.assignedRoles?.some((r) => r.name === 'Developer'),
            ),
            'a listed user does not have the Developer role',
          );
          v.eq('tenants/me status (a redirect to the tenant)', tenant.r.status, 302);
          v.expect(listed.ms < 1500, `the filter took ${Math.round(listed.ms)} ms`);
          v.expect(tenant.ms < 1500, `tenants/me took ${Math.round(tenant.ms)} ms`);
          return v.done();
        });
      },
    }),
    attack18(21, 'stalled-unauthenticated-bodies', {
      injected:
        '200 connections with a wrong bearer, each announcing a 1 MiB body and sending all of it but the last byte (the emulator on its own, --quiet)',
      expected: 'each answered 401 before its body is complete; the emulator RSS grows by less than 20 MiB',
      async run() {
        const { spawn } = await import('node:child_process');
        const net = await import('node:net');
        const child = spawn(process.execPath, [EMULATOR_BIN, '--quiet', '--json'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        /** @type {import('node:net').Socket[]} */
        const sockets = [];
        try {
          const info = JSON.parse(
            await new Promise((resolve, reject) => {
              let out = '';
              child.stdout.on('data', (d) => {
                out += String(d);
                if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
              });
              child.on('exit', () => reject(new Error('the emulator exited')));
            }),
          );
          const { port } = new URL(info.url);
          for (let i = 0; i < 20; i += 1) await (await fetch(`${info.url}/api/v1/users/me`)).arrayBuffer();
          await sleep(300);
          const before = rssKiB(child.pid);
          const body = Buffer.alloc(MiB - 1, 0x61);
          const statuses = await Promise.all(
            Array.from({ length: 200 }, () => {
              const socket = net.connect(Number(port), '127.0.0.1');
              sockets.push(socket);
              return stalledPost(socket, body);
            }),
          );
          await sleep(1000);
          const grown = (rssKiB(child.pid) - before) / 1024;
          const v = new Verdict();
          v.eq('answers', [...new Set(statuses)].join(','), 'HTTP/1.1 401 Unauthorized');
          v.fig('RSS growth MiB', Number(grown.toFixed(1)));
          v.expect(grown < 20, `RSS grew by ${grown.toFixed(1)} MiB`);
          return v.done();
        } finally {
          for (const s of sockets) s.destroy();
          child.kill('SIGKILL');
        }
      },
    }),
    attack18(19, 'bot-impersonated-deny', {
      injected:
        "--m2m-api-keys deny, then an impersonation token for the OAuth client's bot user creates a key (and another bot creates one for the bot)",
      expected: '403 APIKEYS-5 both times; no key of the bot exists',
      run() {
        return withEmulator({ m2mApiKeys: 'deny' }, async (emu) => {
          const bot = emu.oauthClients[0];
          if (bot === undefined) throw new Error('the lab emulator has no OAuth client');
          const imp = await emu.addOAuthClient({
            name: 'imp',
            allowedGrantTypes: ['client_credentials', IMPERSONATION],
          });
          const client = emu.oauthClient('imp');
          const token = await emu.call('POST', '/oauth/token', {
            token: '',
            body: {
              grant_type: IMPERSONATION,
              client_id: client.clientId,
              client_secret: client.clientSecret,
              user_lookup: { field: 'userId', value: bot.userId },
            },
          });
          const v = new Verdict();
          v.eq('impersonation token', token.status, 200);
          const made = await emu.call('POST', KEYS_PATH, {
            token: token.body?.access_token ?? '',
            body: { description: 'bot key', expiry: 'PT1H' },
          });
          v.eq('a key for the bot through impersonation', made.status, 403);
          const imp2 = await emu.call('POST', '/oauth/token', {
            token: '',
            body: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret },
          });
          const other = await emu.call('POST', KEYS_PATH, {
            token: imp2.body?.access_token ?? '',
            body: { description: 'bot key', expiry: 'PT1H', sub: bot.userId },
          });
          v.eq('a key for the bot by another bot', other.status, 403);
          v.expect(imp.clientId !== undefined, 'the second client was made');
          return v.done();
        });
      },
    }),
    attack18(22, 'basic-auth-and-wrong-secrets', {
      injected:
        'client credentials with HTTP Basic; then 16 wrong secrets for the client with --rate-limit at 3 a minute',
      expected:
        'Basic answered like the body (200); the wrong secrets get 401 then 429; the right secret from another address still gets a token',
      run() {
        return withEmulator({}, async (emu) => {
          const c = emu.oauthClients[0];
          if (c === undefined) throw new Error('the lab emulator has no OAuth client');
          const v = new Verdict();
          const basic = `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
          const viaBasic = await emu.call('POST', '/oauth/token', {
            token: '',
            body: { grant_type: 'client_credentials' },
            headers: { authorization: basic },
          });
          v.eq('token with Basic', viaBasic.status, 200);
          await emu.control('PUT', 'rate-limits', { enabled: true, tier2PerMinute: 3, windowSeconds: 60 });
          // The wrong secrets come from 127.0.0.2 (Linux routes all of 127/8 to loopback); the right one from 127.0.0.1.
          const { request: httpRequest } = await import('node:http');
          /** @type {(localAddress: string, secret: string) => Promise<number | undefined>} */
          const postFrom = (localAddress, secret) =>
            new Promise((resolve, reject) => {
              const body = JSON.stringify({
                grant_type: 'client_credentials',
                client_id: c.clientId,
                client_secret: secret,
              });
              const req = httpRequest(
                `${emu.url}/oauth/token`,
                { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
                (res) => {
                  res.resume();
                  res.on('end', () => resolve(res.statusCode));
                },
              );
              req.on('error', reject);
              req.end(body);
            });
          const statuses = [];
          for (let i = 0; i < 16; i += 1) statuses.push(await postFrom('127.0.0.2', 'wrong-secret'));
          v.eq('wrong secrets', [...new Set(statuses)].join(','), '401,429');
          const right = await postFrom('127.0.0.1', c.clientSecret);
          v.eq('the right secret (another address)', right, 200);
          return v.done();
        });
      },
    }),
    attack18(23, 'orphan-at-start', {
      injected: 'the command line started from a shell that is SIGKILLed right after starting it',
      expected: 'the emulator exits within 3 s',
      async run() {
        const { spawn } = await import('node:child_process');
        const sh = spawn('sh', ['-c', '"$0" "$1" --json & echo $!; wait', process.execPath, EMULATOR_BIN], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const pid = Number(await new Promise((resolve) => sh.stdout.once('data', (d) => resolve(String(d).trim()))));
        sh.kill('SIGKILL');
        const v = new Verdict();
        const t0 = performance.now();
        while (running(pid) && performance.now() - t0 < 3000) await sleep(100);
        const still = running(pid);
        if (still) process.kill(pid, 'SIGKILL');
        v.fig('ms', performance.now() - t0);
        v.expect(!still, 'the orphaned emulator was still running after 3 s');
        return v.done();
      },
    }),
  ];
}

/** @returns {Case[]} */
export function adversarialCases({ reduced = false } = {}) {
  return [
    ...attributionCases({ reduced }),
    ...interruptCases(),
    ...originCases(),
    secretRuleCase(),
    ...headerSourceCases(),
    stdoutSafetyCase(),
    ...pagingCases(),
    sizeCapCase(),
    rmGoneCase(),
    jsonPositionCase(),
    taggedYamlCase(),
    ...permissionCases(),
    editorInterruptCase(),
    ...emulatorCases(),
    ...trustCases({ reduced }),
    ...issue18EmulatorCases(),
  ];
}
