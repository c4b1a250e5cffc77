// The reliability lab: the spawned emulators (plain and --tls), the built `qlik` run as a child process in a
// temporary home, and the measurements every case shares (ledger, request log, leaked secrets, file modes).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { QLIK, startEmulator } from '../lib.mjs';

/** Environment variables a case never inherits from the shell that runs the matrix. */
const INHERITED_NOISE = /^(NODE_EXTRA_CA_CERTS|NODE_OPTIONS|NODE_TLS_REJECT_UNAUTHORIZED|HTTPS?_PROXY|NO_PROXY|ALL_PROXY|QLIK_.*|FORCE_COLOR|CLICOLOR.*|EDITOR|VISUAL)$/i;

export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!INHERITED_NOISE.test(k) && v !== undefined) env[k] = v;
  env.NO_COLOR = '1';
  return { ...env, ...extra };
}

// ---- secrets ----

/** An emulator token (ES384 JWT) or any JWT-shaped string. */
const JWT_RE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Literal secrets that are not JWTs (proxy passwords, custom header values), registered by cases. */
const literalSecrets = new Set();
/** Signatures of every token seen (bootstrap keys, tokens printed on stdout): a token cut short still leaks them. */
const signatures = new Set();

export function registerSecret(value) {
  if (typeof value === 'string' && value.length >= 6) literalSecrets.add(value);
}

export function registerToken(token) {
  const sig = typeof token === 'string' ? token.split('.')[2] : undefined;
  if (sig && sig.length >= 16) signatures.add(sig);
}

function occurrences(haystack, needle) {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n += 1;
  return n;
}

/** How many secrets a text holds: JWT-shaped strings, plus known token signatures and literals outside them. */
export function countLeaks(text) {
  if (!text) return 0;
  let n = (text.match(JWT_RE) ?? []).length;
  const rest = text.replace(JWT_RE, ' ');
  for (const sig of signatures) n += occurrences(rest, sig);
  for (const s of literalSecrets) n += occurrences(rest, s);
  return n;
}

/** Leaks in the files next to the contexts file (temp files, lock directories): every file but contexts.yml. */
export async function neighbourLeaks(home) {
  const dir = join(home, '.qlik');
  let n = 0;
  const walk = async (d) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && full !== join(dir, 'contexts.yml')) n += countLeaks(await readFile(full, 'utf8').catch(() => ''));
    }
  };
  await walk(dir);
  return n;
}

export function escBytes(text) {
  return occurrences(text ?? '', '\u001b') + occurrences(text ?? '', '\u009b');
}

export function hasStackTrace(text) {
  return /\n\s+at .+[(:]\d+/.test(text ?? '') || /^\s+at /m.test(text ?? '');
}

export async function sha256File(path) {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch (e) {
    return `unreadable:${e.code ?? 'error'}`;
  }
}

// ---- the CLI ----

/**
 * The built CLI is copied once per run (bin, dist, package.json: the bundle has no runtime dependencies), so that a
 * rebuild of packages/cli by someone else during a long run never leaves a case with half a dist/.
 */
let snapshot;
let qlikBin = QLIK;

function bundleComplete(distDir) {
  const files = [join(distDir, 'main.js')];
  for (let i = 0; i < files.length; i++) {
    let text;
    try {
      text = readFileSync(files[i], 'utf8');
    } catch {
      return false;
    }
    // esbuild chunks are named <name>-<HASH>.js; other quoted paths in the bundle are comments and CommonJS keys.
    for (const m of text.matchAll(/["'](\.\.?\/(?:chunks\/)?[\w.-]+-[A-Z0-9]{8}\.js)["']/g)) {
      const dep = resolve(dirname(files[i]), m[1]);
      if (!existsSync(dep)) return false;
      if (!files.includes(dep)) files.push(dep);
    }
  }
  return true;
}

async function snapshotCli() {
  const cliRoot = resolve(dirname(QLIK), '..');
  const dir = await mkdtemp(join(tmpdir(), 'qlik-rel-cli-'));
  await chmod(dir, 0o755);
  for (let attempt = 1; ; attempt++) {
    await rm(join(dir, 'dist'), { recursive: true, force: true });
    for (const part of ['bin', 'dist', 'package.json']) await cp(join(cliRoot, part), join(dir, part), { recursive: true });
    const bin = join(dir, 'bin', 'qlik.js');
    if (bundleComplete(join(dir, 'dist')) && spawnSync(process.execPath, [bin, 'version']).status === 0) return { dir, bin };
    if (attempt >= 15) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`cannot copy a complete build of the CLI from ${cliRoot}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * Spawn the built qlik. `input` is written to stdin and stdin is closed, unless `holdStdin` is set (the caller then
 * ends `child.stdin`). Resolves `done` with {code, signal, stdout, stderr, ms, pid}.
 */
export function spawnQlik(args, { env = cleanEnv(), input = '', holdStdin = false, timeoutMs = 120_000, uid, gid, cwd } = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, [qlikBin, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid }),
    ...(cwd === undefined ? {} : { cwd }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, pid: child.pid, timedOut });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}\nspawn failed: ${e.message}`, ms: performance.now() - started, pid: child.pid, timedOut });
    });
  });
  if (!holdStdin) child.stdin.end(input);
  return { child, pid: child.pid, done };
}

export function runQlik(args, opts = {}) {
  return spawnQlik(args, opts).done;
}

/** One stderr line per entry, without the trailing empty string. */
export function stderrLines(text) {
  return (text ?? '').split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
}

// ---- homes ----

const homes = new Set();

export async function makeHome(prefix = 'qlik-rel-') {
  const home = await mkdtemp(join(tmpdir(), prefix));
  homes.add(home);
  return home;
}

export function contextsPath(home) {
  return join(home, '.qlik', 'contexts.yml');
}

function yamlString(s) {
  return JSON.stringify(s);
}

/** Write a contexts file directly (0600 in a 0700 directory), the way `qlik context create` lays it out. */
export async function writeContexts(home, contexts, current) {
  const dir = join(home, '.qlik');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const lines = [`current-context: ${yamlString(current ?? Object.keys(contexts)[0] ?? '')}`, 'contexts:'];
  for (const [name, c] of Object.entries(contexts)) {
    lines.push(`  ${yamlString(name)}:`);
    if (c.comment !== undefined) lines.push(`    comment: ${yamlString(c.comment)}`);
    if (c.headers) {
      lines.push('    headers:');
      for (const [h, v] of Object.entries(c.headers)) lines.push(`      ${h}: ${yamlString(v)}`);
    }
    if (c.insecure !== undefined) lines.push(`    insecure: ${c.insecure}`);
    lines.push(`    server: ${yamlString(c.server)}`);
    lines.push('    server-type: cloud');
  }
  const path = contextsPath(home);
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/** A fresh home whose current context `emu` points at `server` with `apiKey`. */
export async function homeFor(server, apiKey, extra = {}) {
  const home = await makeHome();
  await writeContexts(home, { emu: { server, headers: { Authorization: `Bearer ${apiKey}` }, ...extra } });
  return home;
}

/** Removes every temporary home made so far (call once, when all labs are closed). */
export async function removeHomes() {
  for (const home of homes) {
    await chmod(home, 0o700).catch(() => undefined);
    await rm(home, { recursive: true, force: true }).catch(() => undefined);
  }
  homes.clear();
  if (snapshot) {
    const { dir } = await snapshot.catch(() => ({ dir: undefined }));
    snapshot = undefined;
    qlikBin = QLIK;
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export async function modeOf(path) {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

// ---- emulators ----

async function wrapEmulator(args) {
  const info = await startEmulator(args, cleanEnv());
  const ca = info.caCert ? await readFile(info.caCert, 'utf8') : undefined;
  const dispatcher = new Agent({ keepAliveTimeout: 1000, ...(ca ? { connect: { ca } } : {}) });
  const call = async (method, path, { token, body, headers = {} } = {}) => {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload = null;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await request(`${info.url}${path}`, { method, headers: h, body: payload, dispatcher });
    const text = await res.body.text();
    let json;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  };
  const control = async (method, path, body) => {
    // The emulator refuses control calls that change state without content-type: application/json.
    const headers = method === 'GET' ? {} : { 'content-type': 'application/json' };
    const res = await call(method, `/__emulator/${path}`, { body, headers });
    if (res.status >= 300) throw new Error(`control ${method} ${path}: ${res.status} ${res.text}`);
    return res.json;
  };
  const user = (role) => info.users.find((u) => u.roles.includes(role)) ?? info.users[0];
  const admin = user('TenantAdmin');
  for (const u of info.users) registerToken(u.apiKey);
  return {
    url: info.url,
    port: Number(new URL(info.url).port),
    caCert: info.caCert,
    tenantId: info.tenantId,
    users: info.users,
    admin,
    call,
    control,
    reset: () => control('POST', 'reset'),
    fault: async (rule) => (await control('POST', 'faults', rule)).id,
    ledger: async () => (await control('GET', 'ledger')).entries,
    requests: async () => (await control('GET', 'requests')).requests,
    /** Mints an active key for the admin (bypassing faults: the control API is never faulted). */
    mint: async (description) => {
      const key = await control('POST', 'keys', { userId: admin.id, description, expiry: 'PT1H' });
      registerToken(key.token);
      return key;
    },
    stop: async () => {
      await dispatcher.close().catch(() => undefined);
      await info.stop();
    },
  };
}

/** The plain emulator now, the --tls one on first use. */
export async function openLab({ reduced = false } = {}) {
  snapshot ??= snapshotCli();
  qlikBin = (await snapshot).bin;
  const plain = await wrapEmulator([]);
  let tls;
  const extras = [];
  const memos = new Map();
  const lab = {
    reduced,
    qlikPath: qlikBin,
    emu: plain,
    tls() {
      tls ??= wrapEmulator(['--tls']);
      return tls;
    },
    /** Keep something with a close() until the lab closes. */
    own(thing) {
      extras.push(thing);
      return thing;
    },
    /** One `make()` per lab and key (a proxy, a sink), closed with the lab. */
    memo(key, make) {
      if (!memos.has(key)) memos.set(key, Promise.resolve(make()).then((thing) => lab.own(thing)));
      return memos.get(key);
    },
    async close() {
      for (const x of extras.splice(0)) await x.close().catch(() => undefined);
      await plain.stop();
      if (tls) await (await tls).stop();
    },
  };
  return lab;
}

/** Up to `size` labs, each used by one case at a time; cases wait for a free one. */
export function labPool(size, opts = {}) {
  const idle = [];
  const waiters = [];
  const all = [];
  return {
    async acquire() {
      if (idle.length > 0) return idle.pop();
      if (all.length < size) {
        const lab = openLab(opts);
        all.push(lab);
        return lab;
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    release(lab) {
      const next = waiters.shift();
      if (next) next(lab);
      else idle.push(lab);
    },
    async close() {
      for (const lab of all) await (await lab).close().catch(() => undefined);
      await removeHomes();
    },
  };
}
