// Crash-safe file replacement: write a private temp file next to the target, fsync it, rename it over
// the target, fsync the directory. A reader (or a process killed at any moment) sees either the old
// file or the complete new one, never a partial or empty file.
//
// The system calls are synchronous (the functions stay async for their callers): the files are small and local, a
// command has nothing else to do while it writes them, and each node:fs/promises call costs a trip through libuv's
// thread pool besides loading node:fs/promises (a rotate's first lock and journal write took 5-7 ms that way on this
// machine, 3-4 ms with these calls). The order of the calls, and so what a crash can leave, is the same.

import {
  chmodSync,
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { errorCode } from '../errors/errors.js';
import { randomBytes } from './random.js';

export interface WriteFileAtomicOptions {
  /** Permission bits of the written file; default 0o600. Applied explicitly, so the umask does not matter. */
  mode?: number;
  /**
   * Whether a symlink at `path` is written through to the file it points to (default, keeps dotfile symlinks) or
   * replaced itself (false: for files the CLI alone makes, where a planted link must not redirect the write).
   */
  followSymlink?: boolean;
  /**
   * Whether the new file must survive a power loss (default true): the file and then its directory are fsynced. A
   * file that only saves work and checks itself when read (the JSON copy of the contexts, the key-expiry record) skips
   * both (each costs about a millisecond); it is still replaced atomically, so no reader sees a partial one.
   */
  durable?: boolean;
}

/**
 * Create `dir` (and missing parents) with mode 0700. Directories this call creates are chmod'ed to 0700
 * explicitly because mkdir's mode is filtered by the umask; directories that already existed are left alone.
 */
export function ensureDir(dir: string): void {
  const target = resolve(dir);
  const first = mkdirSync(target, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  // `first` is the outermost directory that was created; fix every level from there down to `target`.
  let current = resolve(first);
  chmodSync(current, 0o700);
  const rest = relative(current, target);
  if (rest === '') return;
  for (const part of rest.split(sep)) {
    current = join(current, part);
    chmodSync(current, 0o700);
  }
}

function tempPrefix(target: string): string {
  return `.${basename(target)}.`;
}

/** The temp-file name used for `target`: `.<name>.<pid>.<random>.tmp` in the same directory. */
async function tempPathFor(target: string): Promise<string> {
  return join(dirname(target), `${tempPrefix(target)}${process.pid}.${(await randomBytes(6)).toString('hex')}.tmp`);
}

/** If `path` is a symlink to an existing file, write through to the real file (keeps dotfile symlinks). */
function resolveTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return resolve(path);
    throw err;
  }
}

/**
 * Atomically replace `path` with `data` (UTF-8).
 *
 * The temp file is created with O_CREAT|O_EXCL ('wx'), which fails instead of following a symlink planted
 * at the temp path. On any error the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = opts.mode ?? 0o600;
  ensureDir(dirname(resolve(path)));
  const target = opts.followSymlink === false ? resolve(path) : resolveTarget(path);
  const tmp = await tempPathFor(target);
  const fd = openSync(tmp, 'wx', mode);
  let closed = false;
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    // Explicit chmod: the mode given to open() is filtered by the umask. Before fsync, so it is durable too.
    fchmodSync(fd, mode);
    if (opts.durable !== false) fsyncSync(fd);
    closed = true;
    closeSync(fd);
    await renameOver(tmp, target);
  } catch (err) {
    if (!closed) closeQuietly(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or gone already.
    }
    throw err;
  }
  if (opts.durable !== false) fsyncDir(dirname(target));
}

/** How long, on Windows, a rename waits for another program to close the file it would replace. */
const WINDOWS_RENAME_WAIT_MS = 5_000;

/**
 * rename(2): on POSIX it replaces the target atomically whoever has it open. Windows (libuv's MoveFileExW with
 * MOVEFILE_REPLACE_EXISTING) refuses while another process has the target open without FILE_SHARE_DELETE (an editor,
 * a virus scanner, an indexer or backup service, a program that locks its file): EPERM, EACCES or EBUSY. Such holds
 * are mostly short, so on Windows the rename is tried again with backoff for up to WINDOWS_RENAME_WAIT_MS; the target
 * stays the old file meanwhile (readers never see a partial one). After that the error says who is in the way.
 */
async function renameOver(from: string, to: string): Promise<void> {
  if (process.platform !== 'win32') return renameSync(from, to);
  const deadline = Date.now() + WINDOWS_RENAME_WAIT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
    try {
      return renameSync(from, to);
    } catch (err) {
      const code = errorCode(err);
      if (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY') throw err;
      if (Date.now() >= deadline) {
        throw new Error(
          `another program has ${to} open and Windows does not let it be replaced (${code}); close that program and try again`,
          { cause: err },
        );
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closing after a failed write: the error that matters is already being thrown.
  }
}

/** Best-effort fsync of a directory so the rename itself is durable (not supported everywhere). */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    // Some platforms and file systems refuse to open directories; durability is then best effort.
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Or to fsync them.
  } finally {
    closeQuietly(fd);
  }
}

/** True when a process with this pid exists on this machine (EPERM means it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== 'ESRCH';
  }
}

/**
 * Remove temp files that writeFileAtomic(path) left behind when its process was killed (kill -9, power
 * loss). Only call this while holding the lock that serializes writers of `path`. Best effort.
 */
export function removeStaleTempFiles(path: string, maxAgeMs = 60_000): void {
  let target: string;
  try {
    target = resolveTarget(path);
  } catch {
    target = resolve(path);
  }
  const dir = dirname(target);
  const prefix = tempPrefix(target);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    const full = join(dir, entry);
    try {
      const st = statSync(full);
      if (!st.isFile()) continue;
      if (!pidAlive(pid) || now - st.mtimeMs > maxAgeMs) unlinkSync(full);
    } catch {
      // Gone already or not ours to remove.
    }
  }
}

/**
 * Create the directory of `file` if needed (0700), and make an existing `.qlik` directory of ours private again.
 * Only a directory named `.qlik` is tightened: QLIK_CLI_USER_HOME_DIR may name a file in a shared directory.
 */
export function ensurePrivateDir(file: string): void {
  const dir = dirname(file);
  ensureDir(dir);
  if (process.platform === 'win32' || basename(dir) !== '.qlik') return;
  try {
    const st = lstatSync(dir);
    if (st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}
