// The contexts file (~/.qlik/contexts.yml), shared with Qlik's Go `qlik` CLI: where it is and reading it (a snapshot;
// from the JSON copy of cache.ts when it matches the file's text). Changing it is transaction.ts, loaded only by the
// commands that write.
import type { Document } from 'yaml';
import { permissionWarnings } from '../fsutil/perms.js';
import { readTextFile, type TextFile } from '../fsutil/readfile.js';
import { readCachedContexts, writeCachedContexts, type ContextsContent } from './cache.js';
import { contextsMapOf, contextToObject, currentOf } from './document.js';
import { Nodes } from './nodes.js';
import { normalName, type QlikContext } from './schema.js';
import { parseContexts } from './validate.js';
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

/** The contexts file, read strictly: invalid UTF-8 is an error rather than silently replaced. */
export function loadFile(path: string): Promise<TextFile> {
  return readTextFile(path, path, { strictUtf8: true });
}

/** What a parsed document says: the current context and each context's fields, in file order. */
export function contentOf(n: Nodes, doc: Document): ContextsContent {
  const contexts: [string, QlikContext][] = [];
  for (const p of contextsMapOf(n, doc)?.items ?? []) {
    const name = n.keyName(p.key);
    if (name !== undefined) contexts.push([name, contextToObject(n, doc, p.value)]);
  }
  return { current: currentOf(n, doc), contexts };
}

function makeSnapshot(path: string, content: ContextsContent | undefined, warnings: string[] = []): ContextsSnapshot {
  const contexts = new Map(content?.contexts ?? []);
  return {
    path,
    exists: content !== undefined,
    current: content?.current ?? '',
    names: () => [...contexts.keys()],
    get: (name) => {
      const c = contexts.get(name) ?? [...contexts].find(([k]) => normalName(k) === normalName(name))?.[1];
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
  if (!loaded.exists) return makeSnapshot(path, undefined);
  const warnings = await permissionWarnings(path);
  // Where others could write, only the file itself is believed.
  const cacheable = warnings.length === 0;
  const cached = cacheable ? await readCachedContexts(path, loaded.text) : undefined;
  if (cached !== undefined) return makeSnapshot(path, cached, warnings);
  const n = new Nodes(await loadYaml());
  const content = contentOf(n, parseContexts(n, path, loaded.text).doc);
  if (cacheable) await writeCachedContexts(path, loaded.text, content);
  return makeSnapshot(path, content, warnings);
}
