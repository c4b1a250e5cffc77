// A JSON copy of what contexts.yml says, kept next to it (`.contexts.yml.cache.json`) and keyed by the file's exact
// text, so that commands which only read the contexts (every API call, `context ls`, `context get`) need not load and
// run the YAML parser, which is most of their start-up time. The copy is used only when it was made by this CLI
// version from byte-for-byte the text the file holds now, and only from a private regular file of the user's own;
// anything else is a miss and the file is parsed as usual. It holds what the contexts file holds (credentials
// included), so it is written like it: atomically, mode 0600. Writing it is best effort: a read-only home only costs
// the parse.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { VERSION } from '../version.js';
import type { QlikContext } from './schema.js';

const FORMAT = 1;
/** A larger copy is not worth reading: the contexts file itself is at most 1 MiB. */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

export interface ContextsContent {
  current: string;
  /** Contexts in file order. */
  contexts: [string, QlikContext][];
}

interface CacheFile extends ContextsContent {
  format: number;
  cli: string;
  file: string;
  text: string;
}

export function cachePathFor(contextsPath: string): string {
  return join(dirname(contextsPath), `.${basename(contextsPath)}.cache.json`);
}

/** Values that JSON gives back unchanged: no BigInt, -0, NaN, undefined, Map, Date or other class instances. */
function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonExact);
  if (typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v).every(jsonExact);
}

function isContent(v: unknown): v is ContextsContent {
  const c = v as Partial<ContextsContent> | null;
  return (
    typeof c?.current === 'string' &&
    Array.isArray(c.contexts) &&
    c.contexts.every(
      (e) =>
        Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[1] !== null && typeof e[1] === 'object',
    )
  );
}

/** The cached content for exactly `text`, or undefined (no copy, another text or version, not private, unreadable). */
export function readCachedContexts(contextsPath: string, text: string): Promise<ContextsContent | undefined> {
  let fd: number;
  try {
    // (Synchronous, like every read on the start-up path: node:fs/promises costs start-up time.)
    fd = openSync(
      cachePathFor(contextsPath),
      constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
    );
  } catch {
    return Promise.resolve(undefined);
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if (!st.isFile() || st.size > MAX_CACHE_BYTES || (st.mode & 0o077) !== 0 || (uid !== undefined && st.uid !== uid))
      return Promise.resolve(undefined);
    const parsed = JSON.parse(readFileSync(fd, 'utf8')) as Partial<CacheFile> | null;
    if (parsed?.format !== FORMAT || parsed.cli !== VERSION || parsed.file !== contextsPath || parsed.text !== text)
      return Promise.resolve(undefined);
    return Promise.resolve(isContent(parsed) ? { current: parsed.current, contexts: parsed.contexts } : undefined);
  } catch {
    return Promise.resolve(undefined);
  } finally {
    closeSync(fd);
  }
}

/** Keep a copy of what `text` says (best effort; nothing is written when JSON could not give the values back exactly). */
export async function writeCachedContexts(contextsPath: string, text: string, content: ContextsContent): Promise<void> {
  if (!jsonExact(content.contexts)) return;
  const file: CacheFile = { format: FORMAT, cli: VERSION, file: contextsPath, text, ...content };
  try {
    const { writeFileAtomic } = await import('../fsutil/atomic.js');
    // Not fsynced: a copy that a power loss cut short fails to parse or to match the file's text, and is a miss.
    await writeFileAtomic(cachePathFor(contextsPath), JSON.stringify(file), {
      mode: 0o600,
      followSymlink: false,
      durable: false,
    });
  } catch {
    // A read-only or full file system: the next run parses the file again.
  }
}
