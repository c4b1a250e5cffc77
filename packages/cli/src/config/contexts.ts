// The contexts file (~/.qlik/contexts.yml), shared with Qlik's Go `qlik` CLI: where it is, reading it (a snapshot),
// and changing it (a transaction: a cross-process lock, read, edit through the Document API, validate, and an atomic
// replace of the file, only when something changed).
import type { Document, ToStringOptions } from 'yaml';
import { CliError, ConfigError } from '../errors/errors.js';
import { removeStaleTempFiles, writeFileAtomic } from '../fsutil/atomic.js';
import { ensurePrivateDir, permissionWarnings } from '../fsutil/perms.js';
import { type FileLockOptions, withFileLock } from '../fsutil/lock.js';
import { describeFsError, MAX_FILE_BYTES, readTextFile, type TextFile } from '../fsutil/readfile.js';
import { contextsMapOf, contextToObject, currentOf, EditableContexts, type ContextsDocument } from './document.js';
import { Nodes } from './nodes.js';
import type { QlikContext } from './schema.js';
import { CONTEXTS_KEY, CURRENT_KEY, findProblem, parseContexts, parseOptions, type ParsedContexts } from './validate.js';
import { loadYaml } from './yaml.js';

export type { ContextsDocument } from './document.js';
export type { QlikContext } from './schema.js';
export { contextsFilePath } from './paths.js';

/** A read-only view of the contexts file. */
export interface ContextsSnapshot {
  path: string;
  exists: boolean;
  /** The current context's name; "" when none. */
  current: string;
  /** Context names in file order. */
  names(): string[];
  /** A copy of the context's fields; undefined when there is no such context. */
  get(name: string): QlikContext | undefined;
  /** One line per problem with who may change the file or its directory (as ssh warns). */
  warnings: string[];
}

/** Files larger than this are refused. */
export const MAX_CONTEXTS_FILE_BYTES = MAX_FILE_BYTES;

/** The contexts file, read strictly: invalid UTF-8 is an error rather than silently replaced. */
function loadFile(path: string): Promise<TextFile> {
  return readTextFile(path, path, { strictUtf8: true });
}

function makeSnapshot(
  n: Nodes | undefined,
  path: string,
  exists: boolean,
  doc: Document | undefined,
  warnings: string[] = [],
): ContextsSnapshot {
  const contexts = new Map<string, QlikContext>();
  const map = n === undefined || doc === undefined ? undefined : contextsMapOf(n, doc);
  if (n !== undefined && doc !== undefined && map !== undefined) {
    for (const p of map.items) {
      const name = n.keyName(p.key);
      if (name !== undefined) contexts.set(name, contextToObject(n, doc, p.value));
    }
  }
  const current = n === undefined || doc === undefined ? '' : currentOf(n, doc);
  return {
    path,
    exists,
    current,
    names: () => [...contexts.keys()],
    get: (name) => {
      const c = contexts.get(name);
      return c === undefined ? undefined : structuredClone(c);
    },
    warnings,
  };
}

/**
 * Read and validate the contexts file. A missing file is an empty snapshot (`exists: false`); anything wrong with the
 * file is a ConfigError. Never modifies the file.
 */
export async function readContexts(path: string): Promise<ContextsSnapshot> {
  const loaded = await loadFile(path);
  if (!loaded.exists) return makeSnapshot(undefined, path, false, undefined);
  const n = new Nodes(await loadYaml());
  const { doc } = parseContexts(n, path, loaded.text);
  return makeSnapshot(n, path, true, doc, await permissionWarnings(path));
}

/** How the document is written back: keep the file's indentation, never fold long lines (tokens). */
function stringifyOptions(n: Nodes, parsed: ParsedContexts | undefined): ToStringOptions {
  let indent = 2;
  if (parsed !== undefined) {
    const root = n.rootMap(parsed.doc);
    const contexts = contextsMapOf(n, parsed.doc);
    const rootKey = root?.items[0]?.key;
    const firstKey = contexts !== undefined && !contexts.flow ? contexts.items[0]?.key : undefined;
    const a = n.offset(rootKey);
    const b = n.offset(firstKey);
    if (a !== undefined && b !== undefined) {
      const diff = parsed.lineCounter.linePos(b).col - parsed.lineCounter.linePos(a).col;
      if (diff >= 1 && diff <= 8) indent = diff;
    }
  }
  return { indent, lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false };
}

function render(doc: Document, opts: ToStringOptions, crlf: boolean): string {
  const text = doc.toString(opts);
  return crlf ? text.replace(/\r?\n/g, '\r\n') : text;
}

/**
 * Read-modify-write the contexts file under a cross-process lock. A broken file is reported (ConfigError) and left
 * alone; a missing file is created (in a 0700 directory). The file is rewritten atomically (0600), and only if
 * `mutate` changed the document. If `mutate` throws, nothing is written.
 */
export async function updateContexts<T>(
  path: string,
  mutate: (doc: ContextsDocument) => T | Promise<T>,
  lockOptions: FileLockOptions = {},
): Promise<T> {
  const n = new Nodes(await loadYaml());
  return withFileLock(
    path,
    async () => {
      const loaded = await loadFile(path);
      const parsed = loaded.exists ? parseContexts(n, path, loaded.text) : undefined;
      const doc = parsed?.doc ?? n.Y.parseDocument(`${CURRENT_KEY}: ""\n${CONTEXTS_KEY}: {}\n`, parseOptions(n.Y));
      const opts = stringifyOptions(n, parsed);
      const crlf = parsed?.crlf ?? false;
      // The text before the first change, rendered the same way as the result, so that formatting yaml would
      // normalize (spacing, indentation) never counts as a change. Read-only callbacks cost nothing.
      let before: string | undefined;
      const editable = new EditableContexts(n, path, doc, () => {
        if (parsed !== undefined) before = render(doc, opts, crlf);
      });
      let result: T;
      try {
        result = await mutate(editable);
      } finally {
        editable.close();
      }

      let after: string | undefined;
      if (parsed === undefined || editable.changed) {
        const p = findProblem(n, doc);
        if (p !== undefined) throw new CliError(`Refusing to write ${path}: ${p.message}`);
        after = render(doc, opts, crlf);
        if (after === before) after = undefined;
      }
      if (after !== undefined) {
        try {
          await ensurePrivateDir(path);
          await writeFileAtomic(path, after, { mode: 0o600 });
        } catch (err) {
          throw new ConfigError(`${path}: cannot write: ${describeFsError(err)}`);
        }
      }
      await removeStaleTempFiles(path);
      return result;
    },
    lockOptions,
  );
}
