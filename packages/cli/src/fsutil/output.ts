// Writing an output file the user named (`raw --output-file`): a regular file or a new path is replaced atomically
// (temp file, fsync, rename; 0600), but a path that exists and is not a regular file — a character or block device
// (`/dev/null`), a FIFO, a socket, `/dev/stdout`, or a symlink to one — is opened and written in place, as a shell's
// `>` would: renaming a file over `/dev/null` would break every other program that writes there. A directory is
// refused.
import { open, stat } from 'node:fs/promises';
import { errorCode } from '../errors/errors.js';
import { writeFileAtomic } from './atomic.js';

class OutputPathError extends Error {}

/** Checked before any request: why `path` cannot be written (a directory), or undefined. */
export async function outputPathProblem(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).isDirectory()) return 'is a directory';
  } catch {
    // Missing (it will be created) or unreadable (the write says why).
  }
  return undefined;
}

export async function writeOutputFile(path: string, data: Uint8Array): Promise<void> {
  let st;
  try {
    st = await stat(path); // follows symlinks: /dev/stdout → /proc/self/fd/1 → the pipe
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
    await writeFileAtomic(path, data, { mode: 0o600 });
    return;
  }
  if (st.isDirectory()) throw new OutputPathError('is a directory');
  if (st.isFile()) {
    await writeFileAtomic(path, data, { mode: 0o600 });
    return;
  }
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
