// Who may change the files that hold credentials. Like ssh, the CLI warns (once per run, one line per problem) when
// the contexts file or its directory can be written by other users or belongs to someone else, and its own writes
// keep the `.qlik` directory private (0700).
import { chmod, lstat, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { errorCode } from '../errors/errors.js';
import { ensureDir } from './atomic.js';

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

async function problems(path: string, kind: 'file' | 'directory', fix: string): Promise<string[]> {
  let st;
  try {
    st = kind === 'file' ? await stat(path) : await lstat(path);
  } catch {
    return [];
  }
  const out: string[] = [];
  const uid = process.getuid?.();
  // A sticky, world-writable directory (/tmp) does not let others replace files they do not own.
  const sticky = kind === 'directory' && (st.mode & 0o1000) !== 0;
  if ((st.mode & 0o022) !== 0 && !sticky) {
    out.push(`Warning: ${kind} ${path} is writable by other users (mode ${octal(st.mode)}); they could change where your credentials are sent. Fix: ${fix}`);
  }
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
    out.push(`Warning: ${kind} ${path} belongs to another user (uid ${st.uid}); that user could change where your credentials are sent. Fix: move it away and create your own`);
  }
  return out;
}

/** Warnings for a credentials file and the directory it is in (empty on Windows, where modes mean little). */
export async function permissionWarnings(file: string): Promise<string[]> {
  if (process.platform === 'win32') return [];
  const dir = dirname(file);
  return [...(await problems(file, 'file', `chmod 600 ${file}`)), ...(await problems(dir, 'directory', `chmod 700 ${dir}`))];
}

/**
 * Create the directory of `file` if needed (0700), and make an existing `.qlik` directory of ours private again.
 * Only a directory named `.qlik` is tightened: QLIK_CLI_USER_HOME_DIR may name a file in a shared directory.
 */
export async function ensurePrivateDir(file: string): Promise<void> {
  const dir = dirname(file);
  await ensureDir(dir);
  if (process.platform === 'win32' || basename(dir) !== '.qlik') return;
  try {
    const st = await lstat(dir);
    if (st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) !== 0) await chmod(dir, 0o700);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}
