// Who may change the files that hold credentials. Like ssh, the CLI warns (once per run, one line per problem) when
// the contexts file or its directory can be written by other users or belongs to someone else. (The CLI's own writes
// keep the `.qlik` directory private: ensurePrivateDir in atomic.ts.)
// (Synchronous stats: this runs on every command that reads the contexts, and node:fs/promises costs start-up time.)
import { lstatSync, realpathSync, statSync } from 'node:fs';
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
    out.push(
      `Warning: ${kind} ${path} is writable by other users (mode ${octal(st.mode)}); they could change where your credentials are sent. Fix: ${fix}`,
    );
  }
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
    out.push(
      `Warning: ${kind} ${path} belongs to another user (uid ${st.uid}); that user could change where your credentials are sent. Fix: move it away and create your own`,
    );
  }
  return out;
}

/** The real directory a symlinked directory points to, or undefined when `dir` is not a symlink. */
function linkTarget(dir: string): string | undefined {
  try {
    return lstatSync(dir).isSymbolicLink() ? realpathSync(dir) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Warnings for a credentials file and the directory it is in (empty on Windows, where modes mean little). A symlinked
 * directory (a dotfile manager's `~/.qlik`) is judged by the directory it points to, and by the directory holding the
 * link: whoever may write there may point the link elsewhere.
 */
export function permissionWarnings(file: string): Promise<string[]> {
  if (process.platform === 'win32') return Promise.resolve([]);
  const dir = dirname(file);
  const out = problems(file, 'file', `chmod 600 ${file}`);
  const real = linkTarget(dir);
  if (real === undefined) out.push(...problems(dir, 'directory', `chmod 700 ${dir}`));
  else {
    const parent = dirname(dir);
    out.push(
      ...problems(real, 'directory', `chmod 700 ${real}`),
      ...problems(parent, 'directory', `chmod go-w ${parent}`),
    );
  }
  return Promise.resolve(out);
}
