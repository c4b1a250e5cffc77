// A cross-process advisory lock for read-modify-write cycles on one file (the contexts file).
//
// Layout: the lock for `<file>` is the directory `<file>.lock`, which always contains exactly one file,
// `owner.<token>`, holding `{"pid","host","time"}`. A lock directory is never observable without its
// owner file, because it is built under a private temp name and then published with rename(2):
//
//   acquire  mkdir `<file>.lock.<pid>.<rand>.tmp`, write owner.<token> in it, rename it to `<file>.lock`.
//            rename(dir, existing non-empty dir) fails (ENOTEMPTY/EEXIST), so exactly one contender wins;
//            an empty leftover `<file>.lock` is atomically replaced.
//   release  unlink `<file>.lock/owner.<token>` (only ever our own token), then rmdir `<file>.lock`
//            (rmdir fails harmlessly if a new owner already published a lock there).
//   steal    when the owner's pid is dead (same host) or the owner file has not been touched for staleMs:
//            unlink that exact `owner.<token>` (ENOENT if it changed hands meanwhile: nothing is taken
//            from the new owner), then rmdir. Stealing never removes a lock other than the stale one.
//   heartbeat  the holder touches its owner file every staleMs/3, so a long critical section (an OAuth
//            login, a slow network call) is not mistaken for a stale lock while the holder is alive.
//   wait     retry with jittered exponential backoff (2 ms up to 100 ms). The timeout counts how long the
//            same owner has held the lock, so a long queue of processes that keeps making progress is
//            waited out, while a wedged holder is reported after timeoutMs.
//
// The system calls are synchronous (as in atomic.ts): taking and releasing the lock are a handful of calls on a local
// directory, and each node:fs/promises call would cost a trip through libuv's thread pool. Only the waits between
// attempts yield to the event loop.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, ConfigError, errorCode } from '../errors/errors.js';
import { ensureDir, pidAlive } from './atomic.js';
import { randomBytes } from './random.js';
import { describeFsError } from './readfile.js';

export interface FileLockOptions {
  /** Give up when one and the same owner has held the lock this long (default 10 s). */
  timeoutMs?: number;
  /** A lock whose owner has not refreshed it for this long is taken over (default 30 s). */
  staleMs?: number;
}

interface OwnerInfo {
  pid: number;
  host: string;
  time: number;
}

const OWNER_PREFIX = 'owner.';
/**
 * Longest sleep between two attempts. Waiters poll with jittered exponential backoff (2 ms, 3 ms, ...):
 * with many waiters one of them retries within a few ms of a release, without waking all of them.
 */
const MAX_POLL_MS = 100;
/** How often a waiting process re-reads the owner to check whether the lock is stale. */
const INSPECT_INTERVAL_MS = 200;

function isHeldError(err: unknown): boolean {
  const code = errorCode(err);
  // POSIX reports ENOTEMPTY or EEXIST; Windows cannot rename onto any existing directory (EPERM).
  return code === 'ENOTEMPTY' || code === 'EEXIST' || (code === 'EPERM' && process.platform === 'win32');
}

function parseOwner(text: string): OwnerInfo | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string' || typeof o.time !== 'number') return undefined;
    return { pid: o.pid, host: o.host, time: o.time };
  } catch {
    return undefined;
  }
}

type Inspection =
  | { state: 'free' }
  | { state: 'empty' }
  | { state: 'held'; token: string; owner: OwnerInfo | undefined }
  | { state: 'stale'; ownerFile: string; owner: OwnerInfo | undefined }
  | { state: 'foreign' };

/** Look at the current lock directory and decide whether it is free, validly held, or stale. */
function inspect(lockDir: string, staleMs: number): Inspection {
  let entries: string[];
  try {
    entries = readdirSync(lockDir);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') return { state: 'free' };
    if (code === 'ENOTDIR') return { state: 'foreign' };
    throw err;
  }
  const ownerName = entries.find((e) => e.startsWith(OWNER_PREFIX));
  if (ownerName === undefined) {
    // An empty directory is a leftover of an interrupted release or steal: nobody holds it.
    return entries.length === 0 ? { state: 'empty' } : { state: 'foreign' };
  }
  const ownerFile = join(lockDir, ownerName);
  let owner: OwnerInfo | undefined;
  let mtimeMs: number;
  try {
    owner = parseOwner(readFileSync(ownerFile, 'utf8'));
    mtimeMs = statSync(ownerFile).mtimeMs;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { state: 'free' }; // released meanwhile; just retry
    throw err;
  }
  const deadOwner = owner !== undefined && owner.host === hostname() && !pidAlive(owner.pid);
  const expired = Date.now() - mtimeMs > staleMs;
  if (deadOwner || expired) return { state: 'stale', ownerFile, owner };
  return { state: 'held', token: ownerName, owner };
}

/** rmdir, which fails harmlessly when the directory is not empty (a new owner published a lock there) or gone. */
function removeDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty or not there: nothing of ours to remove.
  }
}

/** rm -rf of one of our own temp lock directories (best effort). */
function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Left for the next sweep.
  }
}

/** Remove our temp lock directories that a killed process left behind (best effort). */
function sweepTempDirs(lockDir: string): void {
  const dir = dirname(lockDir);
  const prefix = `${basename(lockDir)}.`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    removeTree(join(dir, entry));
  }
}

/**
 * Run `fn` while holding an exclusive cross-process lock on `path` (the lock is `path + '.lock'`).
 * Not re-entrant: a nested call for the same path waits for the outer one and times out.
 */
export async function withFileLock<T>(path: string, fn: () => T | Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleMs = opts.staleMs ?? 30_000;
  const lockDir = `${resolve(path)}.lock`;
  const token = `${process.pid}.${(await randomBytes(8)).toString('hex')}`;
  const ownerName = `${OWNER_PREFIX}${token}`;
  const ownerFile = join(lockDir, ownerName);

  try {
    ensureDir(dirname(lockDir));
  } catch (err) {
    throw new ConfigError(`${dirname(lockDir)}: cannot create directory: ${describeFsError(err)}`);
  }

  const tmpDir = `${lockDir}.${process.pid}.${(await randomBytes(6)).toString('hex')}.tmp`;
  const prepare = (): void => {
    mkdirSync(tmpDir, { mode: 0o700 });
    const info: OwnerInfo = { pid: process.pid, host: hostname(), time: Date.now() };
    writeFileSync(join(tmpDir, ownerName), `${JSON.stringify(info)}\n`, { flag: 'wx', mode: 0o600 });
  };

  // The timeout measures how long one and the same owner has kept the lock: a long queue of processes
  // that keeps handing the lock over is progress, not a wedged lock, and is waited out.
  let deadline = Date.now() + timeoutMs;
  let lastToken: string | undefined;
  let attempt = 0;
  let lastOwner: OwnerInfo | undefined;
  let prepared = false;
  let touchedAt = 0;
  let inspectedAt = -Infinity;
  try {
    for (;;) {
      if (!prepared) {
        prepare();
        prepared = true;
        touchedAt = Date.now();
      }
      try {
        // The age of a lock counts from its owner file's mtime: keep the prepared file fresh while waiting.
        if (Date.now() - touchedAt > staleMs / 4) {
          const now = new Date();
          utimesSync(join(tmpDir, ownerName), now, now);
          touchedAt = now.getTime();
        }
        renameSync(tmpDir, lockDir);
        prepared = false;
        break;
      } catch (err) {
        if (errorCode(err) === 'ENOENT') {
          // Our temp directory was swept (it looked abandoned): build it again.
          prepared = false;
          rmSync(tmpDir, { recursive: true, force: true });
          continue;
        }
        if (!isHeldError(err)) throw err;
      }

      // Looking at the owner costs a few system calls; with many waiters, do it now and then, not on
      // every wake-up (a dead owner is still noticed within INSPECT_INTERVAL_MS).
      if (Date.now() - inspectedAt >= INSPECT_INTERVAL_MS) {
        inspectedAt = Date.now();
        const seen = inspect(lockDir, staleMs);
        if (seen.state === 'free') continue;
        if (seen.state === 'empty') {
          // POSIX rename replaces an empty directory, Windows does not: remove it (rmdir only removes it
          // while it is still empty, so a lock published meanwhile is safe).
          removeDir(lockDir);
          continue;
        }
        if (seen.state === 'foreign') {
          throw new ConfigError(`${lockDir}: exists but is not a lock created by this program; remove it`);
        }
        if (seen.state === 'stale') {
          // Remove exactly the stale owner's file; if the lock changed hands meanwhile this fails with
          // ENOENT and the new owner is untouched.
          try {
            unlinkSync(seen.ownerFile);
            removeDir(lockDir);
          } catch (err) {
            if (errorCode(err) !== 'ENOENT') throw err;
          }
          continue;
        }
        lastOwner = seen.owner;
        if (seen.token !== lastToken) {
          if (lastToken !== undefined) deadline = Date.now() + timeoutMs;
          lastToken = seen.token;
        }
      }
      if (Date.now() >= deadline) {
        const holder = lastOwner === undefined ? '' : ` (held by pid ${lastOwner.pid} on ${lastOwner.host})`;
        throw new CliError(
          `Timed out after ${Math.round(timeoutMs / 100) / 10}s waiting for the lock ${lockDir}${holder}; ` +
            `if no qlik command is running, remove ${lockDir}`,
        );
      }
      attempt++;
      const base = Math.min(MAX_POLL_MS, 2 * 1.5 ** attempt);
      const delay = base * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(delay, deadline - Date.now()))));
    }
  } catch (err) {
    if (prepared) removeTree(tmpDir);
    if (err instanceof CliError) throw err;
    throw new ConfigError(`${lockDir}: cannot take the lock: ${describeFsError(err)}`);
  }

  sweepTempDirs(lockDir);

  const heartbeatMs = Math.max(10, Math.floor(staleMs / 3));
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(ownerFile, now, now);
    } catch {
      // Released meanwhile, or the directory went away: the next release says nothing either.
    }
  }, heartbeatMs);
  heartbeat.unref();

  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    try {
      unlinkSync(ownerFile);
    } catch {
      // Taken over as stale meanwhile: that owner file is gone, and the lock is no longer ours to remove.
    }
    removeDir(lockDir);
  }
}
