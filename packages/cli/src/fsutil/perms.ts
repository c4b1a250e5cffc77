// Who may change the files that hold credentials. Like ssh, the CLI warns (once per run, one line per problem) when
// the contexts file or its directory can be written by other users or belongs to someone else. (The CLI's own writes
// keep the `.qlik` directory private: ensurePrivateDir in atomic.ts.)
// (Synchronous stats: this runs on every command that reads the contexts, and node:fs/promises costs start-up time.)
import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

function problems(path: string, kind: 'file' | 'directory', fix: string): string[] {
  let st;
  try {
    st = kind === 'file' ? statSync(path) : lstatSync(path);
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
export function permissionWarnings(file: string): Promise<string[]> {
  if (process.platform === 'win32') return Promise.resolve([]);
  const dir = dirname(file);
  return Promise.resolve([...problems(file, 'file', `chmod 600 ${file}`), ...problems(dir, 'directory', `chmod 700 ${dir}`)]);
}
