// The reliability and security matrix: every case, shared by the full run (scripts/reliability.mjs) and the
// reduced run inside `npm test` (test/reliability.test.ts). A case is { id, section, injected, expected, run(lab) };
// run resolves with { pass, figures, failures }. `buildCases({ reduced })` picks fewer retries, trials and pairs.
import { spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  cleanEnv,
  contextsPath,
  countLeaks,
  escBytes,
  hasStackTrace,
  homeFor,
  makeHome,
  modeOf,
  neighbourLeaks,
  registerSecret,
  registerToken,
  runQlik,
  sha256File,
  spawnQlik,
  stderrLines,
  labPool,
  writeContexts,
} from './lab.mjs';
import { closedPort, startProxy, startRelay, startSink } from './net.mjs';

export const SECTIONS = {
  faults: '1. Server and network faults',
  input: '2. Bad input (answered before any network call)',
  secrets: '3. Secrets and the contexts file',
  proxy: '4. Proxy and TLS',
};

const KEYS_PATH = '/api/v1/api-keys';
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Verdicts

class Verdict {
  constructor() {
    this.figures = {};
    this.failures = [];
  }
  fig(name, value) {
    this.figures[name] = value;
    return value;
  }
  add(name, value) {
    this.figures[name] = (this.figures[name] ?? 0) + value;
    return this.figures[name];
  }
  expect(ok, message) {
    if (!ok) this.failures.push(message);
    return ok;
  }
  eq(name, actual, wanted) {
    return this.expect(actual === wanted, `${name} was ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  }
  done() {
    return { pass: this.failures.length === 0, figures: this.figures, failures: this.failures };
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An `Error: …` line, or the server's error body printed as JSON (its last line is `}`). */
function hasErrorMessage(text) {
  return /^Error: \S/m.test(text ?? '') || /(^|\n)\{\n[\s\S]*"errors"[\s\S]*\n\}\n?$/.test(text ?? '');
}

function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
}

/** Checks every CLI run shares: no secret and no terminal escape on stderr, no stack trace, not killed by us. */
function commonChecks(v, r, label = '') {
  const at = label ? ` (${label})` : '';
  v.add('leaked', countLeaks(r.stderr));
  v.add('esc', escBytes(r.stderr));
  v.expect(countLeaks(r.stderr) === 0, `a secret reached stderr${at}`);
  v.expect(escBytes(r.stderr) === 0, `an escape byte reached stderr${at}`);
  v.expect(!hasStackTrace(r.stderr), `a stack trace on stderr${at}`);
  v.expect(!r.timedOut, `the CLI did not end within its time limit and was killed${at}`);
}

function envFor(home, extra = {}) {
  return cleanEnv({ QLIK_CLI_USER_HOME_DIR: home, ...extra });
}

function retryArgs(retry) {
  return ['--retry', String(retry), '--interval', '1'];
}

/** How many times a fault fires for a given --retry: once for 0 and 1 (1 recovers), three times for 10. */
function timesFor(retry) {
  return retry >= 10 ? 3 : 1;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Faults on api-key create

/**
 * Runs `api-key create` under fault rules and measures the outcome against the ledger, the database and stdout.
 */
async function createUnderFault(lab, { id, rules = [], retry, timeout, args = [], env = {}, server, emu = lab.emu, setup, closeStdout = false }) {
  await emu.reset();
  await setup?.(emu);
  for (const rule of rules) await emu.fault(rule);
  const home = await homeFor(server ?? emu.url, emu.admin.apiKey);
  const description = `reliability ${id}`;
  const p = spawnQlik(['api-key', 'create', '--description', description, '--expiry', 'PT1H', ...retryArgs(retry), ...args], {
    env: envFor(home, { ...(timeout === undefined ? {} : { QLIK_HTTP_TIMEOUT: String(timeout) }), ...env }),
  });
  // The reader of stdout is gone (`qlik api-key create | false`): writing the token fails with EPIPE.
  if (closeStdout) p.child.stdout.destroy();
  const r = await p.done;
  const out = parseJson(r.stdout);
  registerToken(out?.token);
  const ledger = (await emu.ledger()).filter((e) => e.description === description);
  const log = await emu.requests();
  const posts = log.filter((e) => e.method === 'POST' && e.path === KEYS_PATH);
  const active = ledger.filter((e) => e.state === 'active');
  const success = r.code === 0;
  let tokenWorks;
  if (success && typeof out?.token === 'string') tokenWorks = (await emu.call('GET', `${KEYS_PATH}?limit=1`, { token: out.token })).status === 200;
  return {
    r,
    out,
    home,
    ledger,
    log,
    attempts: posts.length,
    faulted: log.filter((e) => e.faultId !== undefined).length,
    faultedMs: Math.max(0, ...log.filter((e) => e.faultId !== undefined).map((e) => e.ms)),
    duplicates: Math.max(0, active.length - (success ? 1 : 0)),
    orphans: active.filter((e) => e.id !== out?.id).length,
    tokenWorks,
  };
}

/** The verdict for a create run: exit code, attempts, duplicates, orphans, leaks, a usable token or no key at all. */
async function judgeCreate(m, { exit, attempts, maxMs, stderr, faulted = true, cutWithinS }) {
  const v = new Verdict();
  const { r } = m;
  v.fig('attempts', m.attempts);
  v.fig('exit', r.code);
  v.fig('duplicates', m.duplicates);
  v.fig('orphans', m.orphans);
  commonChecks(v, r);
  v.add('leaked', await neighbourLeaks(m.home));
  v.fig('ms', r.ms);
  v.eq('exit code', r.code, exit);
  v.eq('duplicates', m.duplicates, 0);
  v.eq('orphans', m.orphans, 0);
  v.eq('leaked secrets', v.figures.leaked, 0);
  if (attempts !== undefined) {
    const [lo, hi] = Array.isArray(attempts) ? attempts : [attempts, attempts];
    v.expect(m.attempts >= lo && m.attempts <= hi, `attempts ${m.attempts}, expected ${lo === hi ? lo : `${lo}-${hi}`}`);
  }
  if (faulted) v.expect(m.faulted > 0, 'the fault never fired');
  if (maxMs !== undefined) v.expect(r.ms <= maxMs, `took ${Math.round(r.ms)} ms, more than ${maxMs} ms`);
  if (cutWithinS !== undefined) {
    // The server's view: how long the longest faulted request stayed open before the CLI gave up on it.
    v.fig('cutAfterS', (m.faultedMs / 1000).toFixed(1));
    v.expect(m.faultedMs <= (cutWithinS + 2.5) * 1000, `a faulted request stayed open ${m.faultedMs} ms (timeout ${cutWithinS} s)`);
  }
  if (r.code === 0) {
    v.expect(m.tokenWorks === true, 'the printed token does not authenticate');
    v.expect(m.ledger.some((e) => e.id === m.out?.id && e.state === 'active'), 'the printed key is not the active key');
  } else {
    v.expect(m.ledger.every((e) => e.state !== 'active'), 'a failed create left an active key');
    v.expect(hasErrorMessage(r.stderr), `no error message on stderr: ${JSON.stringify(r.stderr.slice(-300))}`);
  }
  if (stderr) v.expect(stderr.test(r.stderr), `stderr does not match ${stderr}: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  return v.done();
}

const POST_KEYS = { method: 'POST', path: KEYS_PATH };

/** Fault kinds on POST /api/v1/api-keys. `committed`: the key exists when the fault hits. */
const CREATE_FAULTS = [
  { key: '429', injected: '429, retry-after: 1', action: { type: 'status', status: 429, headers: { 'retry-after': '1' } }, retries: [0, 1, 10], minWaitS: 1 },
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
  })),
  { key: 'reset-before', injected: 'connection reset before the request is read', action: { type: 'reset-before' }, retries: [0, 1, 10] },
  { key: 'reset-after', injected: 'connection reset after commit', action: { type: 'reset-after' }, committed: true, retries: [0, 1, 10] },
  { key: 'truncated', injected: 'body truncated after commit', action: { type: 'truncate-after' }, committed: true, retries: [0, 1, 10] },
  {
    key: 'html-2xx',
    injected: 'HTML 201 body after commit',
    action: { type: 'malformed-after', body: '<html><body><h1>Created</h1></body></html>', contentType: 'text/html' },
    committed: true,
    retries: [0, 1],
  },
  {
    key: 'malformed-2xx',
    injected: 'malformed JSON 201 body after commit',
    action: { type: 'malformed-after', body: '{"id": "0000', contentType: 'application/json' },
    committed: true,
    retries: [0, 1],
  },
  { key: 'drop-token', injected: '201 without the token', action: { type: 'drop-token' }, committed: true, retries: [0, 1, 10] },
  {
    key: 'slow-first-byte',
    injected: 'first byte after 8 s, QLIK_HTTP_TIMEOUT=2',
    action: { type: 'slow-first-byte', ms: 8000 },
    committed: true,
    timeout: 2,
    retries: [0, 1, 10],
    stderr: /timed out after 2s/,
  },
  {
    key: 'trickle',
    injected: 'body at 1 byte/s, QLIK_HTTP_TIMEOUT=2',
    action: { type: 'trickle', bytesPerSecond: 1 },
    committed: true,
    timeout: 2,
    retries: [0, 1],
    stderr: /timed out after 2s/,
  },
  { key: 'large-body', injected: '50 MB 201 body (cap 10 MiB)', action: { type: 'large-body', bytes: 50 * MiB }, retries: [0, 1], stderr: /10 MiB/ },
];

const REDUCED_CREATE = new Set(['429/1', '503-before/0', '503-after/1', 'reset-before/1', 'reset-after/1', 'truncated/0', 'html-2xx/0', 'drop-token/1', 'slow-first-byte/0', 'trickle/0', 'large-body/1']);

function createFaultCases(reduced) {
  const cases = [];
  for (const f of CREATE_FAULTS) {
    for (const retry of f.retries) {
      if (reduced && !REDUCED_CREATE.has(`${f.key}/${retry}`)) continue;
      const times = timesFor(retry);
      const success = retry > 0;
      const attempts = success ? times + 1 : 1;
      const timeout = f.timeout ?? (reduced ? 10 : undefined);
      // Each attempt can cost the timeout, the interval and a reconciliation; generous for a loaded machine.
      const perAttempt = (f.timeout ?? 0) * 1000 + 1000 + 4000;
      const outcome = success
        ? `exit 0 after ${times} fault${times > 1 ? 's' : ''}, one key, its token printed`
        : f.committed
          ? 'exit 1; the committed key is found and deleted'
          : 'exit 1, no key';
      cases.push({
        id: `create/${f.key}/r${retry}`,
        section: 'faults',
        injected: `create: ${f.injected} ×${times}, --retry ${retry}`,
        expected: `${outcome}; ${attempts} POST${attempts > 1 ? 's' : ''}`,
        async run(lab) {
          const m = await createUnderFault(lab, {
            id: `${f.key}-r${retry}`,
            rules: [{ ...POST_KEYS, times, action: f.action }],
            retry,
            timeout,
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

function specialCreateCases(reduced) {
  const cases = [];
  for (const retry of reduced ? [1] : [1, 10]) {
    cases.push({
      id: `create/429-long/r${retry}`,
      section: 'faults',
      injected: `create: 429, retry-after: 60, --retry ${retry}`,
      expected: 'exit 1 at once, saying it will not wait over 30 s; 1 POST',
      async run(lab) {
        const m = await createUnderFault(lab, {
          id: `429-long-r${retry}`,
          rules: [{ ...POST_KEYS, times: 0, action: { type: 'status', status: 429, headers: { 'retry-after': '60' } } }],
          retry,
        });
        return judgeCreate(m, { exit: 1, attempts: 1, maxMs: 15_000, stderr: /60\s?s[\s\S]*30\s?s/ });
      },
    });
  }
  for (const retry of reduced ? [1] : [0, 1, 10]) {
    cases.push({
      id: `create/refused/r${retry}`,
      section: 'faults',
      injected: `create: connection refused (nothing listens), --retry ${retry}`,
      expected: `exit 1, "connection refused"; ${retry + 1} connect attempt${retry ? 's' : ''} (from the -v trace)`,
      async run(lab) {
        const port = await closedPort();
        const m = await createUnderFault(lab, { id: `refused-r${retry}`, retry, server: `http://127.0.0.1:${port}`, args: ['-v'] });
        m.attempts = (m.r.stderr.match(/^POST /gm) ?? []).length;
        return judgeCreate(m, { exit: 1, attempts: retry + 1, faulted: false, maxMs: 15_000 + retry * 3000, stderr: /connection refused/ });
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
      const secret = `hdr-${randomBytes(12).toString('hex')}`;
      registerSecret(secret);
      const m = await createUnderFault(lab, {
        id: 'redirect',
        retry: 1,
        rules: [{ ...POST_KEYS, times: 0, action: { type: 'redirect', status: 307, location: `${sink.url}${KEYS_PATH}` } }],
        args: ['--headers', `X-Reliability-Secret=${secret}`],
      });
      const verdict = await judgeCreate(m, { exit: 1, attempts: 1 });
      const carried = sink.requests.filter((q) => q.headers.authorization !== undefined || q.headers['x-reliability-secret'] !== undefined);
      verdict.figures.sink = sink.requests.length;
      if (carried.length > 0) {
        verdict.pass = false;
        verdict.failures.push(`${carried.length} request(s) with credentials reached the other origin`);
      }
      return verdict;
    },
  });
  const title = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mBad \u009b1mrequest\u001b[0m';
  for (const mode of reduced ? [['-v']] : [[], ['--json'], ['-v']]) {
    cases.push({
      id: `create/escapes${mode.join('') || '/default'}`,
      section: 'faults',
      injected: `create: 400 whose error title holds OSC/CSI/C1 escapes ${mode.join(' ') || '(default mode)'}`,
      expected: 'exit 1, the title printed without any ESC/CSI byte',
      async run(lab) {
        const body = { errors: [{ code: 'X-1', title, detail: `detail ${title}`, status: '400' }], traceId: 't' };
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
  for (const [key, action] of [
    ['reset-after', { type: 'reset-after' }],
    ['truncated', { type: 'truncate-after' }],
  ]) {
    if (reduced && key !== 'reset-after') continue;
    cases.push({
      id: `create/tls-${key}/r1`,
      section: 'faults',
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
    for (const retry of reduced ? [1] : [0, 1]) {
      if (reduced && dir === 'ahead') continue;
      cases.push({
        id: `create/clock-${dir}/r${retry}`,
        section: 'faults',
        injected: `create: server clock 10 min ${dir}, 503 after commit ×1, --retry ${retry}`,
        expected: retry ? 'exit 0, one key: the lost key is found despite the skew and deleted; 2 POSTs' : 'exit 1; the committed key is found despite the skew and deleted; 1 POST',
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
    id: 'create/stdout-closed',
    section: 'faults',
    injected: 'create with stdout already closed by its reader (EPIPE when the token is written)',
    expected: 'exit 1 saying the key was deleted: no active key whose token nobody received',
    async run(lab) {
      const m = await createUnderFault(lab, { id: 'stdout-closed', retry: 0, closeStdout: true });
      return judgeCreate(m, { exit: 1, attempts: 1, faulted: false, stderr: /deleted/ });
    },
  });
  cases.push({
    id: 'create/escape-in-id',
    section: 'faults',
    injected: 'create: 201 without a token whose "id" holds OSC/CSI escapes (echoed in the "Removed API key <id>" warning)',
    expected: 'exit 1, no key, no ESC/CSI byte on stderr',
    async run(lab) {
      const body = { id: '\u001b]0;pwned\u0007\u001b[31mnot-a-key\u009b0m', description: 'reliability escape-in-id', status: 'active' };
      const m = await createUnderFault(lab, {
        id: 'escape-in-id',
        retry: 0,
        rules: [{ ...POST_KEYS, action: { type: 'status', status: 201, body } }],
      });
      return judgeCreate(m, { exit: 1, attempts: 1 });
    },
  });
  cases.push({
    id: 'ls/next-link-other-origin',
    section: 'faults',
    injected: 'ls --limit 200: a links.next href on another origin (a recording server), with --headers X-Reliability-Secret',
    expected: 'exit 1, not followed: nothing reaches the other origin',
    async run(lab) {
      const emu = lab.emu;
      const sink = lab.own(await startSink());
      await emu.reset();
      await emu.fault({ method: 'GET', path: KEYS_PATH, action: { type: 'status', status: 200, body: { data: [], links: { next: { href: `${sink.url}${KEYS_PATH}?limit=100` } } } } });
      const secret = `hdr-${randomBytes(12).toString('hex')}`;
      registerSecret(secret);
      const home = await homeFor(emu.url, emu.admin.apiKey);
      const r = await runQlik(['api-key', 'ls', '--limit', '200', '--headers', `X-Reliability-Secret=${secret}`], { env: envFor(home) });
      const v = new Verdict();
      v.fig('attempts', (await emu.requests()).length);
      v.fig('exit', r.code);
      commonChecks(v, r);
      v.fig('sink', sink.requests.length);
      v.fig('ms', r.ms);
      v.eq('exit code', r.code, 1);
      v.eq('requests at the other origin', sink.requests.length, 0);
      v.expect(/another origin/.test(r.stderr), `stderr: ${JSON.stringify(r.stderr.slice(0, 200))}`);
      return v.done();
    },
  });
  cases.push({
    id: 'ls/escape-in-next-link',
    section: 'faults',
    injected: 'ls --limit 200 -v: a links.next href holding %1B[31m (decoded in the trace)',
    expected: 'no ESC byte on stderr',
    async run(lab) {
      const emu = lab.emu;
      await emu.reset();
      await emu.fault({
        method: 'GET',
        path: KEYS_PATH,
        action: { type: 'status', status: 200, body: { data: [], links: { next: { href: `${emu.url}${KEYS_PATH}?limit=100&x=%1B%5B31mred%1B%5D0;t%07` } } } },
      });
      const home = await homeFor(emu.url, emu.admin.apiKey);
      const r = await runQlik(['api-key', 'ls', '--limit', '200', '-v'], { env: envFor(home) });
      const v = new Verdict();
      v.fig('attempts', (await emu.requests()).length);
      v.fig('exit', r.code);
      commonChecks(v, r);
      v.fig('ms', r.ms);
      return v.done();
    },
  });
  return cases;
}

// ---- GET and DELETE ----

async function requestUnderFault(lab, { id, argv, rules, retry, timeout, method, path, prepare }) {
  const emu = lab.emu;
  await emu.reset();
  const ctx = prepare ? await prepare(emu) : {};
  for (const rule of rules(ctx)) await emu.fault(rule);
  const home = await homeFor(emu.url, emu.admin.apiKey);
  const r = await runQlik([...argv(ctx), ...retryArgs(retry)], {
    env: envFor(home, timeout === undefined ? {} : { QLIK_HTTP_TIMEOUT: String(timeout) }),
  });
  const log = await emu.requests();
  return {
    id,
    r,
    ctx,
    home,
    attempts: log.filter((e) => e.method === method && (path === undefined || e.path === path(ctx))).length,
    faulted: log.filter((e) => e.faultId !== undefined).length,
    faultedMs: Math.max(0, ...log.filter((e) => e.faultId !== undefined).map((e) => e.ms)),
  };
}

function idempotentCases(reduced) {
  const cases = [];
  const keyPath = (ctx) => `${KEYS_PATH}/${ctx.key.id}`;
  const mintOne = async (emu) => ({ key: await emu.mint('reliability target') });
  const kinds = [
    {
      key: 'ls/503',
      injected: 'ls: 503',
      method: 'GET',
      retries: [0, 1, 10],
      argv: () => ['api-key', 'ls'],
      action: { type: 'status', status: 503 },
      path: () => KEYS_PATH,
    },
    {
      key: 'ls/429',
      injected: 'ls: 429, retry-after: 1',
      method: 'GET',
      retries: [0, 1],
      argv: () => ['api-key', 'ls'],
      action: { type: 'status', status: 429, headers: { 'retry-after': '1' } },
      path: () => KEYS_PATH,
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
      check: (v, m) => m.r.code !== 0 || v.expect(parseJson(m.r.stdout)?.id === m.ctx.key.id, 'get printed another key'),
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
      method: 'GET',
      retries: [0],
      timeout: 2,
      argv: () => ['api-key', 'ls'],
      action: { type: 'trickle', bytesPerSecond: 1 },
      path: () => KEYS_PATH,
    },
    {
      key: 'ls/large-body',
      injected: 'ls: 50 MB body (cap 10 MiB)',
      method: 'GET',
      retries: [1],
      argv: () => ['api-key', 'ls'],
      action: { type: 'large-body', bytes: 50 * MiB, status: 200 },
      path: () => KEYS_PATH,
      // The cap is deterministic: retrying would download the same oversized body again.
      exit: () => 1,
      attempts: () => 1,
      stderr: /10 MiB/,
    },
    {
      key: 'ls/redirect',
      injected: 'ls: 302 to another origin, with --headers X-Reliability-Secret',
      method: 'GET',
      retries: [1],
      argv: (ctx) => ['api-key', 'ls', '--headers', `X-Reliability-Secret=${ctx.secret}`],
      prepare: async () => {
        const secret = `hdr-${randomBytes(12).toString('hex')}`;
        registerSecret(secret);
        return { secret };
      },
      sink: true,
      action: { type: 'redirect', status: 302 },
      path: () => KEYS_PATH,
      exit: () => 1,
      attempts: () => 1,
      stderr: /another origin/,
    },
    {
      key: 'rm/503-before',
      injected: 'rm: 503 before the delete is committed',
      method: 'DELETE',
      retries: [0, 1, 10],
      prepare: mintOne,
      argv: (ctx) => ['api-key', 'rm', ctx.key.id],
      action: { type: 'status', status: 503 },
      path: keyPath,
      keyGone: (retry) => retry > 0,
    },
    {
      key: 'rm/503-after',
      injected: 'rm: 503 after the delete is committed',
      method: 'DELETE',
      retries: [0, 1],
      prepare: mintOne,
      argv: (ctx) => ['api-key', 'rm', ctx.key.id],
      action: { type: 'status-after', status: 503 },
      path: keyPath,
      keyGone: () => true,
    },
    {
      key: 'rm/reset-after',
      injected: 'rm: connection reset after the delete is committed',
      method: 'DELETE',
      retries: [0, 1, 10],
      prepare: mintOne,
      argv: (ctx) => ['api-key', 'rm', ctx.key.id],
      action: { type: 'reset-after' },
      path: keyPath,
      keyGone: () => true,
    },
  ];
  const reducedSet = new Set(['ls/503/1', 'get/reset-after/1', 'ls/large-body/1', 'ls/redirect/1', 'rm/503-after/1']);
  for (const k of kinds) {
    for (const retry of k.retries) {
      if (reduced && !reducedSet.has(`${k.key}/${retry}`)) continue;
      const times = timesFor(retry);
      const exit = k.exit ? k.exit(retry) : retry > 0 ? 0 : 1;
      const attempts = k.attempts ? k.attempts(retry) : exit === 0 ? times + 1 : 1;
      const gone = k.keyGone?.(retry);
      cases.push({
        id: `${k.key}/r${retry}`,
        section: 'faults',
        injected: `${k.injected} ×${times}, --retry ${retry}`,
        expected: `exit ${exit}; ${attempts} ${k.method}${attempts > 1 ? 's' : ''}${gone === undefined ? '' : gone ? '; the key is gone' : '; the key is still active'}`,
        async run(lab) {
          const sink = k.sink ? lab.own(await startSink()) : undefined;
          const m = await requestUnderFault(lab, {
            id: k.key,
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
                action: k.sink ? { ...k.action, location: `${sink.url}${KEYS_PATH}` } : k.action,
              },
            ],
          });
          const v = new Verdict();
          v.fig('attempts', m.attempts);
          v.fig('exit', m.r.code);
          commonChecks(v, m.r);
          v.add('leaked', await neighbourLeaks(m.home));
          v.fig('ms', m.r.ms);
          v.eq('exit code', m.r.code, exit);
          v.eq('attempts', m.attempts, attempts);
          v.expect(m.faulted > 0, 'the fault never fired');
          if (k.timeout !== undefined) {
            v.fig('cutAfterS', (m.faultedMs / 1000).toFixed(1));
            v.expect(m.faultedMs <= (k.timeout + 2.5) * 1000, `a faulted request stayed open ${m.faultedMs} ms (timeout ${k.timeout} s)`);
          }
          const perAttempt = (k.timeout ?? 0) * 1000 + 1000 + 3000;
          v.expect(m.r.ms <= 15_000 + attempts * perAttempt, `took ${Math.round(m.r.ms)} ms`);
          if (exit !== 0) v.expect(hasErrorMessage(m.r.stderr), `no error message: ${JSON.stringify(m.r.stderr.slice(-300))}`);
          if (k.stderr) v.expect(k.stderr.test(m.r.stderr), `stderr does not match ${k.stderr}: ${JSON.stringify(m.r.stderr.slice(0, 200))}`);
          if (gone !== undefined) {
            const state = (await lab.emu.call('GET', `${KEYS_PATH}/${m.ctx.key.id}`, { token: lab.emu.admin.apiKey })).status;
            v.expect(gone ? state === 404 : state === 200, `the key ${gone ? 'still exists' : 'was removed'} (GET answered ${state})`);
          }
          if (sink) {
            v.fig('sink', sink.requests.length);
            const carried = sink.requests.filter((q) => q.headers.authorization !== undefined || q.headers['x-reliability-secret'] !== undefined);
            v.eq('requests with credentials at the other origin', carried.length, 0);
          }
          k.check?.(v, m);
          return v.done();
        },
      });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Bad input

const NOBODY = 65534;

/**
 * A bad-input case: a home whose context points at a counting relay in front of the emulator (so any network
 * call is seen, even one that never becomes an HTTP request), the input files hashed before and after.
 */
function badInput(id, injected, { args, setup, contexts, env = {}, asNobody = false, expect }) {
  return {
    id: `input/${id}`,
    section: 'input',
    injected,
    expected: 'exit 1, one line on stderr, 0 network calls, files untouched',
    async run(lab) {
      const relay = lab.own(await startRelay(lab.emu.port));
      const home = await makeHome();
      const server = `http://127.0.0.1:${relay.port}`;
      if (contexts === undefined) {
        await writeContexts(home, { emu: { server, headers: { Authorization: `Bearer ${lab.emu.admin.apiKey}` } } });
      } else {
        await mkdir(join(home, '.qlik'), { recursive: true, mode: 0o700 });
        await writeFile(contextsPath(home), contexts(server, lab.emu.admin.apiKey), { mode: 0o600 });
      }
      const files = { dir: home, server, key: lab.emu.admin.apiKey, cleanup: [] };
      const extra = setup ? await setup(files) : {};
      const watched = [contextsPath(home), ...(extra.files ?? [])];
      const before = await Promise.all(watched.map(sha256File));
      let uid;
      if (asNobody && process.getuid?.() === 0) {
        spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, home]);
        uid = NOBODY;
      }
      const r = await runQlik(typeof args === 'function' ? args(files, extra) : args, {
        env: envFor(home, env),
        timeoutMs: 30_000,
        ...(uid === undefined ? {} : { uid, gid: NOBODY }),
      });
      for (const c of files.cleanup) await c();
      const after = await Promise.all(watched.map(sha256File));
      const v = new Verdict();
      const lines = stderrLines(r.stderr);
      v.fig('exit', r.code);
      v.fig('lines', lines.length);
      v.fig('network', relay.stats.connections);
      v.fig('untouched', before.every((h, i) => h === after[i]) ? 'yes' : 'NO');
      commonChecks(v, r);
      v.fig('ms', r.ms);
      v.eq('exit code', r.code, 1);
      v.eq('stderr lines', lines.length, 1);
      v.expect(/^Error: \S/.test(lines[0] ?? ''), `stderr is not one "Error: …" line: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      v.eq('network calls', relay.stats.connections, 0);
      v.eq('input files untouched', v.figures.untouched, 'yes');
      v.eq('stdout', r.stdout, '');
      if (expect) v.expect(expect.test(r.stderr), `stderr does not match ${expect}: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      if (asNobody && uid === undefined) v.expect(false, 'needs root to switch to uid 65534');
      return v.done();
    },
  };
}

const CREATE = ['api-key', 'create', '--description', 'bad input'];

function inputCases(reduced) {
  const durations = [
    ['7D', ['--expiry', '7D']],
    ['P', ['--expiry', 'P']],
    ['PT', ['--expiry', 'PT']],
    ['P1DT', ['--expiry', 'P1DT']],
    ['P7Dx', ['--expiry', 'P7Dx']],
    ['-P1D', ['--expiry=-P1D']],
    ['-P1D (separate)', ['--expiry', '-P1D']],
    ['empty', ['--expiry', '']],
  ];
  const cases = durations.map(([name, flag]) =>
    badInput(`expiry-${name.replace(/\W+/g, '_')}`, `create --expiry ${JSON.stringify(flag.at(-1).replace(/^--expiry=/, ''))}${name.includes('separate') ? ' (as two argv words)' : ''}`, {
      args: [...CREATE, ...flag],
      expect: /expiry|duration/i,
    }),
  );
  const bodyFile = async (f, name, content) => {
    const path = join(f.dir, name);
    await writeFile(path, content);
    return { files: [path], path };
  };
  cases.push(
    badInput('subType-scim', 'create --subType scim', { args: [...CREATE, '--subType', 'scim'], expect: /subType/ }),
    badInput('retry-11', 'create --retry 11', { args: [...CREATE, '--retry', '11'], expect: /retry/ }),
    badInput('interval-0', 'create --interval 0', { args: [...CREATE, '--interval', '0'], expect: /interval/ }),
    badInput('header-CR', '--headers with CR in a value', { args: ['api-key', 'ls', '--headers', 'X-Test=a\rb'], expect: /control character|invalid/ }),
    badInput('header-LF', '--headers with LF in a value', { args: ['api-key', 'ls', '--headers', 'X-Test=a\nInjected: 1'], expect: /control character|invalid/ }),
    badInput('header-NUL-config', 'NUL in a header value, from a -c config file (argv cannot hold NUL)', {
      setup: (f) => bodyFile(f, 'config.yml', 'headers:\n  X-Test: "a\\0b"\n'),
      args: (f, e) => ['api-key', 'ls', '-c', e.path],
      expect: /control character/,
    }),
    badInput('header-NUL-context', 'NUL in a header value, from the context', {
      contexts: (server, key) => `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: "Bearer ${key}"\n      X-Test: "a\\0b"\n    server: ${server}\n`,
      args: ['api-key', 'ls'],
      expect: /control character/,
    }),
    badInput('header-name-space', '--headers "Bad Name=x"', { args: ['api-key', 'ls', '--headers', 'Bad Name=x'], expect: /header name/ }),
    badInput('header-name-paren', '--headers "X(1)=x"', { args: ['api-key', 'ls', '--headers', 'X(1)=x'], expect: /header name/ }),
    badInput('header-name-empty', '--headers "=x"', { args: ['api-key', 'ls', '--headers', '=x'], expect: /header name/ }),
    badInput('file-missing', '-f pointing at nothing', { args: (f) => [...CREATE, '-f', join(f.dir, 'nothing.json')], expect: /no such file/ }),
    badInput('file-directory', '-f pointing at a directory', { args: (f) => [...CREATE, '-f', f.dir], expect: /directory/ }),
    badInput('file-unreadable', '-f a chmod 000 file, the CLI run as uid 65534 (root bypasses modes)', {
      setup: async (f) => {
        const e = await bodyFile(f, 'secret.json', '{"description":"x"}');
        await chmod(e.path, 0o000);
        return e;
      },
      args: (f, e) => [...CREATE, '-f', e.path],
      asNobody: true,
      expect: /permission denied/,
    }),
    badInput('file-fifo', '-f a FIFO with no writer (must not hang)', {
      setup: async (f) => {
        const path = join(f.dir, 'body.fifo');
        spawnSync('mkfifo', [path]);
        return { path };
      },
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /regular file/,
    }),
    badInput('file-socket', '-f a UNIX socket', {
      setup: async (f) => {
        const path = join(f.dir, 'body.sock');
        const server = net.createServer();
        await new Promise((resolve) => server.listen(path, resolve));
        f.cleanup.push(() => new Promise((resolve) => server.close(resolve)));
        return { path };
      },
      args: (f, e) => [...CREATE, '-f', e.path],
    }),
    badInput('file-invalid-json', '-f invalid JSON', {
      setup: (f) => bodyFile(f, 'body.json', '{"description": "x",'),
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /invalid JSON/,
    }),
    badInput('file-array', '-f a JSON array', {
      setup: (f) => bodyFile(f, 'body.json', '[{"description":"x"}]'),
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /array/,
    }),
    badInput('file-100MB', '-f a 100 MB file', {
      setup: async (f) => {
        const e = await bodyFile(f, 'big.json', '{"description":"');
        await truncate(e.path, 100 * 1000 * 1000);
        return e;
      },
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /1 MiB/,
    }),
    badInput('file-BOM', '-f UTF-8 with a BOM', {
      setup: (f) => bodyFile(f, 'bom.json', '\uFEFF{"description":"x"}'),
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /BOM|byte order mark/,
    }),
    badInput('context-unknown', '--context unknown', { args: ['api-key', 'ls', '--context', 'unknown'], expect: /unknown/ }),
    badInput('contexts-nul', 'contexts file: NUL bytes only', { contexts: () => '\0\0\0\0', args: ['api-key', 'ls'] }),
    badInput('contexts-truncated', 'contexts file truncated mid-value', {
      contexts: (server, key) => `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: "Bearer ${key.slice(0, 40)}`,
      args: ['api-key', 'ls'],
      expect: /contexts\.yml/,
    }),
    badInput('contexts-broken-after-key', 'contexts file broken right after a full key (the error must not quote it)', {
      contexts: (server, key) => `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: Bearer ${key} : [oops\n    server: ${server}\n`,
      args: ['api-key', 'ls', '-v'],
      expect: /contexts\.yml/,
    }),
    badInput('config-broken-after-key', '-c config file with api-key: <key> then broken YAML (the error must not quote it)', {
      setup: (f) => bodyFile(f, 'config.yml', `api-key: ${f.key}\nserver: ${f.server}\napi-key: ${f.key}x\n`),
      args: (f, e) => ['api-key', 'ls', '-c', e.path, '-v'],
      expect: /config file/,
    }),
    badInput('contexts-not-yaml', 'contexts file that is not YAML', {
      contexts: () => '{{{ ::: ]]]\n\t- [\n',
      args: ['api-key', 'ls'],
      expect: /contexts\.yml/,
    }),
    badInput('contexts-empty', 'contexts file of zero bytes (no context, no server)', {
      contexts: () => '',
      args: ['api-key', 'ls'],
      expect: /server/,
    }),
    badInput('contexts-wrong-types', 'contexts file with wrong types (contexts: a list)', {
      contexts: () => 'current-context: emu\ncontexts:\n  - emu\n  - other\n',
      args: ['api-key', 'ls'],
      expect: /must be a map/,
    }),
    badInput('contexts-wrong-field-type', 'contexts file with wrong types (server: 42, insecure: "yes")', {
      contexts: () => 'current-context: emu\ncontexts:\n  emu:\n    insecure: "yes"\n    server: 42\n',
      args: ['api-key', 'ls'],
      expect: /must be/,
    }),
    badInput('server-ftp', '--server ftp://x', { args: ['api-key', 'ls', '--server', 'ftp://x'], expect: /scheme/ }),
    badInput('server-no-host', '--server https://', { args: ['api-key', 'ls', '--server', 'https://'], expect: /server|host|URL/ }),
    badInput('config-unknown-key', '-c config file with an unknown key', {
      setup: (f) => bodyFile(f, 'config.yml', 'serverr: http://127.0.0.1:1\n'),
      args: (f, e) => ['api-key', 'ls', '-c', e.path],
      expect: /unknown key/,
    }),
    badInput('config-missing-var', '-c config file with a missing ${VAR}', {
      setup: (f) => bodyFile(f, 'config.yml', 'description: ${RELIABILITY_UNSET_VARIABLE}\n'),
      args: (f, e) => [...CREATE.slice(0, 2), '-c', e.path],
      expect: /RELIABILITY_UNSET_VARIABLE/,
    }),
  );
  if (!reduced) return cases;
  const keep = new Set(['expiry-P1DT', 'expiry-_P1D', 'subType-scim', 'retry-11', 'header-LF', 'header-NUL-config', 'file-unreadable', 'file-fifo', 'file-BOM', 'contexts-truncated', 'server-ftp', 'config-missing-var']);
  return cases.filter((c) => keep.has(c.id.slice('input/'.length)));
}

// ---------------------------------------------------------------------------------------------------------
// 3. Secrets and the contexts file

/** Reads /proc/<pid>/cmdline every few ms while the process lives; resolves with the samples read. */
function sampleCmdline(pid, stop) {
  const samples = [];
  return new Promise((resolve) => {
    const tick = async () => {
      if (stop()) return resolve(samples);
      try {
        samples.push((await readFile(`/proc/${pid}/cmdline`)).toString('utf8').replaceAll('\0', ' '));
      } catch {
        return resolve(samples);
      }
      setTimeout(tick, 20);
    };
    void tick();
  });
}

function secretCases(reduced) {
  const cases = [];
  cases.push({
    id: 'secrets/every-mode',
    heavy: true,
    section: 'secrets',
    injected: 'create/ls/get/rm/context get in -v, --json, --raw, -q; errors echoing the bearer and a token',
    expected: 'no token and no bearer value on stderr (nor on stdout outside the created key)',
    async run(lab) {
      const emu = lab.emu;
      await emu.reset();
      const home = await homeFor(emu.url, emu.admin.apiKey);
      const env = envFor(home);
      const v = new Verdict();
      const bearer = emu.admin.apiKey;
      const target = await emu.mint('reliability get target');
      const runs = [
        { args: ['api-key', 'create', '--description', 'm1', '--expiry', 'PT1H', '-v'], stdoutMayHoldToken: true },
        { args: ['api-key', 'create', '--description', 'm2', '--expiry', 'PT1H', '--json'], stdoutMayHoldToken: true },
        { args: ['api-key', 'create', '--description', 'm3', '--expiry', 'PT1H', '--raw', '-v'], stdoutMayHoldToken: true },
        { args: ['api-key', 'create', '--description', 'm4', '--expiry', 'PT1H', '-q', '-v'] },
        { args: ['api-key', 'ls', '-v'] },
        { args: ['api-key', 'ls', '-q', '--json'] },
        { args: ['api-key', 'get', target.id, '-v', '--raw'] },
        { args: ['context', 'get', '-v'] },
        { args: ['context', 'ls', '--json'] },
        { args: ['user', 'me', '-v'] },
        { fault: { method: 'GET', path: KEYS_PATH, action: { type: 'status', status: 401, body: { errors: [{ code: 'AUTH', title: `Invalid token Bearer ${bearer}`, detail: bearer }] } } }, args: ['api-key', 'ls'] },
        { fault: { method: 'GET', path: KEYS_PATH, action: { type: 'status', status: 401, body: { errors: [{ code: 'AUTH', title: `Invalid token ${bearer}` }] } } }, args: ['api-key', 'ls', '--json'] },
        { fault: { method: 'GET', path: KEYS_PATH, action: { type: 'status', status: 500, body: `upstream said: Authorization: Bearer ${bearer} token=${target.token}` } }, args: ['api-key', 'ls', '-v'] },
        { fault: { ...POST_KEYS, action: { type: 'malformed-after', body: `oops ${target.token}`, contentType: 'text/plain' } }, args: ['api-key', 'create', '--description', 'm5', '-v'] },
        { fault: { ...POST_KEYS, action: { type: 'reset-after' } }, args: ['api-key', 'create', '--description', 'm6', '-v', '--retry', '1', '--interval', '1'], stdoutMayHoldToken: true },
        { args: ['api-key', 'rm', target.id, '-v'] },
      ];
      const few = new Set([0, 5, 10, 12, 13]);
      for (const run of reduced ? runs.filter((_, i) => few.has(i)) : runs) {
        await emu.control('DELETE', 'faults');
        if (run.fault) await emu.fault(run.fault);
        const r = await runQlik(run.args, { env });
        const out = parseJson(r.stdout);
        registerToken(out?.token);
        commonChecks(v, r, run.args.join(' '));
        if (!run.stdoutMayHoldToken) {
          const n = countLeaks(r.stdout);
          v.add('leaked', n);
          v.expect(n === 0, `a secret on stdout of ${run.args.join(' ')}`);
        }
        v.add('runs', 1);
      }
      v.add('leaked', await neighbourLeaks(home));
      v.eq('leaked secrets', v.figures.leaked, 0);
      return v.done();
    },
  });
  cases.push({
    id: 'secrets/cmdline-context',
    section: 'secrets',
    injected: `ls with the key from a context, the answer delayed ${reduced ? 1.5 : 3} s; /proc/<pid>/cmdline read while it waits`,
    expected: 'the key never in argv; the process was caught alive',
    async run(lab) {
      const emu = lab.emu;
      await emu.reset();
      await emu.fault({ method: 'GET', path: KEYS_PATH, action: { type: 'delay', ms: lab.reduced ? 1500 : 3000 } });
      const home = await homeFor(emu.url, emu.admin.apiKey);
      const p = spawnQlik(['api-key', 'ls', '-q'], { env: envFor(home) });
      let finished = false;
      const samplesP = sampleCmdline(p.pid, () => finished);
      const r = await p.done;
      finished = true;
      const samples = await samplesP;
      const v = new Verdict();
      v.fig('samples', samples.length);
      v.fig('exit', r.code);
      commonChecks(v, r);
      const inArgv = samples.filter((s) => s.includes(emu.admin.apiKey) || countLeaks(s) > 0).length;
      v.add('leaked', inArgv);
      v.fig('ms', r.ms);
      v.expect(samples.some((s) => s.includes('qlik')), 'never caught the process alive');
      v.eq('exit code', r.code, 0);
      v.eq('samples holding the key', inArgv, 0);
      return v.done();
    },
  });
  cases.push({
    id: 'secrets/cmdline-stdin',
    section: 'secrets',
    injected: 'context create --api-key - with stdin held open; /proc/<pid>/cmdline read while it waits',
    expected: 'the key never in argv; the context works afterwards',
    async run(lab) {
      const emu = lab.emu;
      await emu.reset();
      const home = await makeHome();
      const env = envFor(home);
      const p = spawnQlik(['context', 'create', 'piped', '--server', emu.url, '--api-key', '-'], { env, holdStdin: true });
      let finished = false;
      const samplesP = sampleCmdline(p.pid, () => finished);
      await new Promise((resolve) => setTimeout(resolve, lab.reduced ? 800 : 1500));
      p.child.stdin.end(`${emu.admin.apiKey}\n`);
      const r = await p.done;
      finished = true;
      const samples = await samplesP;
      const v = new Verdict();
      v.fig('samples', samples.length);
      v.fig('exit', r.code);
      commonChecks(v, r);
      const inArgv = samples.filter((s) => s.includes(emu.admin.apiKey)).length;
      v.add('leaked', inArgv);
      v.expect(samples.some((s) => s.includes('--api-key -')), 'never caught the process alive');
      v.eq('samples holding the key', inArgv, 0);
      v.eq('exit code', r.code, 0);
      const me = await runQlik(['user', 'me', '--context', 'piped', '-q'], { env });
      commonChecks(v, me, 'user me');
      v.eq('user me with the piped key', me.code, 0);
      v.add('leaked', await neighbourLeaks(home));
      v.fig('ms', r.ms);
      return v.done();
    },
  });
  cases.push({
    id: 'secrets/file-modes',
    section: 'secrets',
    injected: 'context create in a fresh home under umask 000; update of a 0644 contexts file',
    expected: 'contexts.yml 0600, .qlik 0700, no temp file or lock left',
    async run(lab) {
      const emu = lab.emu;
      const v = new Verdict();
      const home = await makeHome();
      const env = envFor(home);
      const sh = spawnSync('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, lab.qlikPath, 'context', 'create', 'm', '--server', emu.url, '--api-key', '-'], {
        env,
        input: emu.admin.apiKey,
        encoding: 'utf8',
      });
      commonChecks(v, { stderr: sh.stderr, timedOut: false });
      v.eq('context create exit code', sh.status, 0);
      const file = contextsPath(home);
      v.fig('file', (await modeOf(file))?.toString(8));
      v.fig('dir', (await modeOf(join(home, '.qlik')))?.toString(8));
      v.eq('contexts.yml mode', await modeOf(file), 0o600);
      v.eq('.qlik mode', await modeOf(join(home, '.qlik')), 0o700);
      // A file made world-readable by someone else becomes private again on the next write.
      await chmod(file, 0o644);
      const up = await runQlik(['context', 'update', 'm', '--comment', 'x'], { env });
      commonChecks(v, up, 'context update');
      v.eq('context update exit code', up.code, 0);
      v.eq('contexts.yml mode after update', await modeOf(file), 0o600);
      const left = (await readdir(join(home, '.qlik'))).filter((n) => n !== 'contexts.yml');
      v.eq('files left next to contexts.yml', left.join(','), '');
      v.add('leaked', await neighbourLeaks(home));
      return v.done();
    },
  });
  cases.push(killCase(reduced ? 20 : 200));
  cases.push(concurrentCase(reduced ? 10 : 100));
  return cases;
}

/** A contexts file is sound when it parses, holds `ctx` with its server and key, and a comment from the trial set. */
function soundContexts(text, server, key) {
  if (text === undefined || text.trim() === '') return 'empty';
  let doc;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return `unparsable: ${e.message.split('\n')[0]}`;
  }
  const c = doc?.contexts?.ctx;
  if (!c) return 'the context is missing';
  if (c.server !== server) return 'the server changed';
  if (c.headers?.Authorization !== `Bearer ${key}`) return 'the key changed';
  if (typeof c.comment !== 'string' || !/^trial-\d+$/.test(c.comment)) return `unexpected comment ${JSON.stringify(c.comment)}`;
  return undefined;
}

function killCase(trials) {
  return {
    id: 'secrets/kill-9',
    heavy: true,
    section: 'secrets',
    injected: `kill -9 at random points of ${trials} context writes (half timed on the lock/temp file appearing)`,
    expected: 'never a partial, empty or unparsable file; the next write is never blocked; no temp file or secret left',
    async run(lab) {
      const emu = lab.emu;
      const home = await makeHome();
      const env = envFor(home);
      const key = emu.admin.apiKey;
      const v = new Verdict();
      const made = await runQlik(['context', 'create', 'ctx', '--server', emu.url, '--api-key', '-', '--comment', 'trial-0'], { env, input: key });
      v.eq('context create', made.code, 0);
      const dir = join(home, '.qlik');
      const file = contextsPath(home);
      // How long a write takes here, to spread the kill points over it.
      const probe = await runQlik(['context', 'update', 'ctx', '--comment', 'trial-0'], { env });
      const span = Math.max(50, probe.ms);
      let broken = 0;
      let killedInside = 0;
      let blocked = 0;
      for (let i = 1; i <= trials; i++) {
        const p = spawnQlik(['context', 'update', 'ctx', '--comment', `trial-${i}`], { env });
        let watcher;
        if (i % 2 === 0) {
          // Kill a few ms after the lock directory or a temp file shows up: inside the critical section.
          const lag = Math.random() * 8;
          watcher = watch(dir, (_e, name) => {
            if (name && (name.endsWith('.lock') || name.endsWith('.tmp'))) {
              watcher?.close();
              setTimeout(() => p.child.kill('SIGKILL'), lag);
            }
          });
        } else {
          setTimeout(() => p.child.kill('SIGKILL'), Math.random() * span * 1.1);
        }
        const r = await p.done;
        watcher?.close();
        const leftovers = (await readdir(dir)).filter((n) => n !== 'contexts.yml');
        if (r.signal === 'SIGKILL' && leftovers.length > 0) killedInside += 1;
        // What a kill leaves (a temp copy of the file, with the key in it) must be as private as the file itself.
        for (const name of leftovers) {
          const mode = await modeOf(join(dir, name));
          if (mode !== undefined && (mode & 0o077) !== 0) v.expect(false, `trial ${i}: ${name} is readable by others (${mode.toString(8)})`);
        }
        const text = await readFile(file, 'utf8').catch(() => undefined);
        const problem = soundContexts(text, emu.url, key);
        if (problem) {
          broken += 1;
          v.expect(false, `trial ${i}: ${problem}`);
        }
        v.add('leaked', countLeaks(r.stderr));
        // Every few trials a write must go through despite what the kill left (and leave nothing behind).
        if (i % (lab.reduced ? 5 : 4) === 0 || i === trials) {
          const next = await runQlik(['context', 'update', 'ctx', '--comment', `trial-${i}`], { env, timeoutMs: 30_000 });
          if (next.code !== 0) {
            blocked += 1;
            v.expect(false, `trial ${i}: the next write failed: ${firstLine(next.stderr)}`);
          }
          const rest = (await readdir(dir)).filter((n) => n !== 'contexts.yml');
          v.expect(rest.length === 0, `trial ${i}: left after the next write: ${rest.join(', ')}`);
          const t2 = await readFile(file, 'utf8').catch(() => undefined);
          if (soundContexts(t2, emu.url, key) !== undefined || parseYaml(t2).contexts.ctx.comment !== `trial-${i}`) {
            broken += 1;
            v.expect(false, `trial ${i}: the follow-up write was not applied`);
          }
        }
      }
      v.fig('trials', trials);
      v.fig('killedInLock', killedInside);
      v.fig('broken', broken);
      v.fig('blocked', blocked);
      v.eq('mode', await modeOf(file), 0o600);
      v.add('leaked', await neighbourLeaks(home));
      v.eq('leaked', v.figures.leaked, 0);
      return v.done();
    },
  };
}

function concurrentCase(pairs) {
  return {
    id: 'secrets/concurrent-updates',
    heavy: true,
    section: 'secrets',
    injected: `${pairs} pairs of concurrent context update (same context, different fields / different contexts)`,
    expected: 'both updates of every pair are in the file; both exit 0',
    async run(lab) {
      const emu = lab.emu;
      const home = await makeHome();
      const env = envFor(home);
      const v = new Verdict();
      const key = emu.admin.apiKey;
      for (const name of ['a', 'b']) {
        const r = await runQlik(['context', 'create', name, '--server', emu.url, '--api-key', '-'], { env, input: key });
        v.eq(`context create ${name}`, r.code, 0);
      }
      let lost = 0;
      for (let i = 1; i <= pairs; i++) {
        const sameContext = i % 2 === 1;
        const one = ['context', 'update', 'a', '--comment', `a-${i}`];
        const two = sameContext ? ['context', 'update', 'a', '--headers', `X-Pair=p-${i}`] : ['context', 'update', 'b', '--comment', `b-${i}`];
        const [r1, r2] = await Promise.all([runQlik(one, { env, timeoutMs: 60_000 }), runQlik(two, { env, timeoutMs: 60_000 })]);
        v.expect(r1.code === 0 && r2.code === 0, `pair ${i}: exit ${r1.code}/${r2.code}: ${firstLine(r1.stderr + r2.stderr)}`);
        v.add('leaked', countLeaks(r1.stderr) + countLeaks(r2.stderr));
        let doc;
        try {
          doc = parseYaml(await readFile(contextsPath(home), 'utf8'));
        } catch {
          doc = undefined;
        }
        const a = doc?.contexts?.a;
        const okOne = a?.comment === `a-${i}`;
        const okTwo = sameContext ? a?.headers?.['X-Pair'] === `p-${i}` : doc?.contexts?.b?.comment === `b-${i}`;
        const missing = (okOne ? 0 : 1) + (okTwo ? 0 : 1);
        if (missing > 0) v.expect(false, `pair ${i}: ${missing} update(s) lost`);
        lost += missing;
        if (a?.headers?.Authorization !== `Bearer ${key}`) v.expect(false, `pair ${i}: the key was lost`);
      }
      v.fig('pairs', pairs);
      v.fig('lost', lost);
      v.add('leaked', await neighbourLeaks(home));
      v.eq('leaked', v.figures.leaked, 0);
      return v.done();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Proxy and TLS

async function proxyRun(lab, { env, args = ['api-key', 'ls', '-q', '-v'], tls = true, proxy }) {
  const emu = tls ? await lab.tls() : lab.emu;
  await emu.reset();
  const home = await homeFor(emu.url, emu.admin.apiKey);
  const before = proxy ? { ...proxy.stats } : undefined;
  const r = await runQlik(args, { env: envFor(home, env(emu)) });
  const tunnels = proxy ? proxy.stats.tunnels - before.tunnels : 0;
  const rejected = proxy ? proxy.stats.rejected - before.rejected : 0;
  return { r, emu, tunnels, rejected, requests: (await emu.requests()).length, home };
}

function proxyCases(reduced) {
  const user = 'reliability';
  const password = `pw-${randomBytes(10).toString('hex')}`;
  registerSecret(password);
  const proxyOf = (lab) => lab.memo('proxy', () => startProxy({ user, password }));
  const url = (p, pw = password) => `http://${user}:${pw}@127.0.0.1:${p.port}`;
  const judge = async (m, { exit, tunnels, stderr, rejected }) => {
    const v = new Verdict();
    v.fig('tunnels', m.tunnels);
    v.fig('exit', m.r.code);
    commonChecks(v, m.r);
    v.add('leaked', await neighbourLeaks(m.home));
    v.fig('ms', m.r.ms);
    v.eq('exit code', m.r.code, exit);
    if (tunnels === '>0') v.expect(m.tunnels > 0, 'no tunnel through the proxy');
    else v.eq('tunnels', m.tunnels, tunnels);
    if (rejected !== undefined) v.eq('407s', m.rejected, rejected);
    if (stderr) v.expect(stderr.test(m.r.stderr), `stderr does not match ${stderr}: ${JSON.stringify(m.r.stderr.slice(0, 300))}`);
    v.eq('leaked secrets', v.figures.leaked, 0);
    return v.done();
  };
  const cases = [
    {
      id: 'proxy/https-proxy-auth',
      injected: 'HTTPS_PROXY=http://user:pass@127.0.0.1:PORT (CONNECT, Basic auth) to the --tls emulator, -v',
      expected: 'exit 0 through ≥1 tunnel, 0 rejections; the proxy password never on stderr',
      async run(lab) {
        const p = await proxyOf(lab);
        const m = await proxyRun(lab, { proxy: p, env: (emu) => ({ HTTPS_PROXY: url(p), NODE_EXTRA_CA_CERTS: emu.caCert }) });
        return judge(m, { exit: 0, tunnels: '>0', rejected: 0 });
      },
    },
    {
      id: 'proxy/encoded-password',
      injected: 'HTTPS_PROXY whose password holds @ : / % (percent-encoded in the URL), -v',
      expected: 'exit 0 through ≥1 tunnel; neither the encoded nor the decoded password on stderr',
      async run(lab) {
        const odd = `p@ss:w/rd%${randomBytes(6).toString('hex')}`;
        registerSecret(odd);
        registerSecret(encodeURIComponent(odd));
        const p = await lab.memo('proxy-odd', () => startProxy({ user, password: odd }));
        const m = await proxyRun(lab, {
          proxy: p,
          env: (emu) => ({ HTTPS_PROXY: `http://${user}:${encodeURIComponent(odd)}@127.0.0.1:${p.port}`, NODE_EXTRA_CA_CERTS: emu.caCert }),
        });
        return judge(m, { exit: 0, tunnels: '>0', rejected: 0 });
      },
    },
    {
      id: 'proxy/wrong-password',
      injected: 'HTTPS_PROXY with a wrong password (407), -v',
      expected: 'exit 1 naming the proxy; neither password on stderr',
      async run(lab) {
        const p = await proxyOf(lab);
        const wrong = `bad-${randomBytes(8).toString('hex')}`;
        registerSecret(wrong);
        const m = await proxyRun(lab, { proxy: p, env: (emu) => ({ HTTPS_PROXY: url(p, wrong), NODE_EXTRA_CA_CERTS: emu.caCert }) });
        return judge(m, { exit: 1, tunnels: 0, stderr: /proxy|407/i });
      },
    },
    {
      id: 'proxy/no-proxy',
      injected: 'HTTPS_PROXY set, NO_PROXY=127.0.0.1',
      expected: 'exit 0 directly: 0 tunnels',
      async run(lab) {
        const p = await proxyOf(lab);
        const m = await proxyRun(lab, { proxy: p, env: (emu) => ({ HTTPS_PROXY: url(p), NO_PROXY: '127.0.0.1', NODE_EXTRA_CA_CERTS: emu.caCert }) });
        return judge(m, { exit: 0, tunnels: 0 });
      },
    },
    {
      id: 'proxy/lower-case',
      injected: 'https_proxy (lower case) with credentials',
      expected: 'exit 0 through ≥1 tunnel',
      async run(lab) {
        const p = await proxyOf(lab);
        const m = await proxyRun(lab, { proxy: p, env: (emu) => ({ https_proxy: url(p), NODE_EXTRA_CA_CERTS: emu.caCert }) });
        return judge(m, { exit: 0, tunnels: '>0', rejected: 0 });
      },
    },
    {
      id: 'proxy/lower-case-no-proxy',
      injected: 'https_proxy and no_proxy=localhost,127.0.0.1 (lower case)',
      expected: 'exit 0 directly: 0 tunnels',
      async run(lab) {
        const p = await proxyOf(lab);
        const m = await proxyRun(lab, { proxy: p, env: (emu) => ({ https_proxy: url(p), no_proxy: 'localhost,127.0.0.1', NODE_EXTRA_CA_CERTS: emu.caCert }) });
        return judge(m, { exit: 0, tunnels: 0 });
      },
    },
    {
      id: 'proxy/http-proxy-plain',
      injected: 'HTTP_PROXY=http://user:pass@… to the plain http emulator, -v',
      expected: 'exit 0 through ≥1 tunnel; the password never on stderr',
      async run(lab) {
        const p = await proxyOf(lab);
        const m = await proxyRun(lab, { proxy: p, tls: false, env: () => ({ HTTP_PROXY: url(p) }) });
        return judge(m, { exit: 0, tunnels: '>0', rejected: 0 });
      },
    },
    {
      id: 'tls/self-signed',
      injected: '--tls emulator (self-signed), no --insecure, --retry 3',
      expected: 'exit 1 naming the certificate problem; exactly 1 connection (never retried)',
      async run(lab) {
        const emu = await lab.tls();
        await emu.reset();
        const relay = lab.own(await startRelay(emu.port));
        const home = await homeFor(`https://127.0.0.1:${relay.port}`, emu.admin.apiKey);
        const r = await runQlik(['api-key', 'ls', '--retry', '3', '--interval', '1'], { env: envFor(home) });
        const v = new Verdict();
        v.fig('attempts', relay.stats.connections);
        v.fig('exit', r.code);
        commonChecks(v, r);
        v.fig('ms', r.ms);
        v.eq('exit code', r.code, 1);
        v.eq('connections', relay.stats.connections, 1);
        v.eq('requests at the emulator', (await emu.requests()).length, 0);
        v.expect(/self-signed certificate/i.test(r.stderr) && /--insecure|NODE_EXTRA_CA_CERTS/.test(r.stderr), `message: ${JSON.stringify(r.stderr.slice(0, 300))}`);
        v.eq('stderr lines', stderrLines(r.stderr).length, 1);
        return v.done();
      },
    },
    {
      id: 'tls/insecure',
      injected: '--tls emulator with --insecure',
      expected: 'exit 0, with a warning that the certificate is not verified',
      async run(lab) {
        const m = await proxyRun(lab, { env: () => ({}), args: ['api-key', 'ls', '-q', '--insecure'] });
        return judge(m, { exit: 0, tunnels: 0, stderr: /insecure/i });
      },
    },
    {
      id: 'tls/extra-ca',
      injected: '--tls emulator, NODE_EXTRA_CA_CERTS=<caCert>, no --insecure',
      expected: 'exit 0, nothing on stderr',
      async run(lab) {
        const m = await proxyRun(lab, { env: (emu) => ({ NODE_EXTRA_CA_CERTS: emu.caCert }), args: ['api-key', 'ls', '-q'] });
        const verdict = await judge(m, { exit: 0, tunnels: 0 });
        if (m.r.stderr !== '') {
          verdict.pass = false;
          verdict.failures.push(`stderr: ${JSON.stringify(m.r.stderr.slice(0, 200))}`);
        }
        return verdict;
      },
    },
  ];
  const keep = new Set(['proxy/https-proxy-auth', 'proxy/no-proxy', 'tls/self-signed', 'tls/extra-ca']);
  return cases.filter((c) => !reduced || keep.has(c.id)).map((c) => ({ ...c, section: 'proxy' }));
}

// ---------------------------------------------------------------------------------------------------------

/** Every case of the matrix; `reduced` keeps a fast subset (fewer retries, trials and pairs) for `npm test`. */
export function buildCases({ reduced = false } = {}) {
  return [...createFaultCases(reduced), ...specialCreateCases(reduced), ...idempotentCases(reduced), ...inputCases(reduced), ...secretCases(reduced), ...proxyCases(reduced)];
}

/** Runs one case; an exception is a failed case, not a crashed run. */
export async function runCase(lab, c) {
  const started = performance.now();
  try {
    const result = await c.run(lab);
    const wallMs = performance.now() - started;
    // Multi-run cases report the case's wall time.
    const figures = { ...result.figures, ms: result.figures.ms ?? wallMs };
    return { id: c.id, section: c.section, injected: c.injected, expected: c.expected, ...result, figures, wallMs };
  } catch (e) {
    return {
      id: c.id,
      section: c.section,
      injected: c.injected,
      expected: c.expected,
      pass: false,
      figures: {},
      failures: [`the case crashed: ${e instanceof Error ? e.message : String(e)}`],
      wallMs: performance.now() - started,
    };
  }
}

/** Runs cases on a pool of `jobs` labs (heavy cases first); resolves with the results in case order. */
export async function runMatrix(cases, { reduced = false, jobs = 1, onResult } = {}) {
  const pool = labPool(Math.max(1, Math.min(jobs, cases.length)), { reduced });
  const queue = cases.map((c, i) => ({ c, i })).sort((a, b) => Number(b.c.heavy === true) - Number(a.c.heavy === true));
  const results = new Array(cases.length);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const lab = await pool.acquire();
      try {
        results[next.i] = await runCase(lab, next.c);
      } finally {
        pool.release(lab);
      }
      onResult?.(results[next.i], next.i);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  } finally {
    await pool.close();
  }
  return results;
}

export { labPool } from './lab.mjs';
