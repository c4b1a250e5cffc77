// 1. Server and network faults: api-key create under every fault kind (the create that never leaves a duplicate or an
// orphan), the redirect, escape and clock cases, and the idempotent verbs (ls, get, rm) under faults.
import { closedPort, startSink } from '../net.mjs';
import { adminHome, envFor, homeFor, registerToken, runQlik, spawnQlik } from '../lab.mjs';
import {
  checkRun,
  GET_KEYS,
  hasErrorMessage,
  KEYS_PATH,
  keysFor,
  MiB,
  parseJson,
  POST_KEYS,
  retryArgs,
  secretValue,
  timesFor,
  Verdict,
  withCredentials,
} from '../verdict.mjs';

/** @typedef {import('./case.mjs').Case} Case */
/** @typedef {import('./case.mjs').Lab} Lab */
/** @typedef {Lab['emu']} LabEmulator */
/** @typedef {import('../lab.mjs').FaultRule} FaultRule */

// ---- measuring a create ----

/**
 * Runs `api-key create` under fault rules and measures the outcome against the ledger, the database and stdout.
 * The key's description is unique to the run, so every key in the ledger with it (or with it and a create tag still
 * on) was made by this run.
 */
/**
 * @param {Lab} lab
 * @param {{ id: string, rules?: FaultRule[], retry: number, timeout?: number | undefined, args?: string[], env?: Record<string, string | undefined>, server?: string,
 *   emu?: LabEmulator, setup?: (emu: LabEmulator) => unknown, closeStdout?: boolean, reset?: boolean, home?: string }} opts
 */
export async function createUnderFault(
  lab,
  {
    id,
    rules = [],
    retry,
    timeout,
    args = [],
    env = {},
    server,
    emu = lab.emu,
    setup,
    closeStdout = false,
    reset = true,
    home,
  },
) {
  if (reset) await emu.reset();
  await setup?.(emu);
  for (const rule of rules) await emu.faults.add(rule);
  home ??= await homeFor(server ?? emu.url, emu.admin.apiKey);
  const description = `reliability ${id}`;
  const p = spawnQlik(
    ['api-key', 'create', '--description', description, '--expiry', 'PT1H', ...retryArgs(retry), ...args],
    {
      env: envFor(home, { ...(timeout === undefined ? {} : { QLIK_HTTP_TIMEOUT: String(timeout) }), ...env }),
    },
  );
  // The reader of stdout is gone (`qlik api-key create | false`): writing the token fails with EPIPE.
  if (closeStdout) p.child.stdout.destroy();
  const r = await p.done;
  return measureCreate(emu, { r, home, description });
}

/** What a finished create left: its keys in the ledger, its POSTs, duplicates, orphans, a working token. */
/**
 * @param {LabEmulator} emu
 * @param {{ r: import('../../../test/kit/process.mjs').ProcessResult, home: string, description: string }} run
 */
export async function measureCreate(emu, { r, home, description }) {
  /** @type {import('../verdict.mjs').CliKey | undefined} */
  const out = parseJson(r.stdout);
  registerToken(out?.token);
  const ledger = keysFor(await emu.ledger(), description);
  const log = await emu.requests();
  const posts = log.filter((e) => e.method === 'POST' && e.path === KEYS_PATH);
  const active = ledger.filter((e) => e.state === 'active');
  const success = r.code === 0;
  let tokenWorks;
  if (success && typeof out?.token === 'string')
    tokenWorks = (await emu.call('GET', `${KEYS_PATH}?limit=1`, { token: out.token })).status === 200;
  const faulted = log.filter((e) => e.faultId !== undefined);
  return {
    r,
    out,
    home,
    description,
    ledger,
    log,
    attempts: posts.length,
    faulted: faulted.length,
    faultedMs: Math.max(0, ...faulted.map((e) => e.ms)),
    duplicates: Math.max(0, active.length - (success ? 1 : 0)),
    orphans: active.filter((e) => e.id !== out?.id).length,
    /** Active keys whose description is not exactly the user's (a create tag left on). */
    tagged: active.filter((e) => e.description !== description).length,
    tokenWorks,
  };
}

/** The verdict for a create run: exit code, attempts, duplicates, orphans, leaks, a usable token or no key at all. */
/**
 * @param {Awaited<ReturnType<typeof measureCreate>>} m
 * @param {{ exit: number, attempts?: number | [number, number], maxMs?: number, stderr?: RegExp | undefined, faulted?: boolean, cutWithinS?: number | undefined }} expect
 */
export async function judgeCreate(m, { exit, attempts, maxMs, stderr, faulted = true, cutWithinS }) {
  const v = new Verdict();
  const { r } = m;
  v.fig('attempts', m.attempts);
  v.fig('duplicates', m.duplicates);
  v.fig('orphans', m.orphans);
  await checkRun(v, r, m.home);
  v.eq('exit code', r.code, exit);
  v.eq('duplicates', m.duplicates, 0);
  v.eq('orphans', m.orphans, 0);
  v.eq('active keys still carrying a create tag', m.tagged, 0);
  v.eq('leaked secrets', v.figures.leaked, 0);
  if (attempts !== undefined) {
    const [lo, hi] = Array.isArray(attempts) ? attempts : [attempts, attempts];
    v.expect(
      m.attempts >= lo && m.attempts <= hi,
      `attempts ${m.attempts}, expected ${lo === hi ? lo : `${lo}-${hi}`}`,
    );
  }
  if (faulted) v.expect(m.faulted > 0, 'the fault never fired');
  if (maxMs !== undefined) v.expect(r.ms <= maxMs, `took ${Math.round(r.ms)} ms, more than ${maxMs} ms`);
  if (cutWithinS !== undefined) {
    // The server's view: how long the longest faulted request stayed open before the CLI gave up on it.
    v.fig('cutAfterS', (m.faultedMs / 1000).toFixed(1));
    v.expect(
      m.faultedMs <= (cutWithinS + 2.5) * 1000,
      `a faulted request stayed open ${m.faultedMs} ms (timeout ${cutWithinS} s)`,
    );
  }
  if (r.code === 0) {
    v.expect(m.tokenWorks === true, 'the printed token does not authenticate');
    v.expect(
      m.ledger.some((e) => e.id === m.out?.id && e.state === 'active'),
      'the printed key is not the active key',
    );
    v.eq('printed description', m.out?.description, m.description);
  } else {
    v.expect(
      m.ledger.every((e) => e.state !== 'active'),
      'a failed create left an active key',
    );
    v.expect(hasErrorMessage(r.stderr), `no error message on stderr: ${JSON.stringify(r.stderr.slice(-300))}`);
  }
  if (stderr) v.match('stderr', r.stderr, stderr);
  return v.done();
}

// ---- create under one fault kind, for --retry 0, 1 and 10 ----

/** Fault kinds on POST /api/v1/api-keys. `committed`: the key exists when the fault hits. `reduced`: the retries `npm test` runs. */
/**
 * @typedef {object} CreateFault
 * @property {string} key
 * @property {string} injected
 * @property {FaultRule['action']} action
 * @property {number[]} retries
 * @property {number[]} [reduced]
 * @property {boolean} [committed]
 * @property {number} [timeout]
 * @property {number} [minWaitS]
 * @property {RegExp} [stderr]
 */
/**
 * A fault kind that hits after the key is committed; retried with 0, 1 and 10 unless `more` says otherwise.
 * @param {string} key
 * @param {string} injected
 * @param {FaultRule['action']} action
 * @param {Partial<CreateFault>} [more]
 * @returns {CreateFault}
 */
const afterCommit = (key, injected, action, more = {}) => ({
  key,
  injected,
  action,
  committed: true,
  retries: [0, 1, 10],
  ...more,
});

/** @type {CreateFault[]} */
const CREATE_FAULTS = [
  {
    key: '429',
    injected: '429, retry-after: 1',
    action: { type: 'status', status: 429, headers: { 'retry-after': '1' } },
    retries: [0, 1, 10],
    minWaitS: 1,
  },
  ...[500, 502, 503, 504].map((status) => ({
    key: `${status}-before`,
    injected: `${status} before the key is committed (status)`,
    action: { type: 'status', status },
    retries: status === 503 ? [0, 1, 10] : [0, 1],
  })),
  ...[500, 502, 503, 504].map((status) => ({
    key: `${status}-after`,
    injected: `${status} after the key is committed (status-after)`,
    action: { type: 'status-after', status },
    committed: true,
    retries: status === 503 ? [0, 1, 10] : [0, 1],
    reduced: status === 503 ? [1] : [],
  })),
  {
    key: 'reset-before',
    injected: 'connection reset before the request is read',
    action: { type: 'reset-before' },
    retries: [0, 1, 10],
  },
  afterCommit('reset-after', 'connection reset after commit', { type: 'reset-after' }, { reduced: [1] }),
  afterCommit('truncated', 'body truncated after commit', { type: 'truncate-after' }),
  afterCommit(
    'html-2xx',
    'HTML 201 body after commit',
    { type: 'malformed-after', body: '<html><body><h1>Created</h1></body></html>', contentType: 'text/html' },
    { retries: [0, 1] },
  ),
  afterCommit(
    'malformed-2xx',
    'malformed JSON 201 body after commit',
    { type: 'malformed-after', body: '{"id": "0000', contentType: 'application/json' },
    { retries: [0, 1] },
  ),
  afterCommit('drop-token', '201 without the token', { type: 'drop-token' }),
  afterCommit(
    'slow-first-byte',
    'first byte after 8 s, QLIK_HTTP_TIMEOUT=2',
    { type: 'slow-first-byte', ms: 8000 },
    { timeout: 2, stderr: /timed out after 2s/ },
  ),
  afterCommit(
    'trickle',
    'body at 1 byte/s, QLIK_HTTP_TIMEOUT=2',
    { type: 'trickle', bytesPerSecond: 1 },
    { timeout: 2, retries: [0, 1], stderr: /timed out after 2s/ },
  ),
  {
    key: 'large-body',
    injected: '50 MB 201 body (cap 10 MiB)',
    action: { type: 'large-body', bytes: 50 * MiB },
    retries: [0, 1],
    stderr: /10 MiB/,
  },
];

/** @returns {import('./case.mjs').Case[]} */
function createFaultCases() {
  /** @type {Case[]} */
  const cases = [];
  for (const f of CREATE_FAULTS) {
    for (const retry of f.retries) {
      const times = timesFor(retry);
      const success = retry > 0;
      const attempts = success ? times + 1 : 1;
      // Each attempt can cost the timeout, the interval and a reconciliation; generous for a loaded machine.
      const perAttempt = (f.timeout ?? 0) * 1000 + 1000 + 4000;
      const outcome = success
        ? `exit 0 after ${times} fault${times > 1 ? 's' : ''}, one key with the user's description, its token printed`
        : f.committed
          ? "exit 1; the committed key is found by this run's tag and deleted"
          : 'exit 1, no key';
      cases.push({
        id: `create/${f.key}/r${retry}`,
        section: 'faults',
        reduced: f.reduced?.includes(retry) ?? false,
        injected: `create: ${f.injected} ×${times}, --retry ${retry}`,
        expected: `${outcome}; ${attempts} POST${attempts > 1 ? 's' : ''}`,
        async run(lab) {
          const m = await createUnderFault(lab, {
            id: `${f.key}-r${retry}`,
            rules: [{ ...POST_KEYS, times, action: f.action }],
            retry,
            timeout: f.timeout ?? (lab.reduced ? 10 : undefined),
          });
          const verdict = await judgeCreate(m, {
            exit: success ? 0 : 1,
            attempts,
            maxMs: 15_000 + attempts * perAttempt,
            ...(f.timeout === undefined ? {} : { cutWithinS: f.timeout }),
            ...(f.stderr && !success ? { stderr: f.stderr } : {}),
          });
          if (f.minWaitS && success && m.r.ms < f.minWaitS * times * 1000) {
            verdict.pass = false;
            verdict.failures.push(`did not wait the retry-after (${Math.round(m.r.ms)} ms)`);
          }
          return verdict;
        },
      });
    }
  }
  return cases;
}

// ---- create: one of a kind ----

const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mBad \u009b1mrequest\u001b[0m \u202eevil';

/** @returns {import('./case.mjs').Case[]} */
function specialCreateCases() {
  /** @type {import('./case.mjs').Case[]} */
  const cases = [];
  for (const retry of [1, 10]) {
    cases.push({
      id: `create/429-too-long/r${retry}`,
      section: 'faults',
      reduced: retry === 1,
      injected: `create: 429, retry-after: 600, --retry ${retry}`,
      expected: 'exit 1 at once, saying it will not wait over 300 s; 1 POST',
      async run(lab) {
        const m = await createUnderFault(lab, {
          id: `429-too-long-r${retry}`,
          rules: [
            { ...POST_KEYS, times: 0, action: { type: 'status', status: 429, headers: { 'retry-after': '600' } } },
          ],
          retry,
        });
        return judgeCreate(m, { exit: 1, attempts: 1, maxMs: 15_000, stderr: /600 s[\s\S]*300 s/ });
      },
    });
  }
  for (const retry of [0, 1, 10]) {
    cases.push({
      id: `create/refused/r${retry}`,
      section: 'faults',
      injected: `create: connection refused (nothing listens), --retry ${retry}`,
      expected: `exit 1, "connection refused"; ${retry + 1} connect attempt${retry ? 's' : ''} (from the -v trace)`,
      async run(lab) {
        const port = await closedPort();
        const m = await createUnderFault(lab, {
          id: `refused-r${retry}`,
          retry,
          server: `http://127.0.0.1:${port}`,
          args: ['-v'],
        });
        m.attempts = (m.r.stderr.match(/^> POST /gm) ?? m.r.stderr.match(/^POST /gm) ?? []).length;
        return judgeCreate(m, {
          exit: 1,
          attempts: retry + 1,
          faulted: false,
          maxMs: 15_000 + retry * 3000,
          stderr: /connection refused/,
        });
      },
    });
  }
  cases.push({
    id: 'create/redirect',
    section: 'faults',
    injected: 'create: 307 to another origin, with --headers X-Reliability-Secret',
    expected: 'exit 1, not followed: nothing with Authorization or the custom header reaches the other server',
    async run(lab) {
      const sink = lab.own(await startSink());
      const secret = secretValue();
      const m = await createUnderFault(lab, {
        id: 'redirect',
        retry: 1,
        rules: [
          { ...POST_KEYS, times: 0, action: { type: 'redirect', status: 307, location: `${sink.url}${KEYS_PATH}` } },
        ],
        args: ['--headers', `X-Reliability-Secret=${secret}`],
      });
      const verdict = await judgeCreate(m, { exit: 1, attempts: 1 });
      verdict.figures.sink = sink.requests.length;
      const carried = withCredentials(sink.requests, ['x-reliability-secret']);
      if (carried.length > 0) {
        verdict.pass = false;
        verdict.failures.push(`${carried.length} request(s) with credentials reached the other origin`);
      }
      return verdict;
    },
  });
  for (const mode of [[], ['--json'], ['-v']]) {
    cases.push({
      id: `create/escapes${mode.join('') || '/default'}`,
      section: 'faults',
      reduced: mode[0] === '-v',
      injected: `create: 400 whose error title holds OSC/CSI/C1 escapes and a bidi override ${mode.join(' ') || '(default mode)'}`,
      expected: 'exit 1, the title printed without any ESC/CSI/bidi character',
      async run(lab) {
        const body = {
          errors: [{ code: 'X-1', title: ESCAPES, detail: `detail ${ESCAPES}`, status: '400' }],
          traceId: 't',
        };
        const m = await createUnderFault(lab, {
          id: `escapes${mode.join('')}`,
          retry: 0,
          rules: [{ ...POST_KEYS, action: { type: 'status', status: 400, body } }],
          args: mode,
        });
        return judgeCreate(m, { exit: 1, attempts: 1, stderr: /request/ });
      },
    });
  }
  for (const [key, action, reduced] of /** @type {[string, import('../lab.mjs').FaultAction, boolean][]} */ ([
    ['reset-after', { type: 'reset-after' }, false],
    ['truncated', { type: 'truncate-after' }, false],
  ])) {
    cases.push({
      id: `create/tls-${key}/r1`,
      section: 'faults',
      reduced,
      injected: `create over HTTPS (--tls, NODE_EXTRA_CA_CERTS): ${key === 'truncated' ? 'body truncated' : 'connection reset'} after commit ×1, --retry 1`,
      expected: 'exit 0 after 1 fault, one key, its token printed; 2 POSTs',
      async run(lab) {
        const emu = await lab.tls();
        const m = await createUnderFault(lab, {
          id: `tls-${key}`,
          emu,
          retry: 1,
          rules: [{ ...POST_KEYS, action }],
          env: { NODE_EXTRA_CA_CERTS: emu.caCert },
        });
        return judgeCreate(m, { exit: 0, attempts: 2 });
      },
    });
  }
  for (const [dir, offsetMs] of [
    ['behind', -10 * 60_000],
    ['ahead', 10 * 60_000],
  ]) {
    for (const retry of [0, 1]) {
      cases.push({
        id: `create/clock-${dir}/r${retry}`,
        section: 'faults',
        injected: `create: server clock 10 min ${dir}, 503 after commit ×1, --retry ${retry}`,
        expected: retry
          ? 'exit 0, one key: the lost key is found despite the skew and deleted; 2 POSTs'
          : 'exit 1; the committed key is found despite the skew and deleted; 1 POST',
        async run(lab) {
          const m = await createUnderFault(lab, {
            id: `clock-${dir}-r${retry}`,
            retry,
            setup: (emu) => emu.control('POST', 'time', { offsetMs }),
            rules: [{ ...POST_KEYS, action: { type: 'status-after', status: 503 } }],
          });
          return judgeCreate(m, { exit: retry ? 0 : 1, attempts: retry + 1 });
        },
      });
    }
  }
  cases.push({
    id: 'create/503-after+list-503/r1',
    section: 'faults',
    injected: 'create: 503 after commit ×1, and the reconciling list (GET /api/v1/api-keys) answers 503 ×2, --retry 1',
    expected: 'exit 0, one key: the check retries the list, finds and deletes the lost key; 2 POSTs',
    async run(lab) {
      const m = await createUnderFault(lab, {
        id: 'list-503',
        retry: 1,
        rules: [
          { ...POST_KEYS, action: { type: 'status-after', status: 503 } },
          { method: 'GET', path: KEYS_PATH, times: 2, action: { type: 'status', status: 503 } },
        ],
      });
      return judgeCreate(m, { exit: 0, attempts: 2 });
    },
  });
  cases.push({
    id: 'create/untag-503/r1',
    section: 'faults',
    injected: 'create: the PATCH that removes the create tag answers 503 ×1, --retry 1',
    expected: "exit 0: the PATCH is retried; one key, with exactly the user's description",
    async run(lab) {
      const m = await createUnderFault(lab, {
        id: 'untag-503',
        retry: 1,
        rules: [{ method: 'PATCH', path: lab.emu.under(KEYS_PATH), action: { type: 'status', status: 503 } }],
      });
      return judgeCreate(m, { exit: 0, attempts: 1 });
    },
  });
  cases.push({
    id: 'create/stdout-closed',
    section: 'faults',
    reduced: true,
    injected: 'create with stdout already closed by its reader (EPIPE when the token is written)',
    expected: 'exit 1 saying the key was removed: no active key whose token nobody received',
    async run(lab) {
      const m = await createUnderFault(lab, { id: 'stdout-closed', retry: 0, closeStdout: true });
      return judgeCreate(m, { exit: 1, attempts: 1, faulted: false, stderr: /EPIPE[\s\S]*removed API key/ });
    },
  });
  cases.push({
    id: 'create/escape-in-id',
    section: 'faults',
    injected:
      'create: 201 without a token whose "id" holds OSC/CSI escapes (echoed in the "Removed API key <id>" warning)',
    expected: 'exit 1, no key, no ESC/CSI byte on stderr',
    async run(lab) {
      const body = {
        id: '\u001b]0;pwned\u0007\u001b[31mnot-a-key\u009b0m',
        description: 'reliability escape-in-id',
        status: 'active',
      };
      const m = await createUnderFault(lab, {
        id: 'escape-in-id',
        retry: 0,
        rules: [{ ...POST_KEYS, action: { type: 'status', status: 201, body } }],
      });
      return judgeCreate(m, { exit: 1, attempts: 1 });
    },
  });
  // A page that has items and a next link, so that paging goes on to the link (an empty page with a next link is
  // refused before, see adversarial/paging-*).
  const pageWith = (/** @type {string} */ next) => ({
    type: 'status',
    status: 200,
    body: { data: [{ id: 'k1', description: 'one' }], links: { next: { href: next } } },
  });
  cases.push({
    id: 'ls/next-link-other-origin',
    section: 'faults',
    reduced: true,
    injected:
      'ls --limit 200: a links.next href on another origin (a recording server), with --headers X-Reliability-Secret',
    expected: 'exit 1, not followed: nothing reaches the other origin',
    async run(lab) {
      const emu = lab.emu;
      const sink = lab.own(await startSink());
      await emu.reset();
      await emu.faults.add({ ...GET_KEYS, action: pageWith(`${sink.url}${KEYS_PATH}?limit=100`) });
      const secret = secretValue();
      const home = await adminHome(emu);
      const r = await runQlik(['api-key', 'ls', '--limit', '200', '--headers', `X-Reliability-Secret=${secret}`], {
        env: envFor(home),
      });
      const v = new Verdict();
      v.fig('attempts', (await emu.requests()).length);
      await checkRun(v, r, home);
      v.fig('sink', sink.requests.length);
      v.eq('exit code', r.code, 1);
      v.eq('requests at the other origin', sink.requests.length, 0);
      v.match('stderr', r.stderr, /another origin/);
      return v.done();
    },
  });
  cases.push({
    id: 'ls/escape-in-next-link',
    section: 'faults',
    injected: 'ls --limit 200 -v: a links.next href holding %1B[31m and %E2%80%AE (decoded in the trace)',
    expected: 'no ESC or bidi character on stderr',
    async run(lab) {
      const emu = await lab.fresh();
      const next = pageWith(`${emu.url}${KEYS_PATH}?limit=100&x=%1B%5B31mred%1B%5D0;t%07%E2%80%AE`);
      await emu.faults.add({ ...GET_KEYS, times: 2, action: next });
      const home = await adminHome(emu);
      const r = await runQlik(['api-key', 'ls', '--limit', '200', '-v'], { env: envFor(home) });
      const v = new Verdict();
      const attempts = v.fig('attempts', (await emu.requests()).length);
      await checkRun(v, r, home);
      v.expect(attempts >= 2, 'the next link was not followed');
      return v.done();
    },
  });
  return cases;
}

// ---- GET and DELETE ----

/**
 * @param {Lab} lab
 * @param {{ argv: (ctx: any) => string[], rules: (ctx: any) => FaultRule[], retry: number, timeout?: number | undefined, method: string,
 *   path?: ((ctx: any) => string) | undefined, prepare?: ((emu: LabEmulator) => Promise<any>) | undefined }} opts
 */
async function requestUnderFault(lab, { argv, rules, retry, timeout, method, path, prepare }) {
  const emu = await lab.fresh();
  const ctx = prepare ? await prepare(emu) : {};
  for (const rule of rules(ctx)) await emu.faults.add(rule);
  const home = await adminHome(emu);
  const r = await runQlik([...argv(ctx), ...retryArgs(retry)], {
    env: envFor(home, timeout === undefined ? {} : { QLIK_HTTP_TIMEOUT: String(timeout) }),
  });
  const log = await emu.requests();
  const faulted = log.filter((e) => e.faultId !== undefined);
  return {
    r,
    ctx,
    home,
    attempts: log.filter((e) => e.method === method && (path === undefined || e.path === path(ctx))).length,
    faulted: faulted.length,
    faultedMs: Math.max(0, ...faulted.map((e) => e.ms)),
  };
}

/** @type {(ctx: any) => string} */
const keyPath = (ctx) => `${KEYS_PATH}/${ctx.key.id}`;
/** @type {(emu: LabEmulator) => Promise<{ key: { id: string, token: string } }>} */
const mintOne = async (emu) => ({
  key: await emu.control('POST', 'keys', { userId: emu.admin.id, description: 'reliability target', expiry: 'PT1H' }),
});
/** @typedef {Pick<IdempotentFault, 'method' | 'argv' | 'path' | 'prepare'>} VerbOfFault */
/** @type {VerbOfFault} */
const LS = { method: 'GET', argv: () => ['api-key', 'ls'], path: () => KEYS_PATH };
/** @type {VerbOfFault} */
const RM = { method: 'DELETE', prepare: mintOne, argv: (ctx) => ['api-key', 'rm', ctx.key.id], path: keyPath };

/** Idempotent verbs under faults: `retries` are the --retry values run, `reduced` those `npm test` runs. */
/**
 * @typedef {object} IdempotentFault
 * @property {string} key
 * @property {string} injected
 * @property {string} method
 * @property {(ctx: any) => string[]} argv
 * @property {(ctx: any) => string} path
 * @property {((emu: LabEmulator) => Promise<any>) | undefined} [prepare]
 * @property {FaultRule['action']} action
 * @property {number[]} retries
 * @property {number[]} [reduced]
 * @property {number} [timeout]
 * @property {(retry: number) => number} [exit]
 * @property {(retry: number) => number} [attempts]
 * @property {(retry: number) => boolean} [keyGone]
 * @property {RegExp | ((retry: number) => RegExp | undefined)} [stderr]
 * @property {(retry: number) => RegExp | undefined} [notStderr]
 * @property {boolean} [sink]
 * @property {(v: import('../verdict.mjs').Verdict, m: Awaited<ReturnType<typeof requestUnderFault>>) => unknown} [check]
 */
/** @type {IdempotentFault[]} */
const IDEMPOTENT = [
  {
    key: 'ls/503',
    injected: 'ls: 503',
    ...LS,
    retries: [0, 1, 10],
    reduced: [1],
    action: { type: 'status', status: 503 },
  },
  {
    key: 'ls/429',
    injected: 'ls: 429, retry-after: 1',
    ...LS,
    retries: [0, 1],
    action: { type: 'status', status: 429, headers: { 'retry-after': '1' } },
  },
  {
    key: 'get/reset-after',
    injected: 'get: connection reset after the answer is ready',
    method: 'GET',
    retries: [0, 1, 10],
    prepare: mintOne,
    argv: (ctx) => ['api-key', 'get', ctx.key.id],
    action: { type: 'reset-after' },
    path: keyPath,
    check: (v, m) =>
      m.r.code !== 0 ||
      v.expect(
        /** @type {import('../verdict.mjs').CliKey | undefined} */ (parseJson(m.r.stdout))?.id === m.ctx.key.id,
        'get printed another key',
      ),
  },
  {
    key: 'get/slow-first-byte',
    injected: 'get: first byte after 8 s, QLIK_HTTP_TIMEOUT=2',
    method: 'GET',
    retries: [0, 1],
    timeout: 2,
    prepare: mintOne,
    argv: (ctx) => ['api-key', 'get', ctx.key.id],
    action: { type: 'slow-first-byte', ms: 8000 },
    path: keyPath,
  },
  {
    key: 'ls/trickle',
    injected: 'ls: body at 1 byte/s, QLIK_HTTP_TIMEOUT=2',
    ...LS,
    retries: [0],
    timeout: 2,
    action: { type: 'trickle', bytesPerSecond: 1 },
  },
  {
    key: 'ls/large-body',
    injected: 'ls: 50 MB body (cap 10 MiB)',
    ...LS,
    retries: [1],
    reduced: [1],
    action: { type: 'large-body', bytes: 50 * MiB, status: 200 },
    // The cap is deterministic: retrying would download the same oversized body again.
    exit: () => 1,
    attempts: () => 1,
    stderr: /10 MiB/,
  },
  {
    key: 'ls/redirect',
    injected: 'ls: 302 to another origin, with --headers X-Reliability-Secret',
    ...LS,
    retries: [1],
    reduced: [1],
    argv: (ctx) => ['api-key', 'ls', '--headers', `X-Reliability-Secret=${ctx.secret}`],
    prepare: () => Promise.resolve({ secret: secretValue() }),
    sink: true,
    action: { type: 'redirect', status: 302 },
    exit: () => 1,
    attempts: () => 1,
    stderr: /another origin/,
  },
  {
    key: 'rm/503-before',
    injected: 'rm: 503 before the delete is committed',
    ...RM,
    retries: [0, 1, 10],
    action: { type: 'status', status: 503 },
    keyGone: (retry) => retry > 0,
  },
  {
    key: 'rm/503-after',
    injected: 'rm: 503 after the delete is committed',
    ...RM,
    retries: [0, 1],
    reduced: [1],
    action: { type: 'status-after', status: 503 },
    keyGone: () => true,
    // The retried DELETE finds the key gone: the run must not claim to have deleted it (#8 rule 9).
    stderr: (retry) => (retry > 0 ? /is gone/ : undefined),
    notStderr: (retry) => (retry > 0 ? /\bdeleted\b/ : undefined),
  },
  {
    key: 'rm/reset-after',
    injected: 'rm: connection reset after the delete is committed',
    ...RM,
    retries: [0, 1, 10],
    action: { type: 'reset-after' },
    keyGone: () => true,
  },
];

/** @returns {import('./case.mjs').Case[]} */
function idempotentCases() {
  /** @type {Case[]} */
  const cases = [];
  for (const k of IDEMPOTENT) {
    for (const retry of k.retries) {
      const times = timesFor(retry);
      const exit = k.exit ? k.exit(retry) : retry > 0 ? 0 : 1;
      const attempts = k.attempts ? k.attempts(retry) : exit === 0 ? times + 1 : 1;
      const gone = k.keyGone?.(retry);
      const stderr = typeof k.stderr === 'function' ? k.stderr(retry) : k.stderr;
      const notStderr = k.notStderr?.(retry);
      cases.push({
        id: `${k.key}/r${retry}`,
        section: 'faults',
        reduced: k.reduced?.includes(retry) ?? false,
        injected: `${k.injected} ×${times}, --retry ${retry}`,
        expected: `exit ${exit}; ${attempts} ${k.method}${attempts > 1 ? 's' : ''}${gone === undefined ? '' : gone ? '; the key is gone' : '; the key is still active'}`,
        async run(lab) {
          const sink = k.sink ? lab.own(await startSink()) : undefined;
          const m = await requestUnderFault(lab, {
            argv: k.argv,
            retry,
            timeout: k.timeout ?? (lab.reduced ? 10 : undefined),
            method: k.method,
            path: k.path,
            prepare: k.prepare,
            rules: (ctx) => [
              {
                method: k.method,
                path: k.path(ctx),
                times,
                action: sink ? { ...k.action, location: `${sink.url}${KEYS_PATH}` } : k.action,
              },
            ],
          });
          const v = new Verdict();
          v.fig('attempts', m.attempts);
          await checkRun(v, m.r, m.home);
          v.eq('exit code', m.r.code, exit);
          v.eq('attempts', m.attempts, attempts);
          v.expect(m.faulted > 0, 'the fault never fired');
          if (k.timeout !== undefined) {
            v.fig('cutAfterS', (m.faultedMs / 1000).toFixed(1));
            v.expect(
              m.faultedMs <= (k.timeout + 2.5) * 1000,
              `a faulted request stayed open ${m.faultedMs} ms (timeout ${k.timeout} s)`,
            );
          }
          const perAttempt = (k.timeout ?? 0) * 1000 + 1000 + 3000;
          v.expect(m.r.ms <= 15_000 + attempts * perAttempt, `took ${Math.round(m.r.ms)} ms`);
          if (exit !== 0)
            v.expect(hasErrorMessage(m.r.stderr), `no error message: ${JSON.stringify(m.r.stderr.slice(-300))}`);
          if (stderr) v.match('stderr', m.r.stderr, stderr);
          if (notStderr)
            v.expect(
              !notStderr.test(m.r.stderr),
              `stderr matches ${notStderr}: ${JSON.stringify(m.r.stderr.slice(0, 300))}`,
            );
          if (gone !== undefined) {
            const state = (await lab.emu.call('GET', `${KEYS_PATH}/${m.ctx.key.id}`, { token: lab.emu.admin.apiKey }))
              .status;
            v.expect(
              gone ? state === 404 : state === 200,
              `the key ${gone ? 'still exists' : 'was removed'} (GET answered ${state})`,
            );
          }
          if (sink) {
            v.fig('sink', sink.requests.length);
            v.eq(
              'requests with credentials at the other origin',
              withCredentials(sink.requests, ['x-reliability-secret']).length,
              0,
            );
          }
          k.check?.(v, m);
          return v.done();
        },
      });
    }
  }
  return cases;
}

/** @returns {import('./case.mjs').Case[]} */
export function faultCases() {
  return [...createFaultCases(), ...specialCreateCases(), ...idempotentCases()];
}
