// The reliability lab: the emulators a case uses (plain, and --tls on demand; started as real processes through the
// shared process kit, test/kit/process.mjs), the built `qlik` run as a child process in a temporary home, and the
// measurements every case shares (leaked secrets, escape bytes, stack traces, file hashes and modes).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { kitHandle } from '../../test/kit/handle.mjs';
import { cleanEnv, QLIK, start, startEmulator } from '../../test/kit/process.mjs';

// ---- secrets ----

/** An emulator token (ES384 JWT) or any JWT-shaped string. */
const JWT_RE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Literal secrets that are not JWTs (proxy passwords, custom header values, OAuth client secrets), registered by cases. */
/** @type {Set<string>} */
const literalSecrets = new Set();
/** Signatures of every token seen (bootstrap keys, tokens printed on stdout): a token cut short still leaks them. */
/** @type {Set<string>} */
const signatures = new Set();

/** @param {unknown} value */
export function registerSecret(value) {
  if (typeof value === 'string' && value.length >= 6) literalSecrets.add(value);
}

/** @param {unknown} token */
export function registerToken(token) {
  const sig = typeof token === 'string' ? token.split('.')[2] : undefined;
  if (sig && sig.length >= 16) signatures.add(sig);
}

/**
 * @param {string} haystack
 * @param {string} needle
 */
function occurrences(haystack, needle) {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n += 1;
  return n;
}

/**
 * How many secrets a text holds: JWT-shaped strings, plus known token signatures and literals outside them.
 * @param {string | undefined} text
 */
export function countLeaks(text) {
  if (!text) return 0;
  let n = (text.match(JWT_RE) ?? []).length;
  const rest = text.replace(JWT_RE, ' ');
  for (const sig of signatures) n += occurrences(rest, sig);
  for (const s of literalSecrets) n += occurrences(rest, s);
  return n;
}

/**
 * Leaks in the contexts directory: secrets in any file but those whose job is to hold them (temp files, lock
 * directories, anything else), and each of those that others can read (mode not 0600).
 * @param {string} home
 */
export async function neighbourLeaks(home) {
  const dir = join(home, '.qlik');
  let n = 0;
  /** @param {string} d */
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
      else if (e.isFile() && d === dir && isOwnFile(e.name)) n += ((await modeOf(full)) ?? 0) & 0o077 ? 1 : 0;
      else if (e.isFile()) n += countLeaks(await readFile(full, 'utf8').catch(() => ''));
    }
  };
  await walk(dir);
  return n;
}

/** Files whose job is to hold secrets (0600): the contexts file, its parsed copy and the OAuth token cache. */
const OWN_SECRET_FILES = new Set(['contexts.yml', '.contexts.yml.cache.json', 'oauth-tokens.json']);

/** Files the CLI keeps beside them on purpose, with no secret in them: the ids and expiries of context keys. */
const OWN_PLAIN_FILES = new Set(['key-expiry.json']);

/**
 * A file the CLI keeps in ~/.qlik on purpose (not a leftover of an interrupted write).
 * @param {string} name
 */
export function isOwnFile(name) {
  return OWN_SECRET_FILES.has(name) || OWN_PLAIN_FILES.has(name);
}

/**
 * ESC, C1 CSI and the bidi controls that reorder what a terminal shows (U+202A–U+202E, U+2066–U+2069).
 * @param {string | undefined} text
 */
export function escBytes(text) {
  // eslint-disable-next-line no-control-regex
  return (text ?? '').match(/[\u001b\u009b\u202a-\u202e\u2066-\u2069]/g)?.length ?? 0;
}

/** @param {string | undefined} text */
export function hasStackTrace(text) {
  return /\n\s+at .+[(:]\d+/.test(text ?? '') || /^\s+at /m.test(text ?? '');
}

/** @param {string} path */
export async function sha256File(path) {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch (e) {
    return `unreadable:${/** @type {NodeJS.ErrnoException} */ (e).code ?? 'error'}`;
  }
}

/** @param {string} path */
export async function modeOf(path) {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/**
 * Reads /proc/<pid>/cmdline every few ms while the process lives; resolves with the samples read.
 * @param {number | undefined} pid
 * @param {() => boolean} stop
 * @returns {Promise<string[]>}
 */
function sampleCmdline(pid, stop) {
  /** @type {string[]} */
  const samples = [];
  return new Promise((resolve) => {
    const tick = async () => {
      if (stop()) return resolve(samples);
      try {
        samples.push((await readFile(`/proc/${pid}/cmdline`)).toString('utf8').replaceAll('\0', ' '));
      } catch {
        return resolve(samples);
      }
      setTimeout(() => void tick(), 20);
    };
    void tick();
  });
}

/**
 * Waits for a spawned CLI run (spawnQlik) while sampling its /proc/<pid>/cmdline; resolves with {r, samples}.
 * @param {ReturnType<typeof spawnQlik>} p
 */
export async function withCmdline(p) {
  let finished = false;
  const sampling = sampleCmdline(p.pid, () => finished);
  const r = await p.done;
  finished = true;
  return { r, samples: await sampling };
}

// ---- the CLI ----

/**
 * The built CLI is copied once per run (bin, dist, package.json: the bundle has no runtime dependencies), so that a
 * rebuild of packages/cli by someone else during a long run never leaves a case with half a dist/.
 * @type {Promise<{ dir: string, bin: string }> | undefined}
 */
let snapshot;
let qlikBin = QLIK;

/**
 * dist/main.cjs, dist/fast.cjs, dist/help.txt and every vendor file main.cjs requires are there.
 * @param {string} distDir
 */
function bundleComplete(distDir) {
  const main = join(distDir, 'main.cjs');
  if (!existsSync(join(distDir, 'fast.cjs')) || !existsSync(join(distDir, 'help.txt'))) return false;
  let text;
  try {
    text = readFileSync(main, 'utf8');
  } catch {
    return false;
  }
  return [...text.matchAll(/["'](\.\/vendor\/[\w.-]+\.cjs)["']/g)].every((m) =>
    existsSync(resolve(distDir, m[1] ?? '')),
  );
}

async function snapshotCli() {
  const cliRoot = resolve(dirname(QLIK), '..');
  const dir = await mkdtemp(join(tmpdir(), 'qlik-rel-cli-'));
  await chmod(dir, 0o755);
  const probeHome = await mkdtemp(join(tmpdir(), 'qlik-rel-probe-'));
  try {
    for (let attempt = 1; ; attempt++) {
      await rm(join(dir, 'dist'), { recursive: true, force: true });
      for (const part of ['bin', 'dist', 'package.json'])
        await cp(join(cliRoot, part), join(dir, part), { recursive: true });
      const bin = join(dir, 'bin', 'qlik.cjs');
      // `context ls` loads dist/main.cjs and the YAML vendor file; `version` alone would only load fast.cjs.
      if (
        bundleComplete(join(dir, 'dist')) &&
        spawnSync(process.execPath, [bin, 'context', 'ls'], { env: cleanEnv(probeHome) }).status === 0
      )
        return { dir, bin };
      if (attempt >= 15) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`cannot copy a complete build of the CLI from ${cliRoot} (run npm run build)`);
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await rm(probeHome, { recursive: true, force: true });
  }
}

/**
 * @typedef {object} SpawnOptions
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [input]
 * @property {boolean} [holdStdin]
 * @property {number} [timeoutMs]
 * @property {number | undefined} [stdout]
 * @property {number | undefined} [uid]
 * @property {number | undefined} [gid]
 * @property {string | undefined} [cwd]
 */

/**
 * Spawn the built qlik (the snapshot). `input` is written to stdin and stdin is closed, unless `holdStdin` is set
 * (the caller then ends `child.stdin`). `done` resolves with {code, signal, stdout, stderr, ms, pid, timedOut}.
 * @param {string[]} args
 * @param {SpawnOptions} [opts]
 */
export function spawnQlik(
  args,
  { env = cleanEnv(undefined), input = '', holdStdin = false, timeoutMs = 120_000, stdout, uid, gid, cwd } = {},
) {
  const p = start(process.execPath, [qlikBin, ...args], {
    env,
    stdin: input,
    keepStdinOpen: holdStdin,
    timeoutMs,
    ...(stdout !== undefined ? { stdout } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
  });
  return { child: p.child, pid: p.child.pid, done: p.done };
}

/**
 * @param {string[]} args
 * @param {SpawnOptions} [opts]
 */
export function runQlik(args, opts = {}) {
  return spawnQlik(args, opts).done;
}

export function qlikPath() {
  return qlikBin;
}

/**
 * One stderr line per entry, without the trailing empty string.
 * @param {string | undefined} text
 */
export function stderrLines(text) {
  return (text ?? '').split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
}

// ---- homes ----

/** @type {Set<string>} */
const homes = new Set();

export async function makeHome(prefix = 'qlik-rel-') {
  const home = await mkdtemp(join(tmpdir(), prefix));
  homes.add(home);
  return home;
}

/** @param {string} home */
export function contextsPath(home) {
  return join(home, '.qlik', 'contexts.yml');
}

/**
 * The environment of a CLI run in `home`: the kit's clean environment plus `extra`.
 * @param {string} home
 * @param {Record<string, string | undefined>} [extra]
 */
export function envFor(home, extra = {}) {
  return cleanEnv(home, extra);
}

/**
 * A context as `writeContexts` lays it out (server-type is always cloud).
 * @typedef {object} ContextSpec
 * @property {string} server
 * @property {string} [comment]
 * @property {Record<string, string>} [headers]
 * @property {boolean} [insecure]
 * @property {string} [oauth-client-id]
 * @property {string} [oauth-client-secret]
 * @property {string} [oauth-scope]
 */

/**
 * Write a contexts file directly (0600 in a 0700 directory), the way `qlik context create` lays it out.
 * @param {string} home
 * @param {Record<string, ContextSpec>} contexts
 * @param {string} [current]
 */
export async function writeContexts(home, contexts, current) {
  const dir = join(home, '.qlik');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const q = JSON.stringify;
  const lines = [`current-context: ${q(current ?? Object.keys(contexts)[0] ?? '')}`, 'contexts:'];
  for (const [name, c] of Object.entries(contexts)) {
    lines.push(`  ${q(name)}:`);
    if (c.comment !== undefined) lines.push(`    comment: ${q(c.comment)}`);
    if (c.headers) {
      lines.push('    headers:');
      for (const [h, v] of Object.entries(c.headers)) lines.push(`      ${h}: ${q(v)}`);
    }
    if (c.insecure !== undefined) lines.push(`    insecure: ${c.insecure}`);
    for (const field of /** @type {const} */ (['oauth-client-id', 'oauth-client-secret', 'oauth-scope']))
      if (c[field] !== undefined) lines.push(`    ${field}: ${q(c[field])}`);
    lines.push(`    server: ${q(c.server)}`);
    lines.push('    server-type: cloud');
  }
  const path = contextsPath(home);
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

/**
 * A fresh home whose current context `emu` points at `server` with `apiKey`.
 * @param {string} server
 * @param {string} apiKey
 * @param {Partial<ContextSpec>} [extra]
 */
export async function homeFor(server, apiKey, extra = {}) {
  const home = await makeHome();
  await writeContexts(home, { emu: { server, headers: { Authorization: `Bearer ${apiKey}` }, ...extra } });
  return home;
}

/**
 * A fresh home whose current context holds the admin's key for `emu`.
 * @param {LabEmulator} emu
 */
export function adminHome(emu) {
  return homeFor(emu.url, emu.admin.apiKey);
}

/** Removes every temporary home made so far, and the CLI snapshot (call once, when all labs are closed). */
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

// ---- emulators ----

/** @typedef {{ type: string, [field: string]: unknown }} FaultAction */
/** @typedef {{ action: FaultAction, method?: string, path?: string, times?: number, [field: string]: unknown }} FaultRule */

/**
 * An emulator (a child process, through the kit) as cases use it: the kit's handle (test/kit/handle.mjs, the same one
 * the vitest kit hands out: the library's methods, `faults.add`, `control`, `reset`, the users by role and `call`,
 * which names who it runs as), plus `port` and `under`. Every token it knows of, and every key `control` mints, is
 * registered for the leak counts.
 * @param {import('@qlik-ts/emulator').StartOptions} [options]
 */
export async function labEmulator(options = {}) {
  const emu = kitHandle(await startEmulator(options));
  for (const u of emu.users) registerToken(u.apiKey);
  for (const c of emu.oauthClients) registerSecret(c.clientSecret);
  return {
    ...emu,
    port: Number(new URL(emu.url).port),
    faults: {
      ...emu.faults,
      /**
       * The library's `faults.add`, typed loosely: JavaScript literals widen an action's `type` to string, and the
       * control API checks the rule anyway (a bad one is a 400).
       * @param {FaultRule} rule
       */
      add: (rule) => emu.faults.add(/** @type {import('@qlik-ts/emulator').FaultRuleInput} */ (rule)),
    },
    /** A fault path (a glob) matching every path one segment below `prefix`. */
    under: (/** @type {string} */ prefix) => `${prefix}/*`,
    /**
     * Any control route (the library's `control`); the answer is the route's JSON, as each case expects it. A key it
     * mints (`control('POST', 'keys', …)`, never faulted) has its token registered.
     * @type {(method: string, path: string, body?: unknown) => Promise<any>}
     */
    control: async (method, path, body) => {
      const answer = await emu.control(method, path, body);
      if (answer !== null && typeof answer === 'object' && 'token' in answer) registerToken(answer.token);
      return answer;
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof labEmulator>>} LabEmulator */
/** @typedef {{ close(): Promise<unknown> }} Closable */

/**
 * The plain emulator now, the --tls one on first use.
 * @param {{ reduced?: boolean }} [opts]
 */
export async function openLab({ reduced = false } = {}) {
  snapshot ??= snapshotCli();
  qlikBin = (await snapshot).bin;
  const plain = await labEmulator();
  /** @type {Promise<LabEmulator> | undefined} */
  let tls;
  /** @type {Closable[]} */
  const extras = [];
  /** @type {Map<string, Promise<Closable>>} */
  const memos = new Map();
  const lab = {
    reduced,
    emu: plain,
    /** The plain emulator, reset to its seeded state. */
    async fresh() {
      await plain.reset();
      return plain;
    },
    tls() {
      tls ??= labEmulator({ tls: true });
      return tls;
    },
    /**
     * Keep something with a close() until the lab closes.
     * @template {Closable} T
     * @param {T} thing
     * @returns {T}
     */
    own(thing) {
      extras.push(thing);
      return thing;
    },
    /**
     * One `make()` per lab and key (a proxy, a sink), closed with the lab.
     * @template {Closable} T
     * @param {string} key
     * @param {() => T | Promise<T>} make
     * @returns {Promise<T>}
     */
    memo(key, make) {
      if (!memos.has(key))
        memos.set(
          key,
          Promise.resolve(make()).then((thing) => lab.own(thing)),
        );
      return /** @type {Promise<T>} */ (memos.get(key));
    },
    async close() {
      for (const x of extras.splice(0)) await x.close().catch(() => undefined);
      await plain.stop();
      if (tls) await (await tls).stop();
    },
  };
  return lab;
}

/** @typedef {Awaited<ReturnType<typeof openLab>>} Lab */

/**
 * Up to `size` labs, each used by one case at a time; cases wait for a free one.
 * @param {number} size
 * @param {{ reduced?: boolean }} [opts]
 */
export function labPool(size, opts = {}) {
  /** @type {Lab[]} */
  const idle = [];
  /** @type {((lab: Lab) => void)[]} */
  const waiters = [];
  /** @type {Promise<Lab>[]} */
  const all = [];
  return {
    /** @returns {Promise<Lab>} */
    async acquire() {
      const free = idle.pop();
      if (free !== undefined) return free;
      if (all.length < size) {
        const lab = openLab(opts);
        all.push(lab);
        return lab;
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    /** @param {Lab} lab */
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
