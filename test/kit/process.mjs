// The one process kit, shared by the spawned end-to-end tests, `npm run bench`, `npm run demo` and
// `npm run reliability`: the built CLI run as a child process in a clean environment, and the emulator started
// through its own programmatic API (@qlik-ts/emulator). Plain JavaScript, so the .mjs scripts can use it as is.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const QLIK = fileURLToPath(new URL('../../packages/cli/bin/qlik.cjs', import.meta.url));
export const EMULATOR_BIN = fileURLToPath(new URL('../../packages/emulator/bin/qlik-emulator.js', import.meta.url));

/**
 * @typedef {object} ProcessResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms
 * @property {number | undefined} pid
 * @property {boolean} timedOut Killed (SIGKILL) because it outlived `timeoutMs`.
 */

/**
 * @typedef {object} StartOptionsForProcess
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string | Buffer} [stdin]
 * @property {boolean} [keepStdinOpen]
 * @property {number} [stdout] A file descriptor for the child's stdout instead of a pipe (the result's stdout is then '').
 * @property {string} [cwd]
 * @property {number} [timeoutMs]
 * @property {number} [uid]
 * @property {number} [gid]
 */

/** Variables a child never inherits from the shell that runs the tests: they change what the CLI does. */
const DROPPED =
  /^(NODE_EXTRA_CA_CERTS|NODE_OPTIONS|NODE_TLS_REJECT_UNAUTHORIZED|QLIK_.*|https?_proxy|no_proxy|all_proxy|EDITOR|VISUAL|FORCE_COLOR|CLICOLOR.*)$/i;

/**
 * The environment of a child: the parent's minus anything that changes the CLI's behaviour, with NO_COLOR, the given
 * home as QLIK_CLI_USER_HOME_DIR, and `extra` (where `undefined` removes a variable).
 * @param {string | undefined} home
 * @param {Record<string, string | undefined>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function cleanEnv(home, extra = {}) {
  /** @type {Record<string, string | undefined>} */
  const merged = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(merged)) if (DROPPED.test(k)) merged[k] = undefined;
  if (home !== undefined) merged.QLIK_CLI_USER_HOME_DIR = home;
  Object.assign(merged, extra);
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Start a process and collect its output; `done` resolves when it exits (or is killed after the timeout, then
 * `timedOut` is true). `stdout` may be a file descriptor to write to instead of a pipe (e.g. one open on /dev/full);
 * `stdout` is then '' in the result.
 * @param {string} file
 * @param {string[]} args
 * @param {StartOptionsForProcess} [o]
 * @returns {{ child: import('node:child_process').ChildProcessWithoutNullStreams, done: Promise<ProcessResult> }}
 *   (`child.stdout` is null when `o.stdout` is a file descriptor)
 */
export function start(file, args, o = {}) {
  const started = performance.now();
  const child = /** @type {import('node:child_process').ChildProcessWithoutNullStreams} */ (
    spawn(file, args, {
      env: o.env ?? cleanEnv(undefined),
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.uid !== undefined ? { uid: o.uid } : {}),
      ...(o.gid !== undefined ? { gid: o.gid } : {}),
      stdio: ['pipe', o.stdout ?? 'pipe', 'pipe'],
    })
  );
  /** @type {Buffer[]} */
  const out = [];
  /** @type {Buffer[]} */
  const err = [];
  child.stdout?.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  child.stdin.on('error', () => undefined);
  if (!o.keepStdinOpen) child.stdin.end(o.stdin ?? '');
  const timeoutMs = o.timeoutMs ?? 60_000;
  let timedOut = false;
  /** @type {Promise<ProcessResult>} */
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      resolve({
        code,
        signal,
        stdout,
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started,
        pid: child.pid,
        timedOut,
      });
    });
  });
  return { child, done };
}

/**
 * Run the built qlik CLI once.
 * @param {string[]} args
 * @param {StartOptionsForProcess} [o]
 * @returns {Promise<ProcessResult>}
 */
export function runQlik(args, o = {}) {
  return start(process.execPath, [QLIK, ...args], o).done;
}

/**
 * Start qlik-emulator through its programmatic API (as a child process by default: scripts measure real processes).
 * @param {import('@qlik-ts/emulator').StartOptions} [opts]
 * @returns {Promise<import('@qlik-ts/emulator').Emulator>}
 */
export async function startEmulator(opts = {}) {
  const { startEmulator: start } = await import('@qlik-ts/emulator');
  return start({ mode: 'child', ...opts });
}

/**
 * Whether a process with this pid exists (signal 0 reaches it; a zombie still does).
 * @param {number} pid
 */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process with this pid exists and is not a zombie (on Linux, from /proc/<pid>/stat).
 * @param {number} pid
 */
export function running(pid) {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * @param {number[]} xs
 * @returns {number}
 */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
