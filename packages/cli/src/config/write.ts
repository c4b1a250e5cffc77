// Replacing the contexts file's text: the one way both transaction.ts (an edit through yaml) and token-swap.ts (a
// rotation's token swapped in place) write it, always under the contexts lock that the caller holds.
import { ConfigError } from '../errors/errors.js';
import { ensurePrivateDir, removeStaleTempFiles, writeFileAtomic } from '../fsutil/atomic.js';
import { permissionWarnings } from '../fsutil/perms.js';
import { describeFsError } from '../fsutil/readfile.js';
import { cachePathFor, writeCachedContexts, type ContextsContent } from './cache.js';

/**
 * Write `text` over the contexts file (atomically, 0600, in a private directory; a failure is one ConfigError line),
 * then its JSON copy with `content` (what `text` says), unless others could write there.
 */
export async function writeContextsText(path: string, text: string, content: () => ContextsContent): Promise<void> {
  try {
    ensurePrivateDir(path);
    await writeFileAtomic(path, text, { mode: 0o600 });
  } catch (err) {
    throw new ConfigError(`${path}: cannot write: ${describeFsError(err)}`);
  }
  // The next read finds the JSON copy of what was just written (unless others could write here).
  if ((await permissionWarnings(path)).length === 0) await writeCachedContexts(path, text, content());
}

/** What killed writers of the contexts file and of its JSON copy left behind (under the lock). */
export function removeContextsTempFiles(path: string): void {
  removeStaleTempFiles(path);
  removeStaleTempFiles(cachePathFor(path));
}
