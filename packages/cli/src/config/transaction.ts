// Changing the contexts file: a transaction (a cross-process lock, read, edit through yaml's Document API, validate,
// and an atomic replace of the file, only when something changed). Loaded only by the commands that write, so that
// reading the contexts never loads the lock and write machinery.
import type { Document, ToStringOptions } from 'yaml';
import { CliError } from '../errors/errors.js';
import { type FileLockOptions, withFileLock } from '../fsutil/lock.js';
import { contentOf, loadFile } from './contexts.js';
import { contextsMapOf, EditableContexts, type ContextsDocument } from './document.js';
import { Nodes } from './nodes.js';
import {
  CONTEXTS_KEY,
  CURRENT_KEY,
  findProblem,
  parseContexts,
  parseOptions,
  type ParsedContexts,
} from './validate.js';
import { removeContextsTempFiles, writeContextsText } from './write.js';
import { loadYaml } from './yaml.js';

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
      if (after !== undefined) await writeContextsText(path, after, () => contentOf(n, doc));
      removeContextsTempFiles(path);
      return result;
    },
    lockOptions,
  );
}
