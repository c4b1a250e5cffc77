// Files the emulator writes next to user data: the --data database (which holds the signing key and the
// bootstrap tokens) made owner-only, and files written without following a symlink planted at their path.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  fchmodSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Creates the database file owner-only (0600) before SQLite opens it, or makes an existing one 0600, and its
 * -wal and -shm files too where they exist. SQLite creates -wal and -shm with the database file's mode.
 */
export function prepareDataFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
  } catch (e) {
    throw new Error(`cannot open the data file: ${message(e)}`, { cause: e });
  }
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
  } catch (e) {
    throw new Error(`cannot make the data file ${path} owner-only (0600): ${message(e)}`, { cause: e });
  } finally {
    closeSync(fd);
  }
  for (const side of [`${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(side, 0o600);
    } catch {
      // not there (yet): SQLite will create it with the database file's mode
    }
  }
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
