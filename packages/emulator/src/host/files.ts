// Files the emulator writes next to user data: the --data database (which holds the signing key and the
// bootstrap tokens) and its -wal/-shm/-journal files, checked to be this user's alone and made owner-only (issue 18
// rule 18), and files written without following a symlink planted at their path.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fchmodSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  realpathSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A file or folder the emulator will not use, and why: one line for the command line's error. */
export class DataFileError extends Error {}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function kind(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataFileError(`cannot inspect ${path}: ${message(e)}`, { cause: e });
  }
}

/**
 * The files SQLite opens beside the database: the WAL and its index (WAL mode), and a rollback journal, which SQLite
 * replays into the database when it finds one (so a planted one would write into it).
 */
export function sideFiles(path: string): string[] {
  return [`${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/**
 * Refuses (DataFileError, one line naming the file) a data file the emulator's user does not alone control: a folder
 * that other users may write to, unless it is sticky (as /tmp: they cannot then replace our files), and beside the
 * database a -wal, -shm or -journal file that is not a regular file (a symlink is not followed) or not owned by `uid`.
 * The database itself (followed if a symlink, as SQLite does) must be a regular file of `uid` when it exists.
 * Returns the path SQLite names its side files after (the real path of a symlinked database).
 */
export function checkDataFiles(path: string, uid: number): string {
  const db = lstatOrUndefined(path);
  const shared = checkFolder(dirname(path));
  const owned = (file: string, st: Stats): void => {
    if (st.uid !== uid)
      throw new DataFileError(`${file} belongs to uid ${st.uid}, not to this user (uid ${uid}): not using it`);
  };
  let base = path;
  if (db !== undefined) {
    // In a shared (sticky) folder the entry itself must be ours too: another user's symlink there is theirs to change.
    if (shared || !db.isSymbolicLink()) owned(path, db);
    let target: Stats;
    try {
      target = statSync(path);
      // SQLite resolves a symlinked database and keeps its -wal and -shm beside the real file.
      if (db.isSymbolicLink()) base = realpathSync(path);
    } catch (e) {
      throw new DataFileError(`cannot use the data file ${path}: ${message(e)}`, { cause: e });
    }
    if (!target.isFile()) throw new DataFileError(`the data file ${path} is ${kind(target)}, not a regular file`);
    owned(path, target);
    if (base !== path) checkFolder(dirname(base));
  }
  for (const side of sideFiles(base)) {
    const st = lstatOrUndefined(side);
    if (st === undefined) continue;
    if (!st.isFile())
      throw new DataFileError(`${side} is ${kind(st)}, not a regular file: not using it (remove it if it is stale)`);
    owned(side, st);
  }
  return base;
}

/** Refuses a folder other users may write to unless it is sticky; says whether it is shared (sticky and writable). */
function checkFolder(dir: string): boolean {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new DataFileError(`cannot use the data folder ${dir}: ${message(e)}`, { cause: e });
  }
  // Group-writable counts only for a group other than ours: under a umask of 002 (user private groups) a
  // project folder is 0775 with the user's own group, which lets no other user in.
  const ownGroup = typeof process.getgid === 'function' && st.gid === process.getgid();
  const shared = (st.mode & 0o002) !== 0 || ((st.mode & 0o020) !== 0 && !ownGroup);
  if (shared && (st.mode & 0o1000) === 0)
    throw new DataFileError(
      `the data folder ${dir} is writable by other users (mode ${octal(st.mode)}) and not sticky: ` +
        'they could plant or replace the database files (use a folder only you can write to)',
    );
  return shared;
}

/** Makes an existing file (opened without following a symlink) owner-only; a failure is an error, never ignored. */
function makeOwnerOnly(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw new DataFileError(`cannot open ${path}: ${message(e)}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DataFileError(`${path} is ${kind(st)}, not a regular file: not using it`);
    if ((st.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
  } catch (e) {
    if (e instanceof DataFileError) throw e;
    throw new DataFileError(`cannot make ${path} owner-only (0600): ${message(e)}`, { cause: e });
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` owner-only if nothing is there (never through a symlink); false when something already is. */
function createExclusive(path: string): boolean {
  try {
    closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new DataFileError(`cannot create ${path}: ${message(e)}`, { cause: e });
  }
}

/**
 * Before SQLite opens the database: checks the files (checkDataFiles), creates the database and its -wal and -shm
 * owner-only (0600) where they are missing, exclusively, so that no other user can create them first in a shared
 * folder, and makes existing ones 0600. Any failure is a DataFileError: nothing is silently left readable.
 */
export function prepareDataFile(path: string, uid: number = process.getuid?.() ?? -1): void {
  const base = uid >= 0 ? checkDataFiles(path, uid) : path;
  const db = lstatOrUndefined(path);
  if (db === undefined) {
    if (!createExclusive(path)) throw new DataFileError(`${path} appeared while starting: not using it`);
  } else {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR);
    } catch (e) {
      throw new DataFileError(`cannot open the data file: ${message(e)}`, { cause: e });
    }
    try {
      if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    } catch (e) {
      throw new DataFileError(`cannot make the data file ${path} owner-only (0600): ${message(e)}`, { cause: e });
    } finally {
      closeSync(fd);
    }
  }
  for (const side of [`${base}-wal`, `${base}-shm`]) if (!createExclusive(side)) makeOwnerOnly(side);
  const journal = `${base}-journal`;
  if (lstatOrUndefined(journal) !== undefined) makeOwnerOnly(journal);
  // Checked again now that the files exist: what was found is what SQLite will open.
  if (uid >= 0) checkDataFiles(path, uid);
}

/**
 * Writes `text` to `path` through a fresh file in the same folder (created exclusively, so it never follows a
 * symlink) renamed over `path` (which replaces a symlink there instead of writing through it).
 */
export function writeFileNoFollow(path: string, text: string, mode: number): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text, { mode, flag: 'wx' });
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new Error(`cannot write ${path}: ${message(e)}`, { cause: e });
  }
}
