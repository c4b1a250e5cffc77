// Parsing contexts.yml strictly: YAML errors and structural problems are reported as one
// `<path>:<line>:<col>: <problem>` line, checked against the field table of schema.ts.
import type { Document, LineCounter, ScalarTag, Tags } from 'yaml';
import { ConfigError } from '../errors/errors.js';
import { Nodes } from './nodes.js';
import { fieldKind } from './schema.js';
import type { YamlModule } from './yaml.js';

export const CURRENT_KEY = 'current-context';
export const CONTEXTS_KEY = 'contexts';

interface Problem {
  node: unknown;
  message: string;
}

function problem(node: unknown, message: string): Problem {
  return { node, message };
}

function checkContext(n: Nodes, name: string, key: unknown, ctx: unknown): Problem | undefined {
  const Y = n.Y;
  if (Y.isAlias(ctx)) return problem(ctx, `context '${name}': aliases are not supported here`);
  if (!Y.isMap(ctx)) return problem(n.locate(key, ctx), `context '${name}' must be a map, not ${n.describe(ctx)}`);
  for (const pair of ctx.items) {
    const field = n.keyName(pair.key);
    if (field === undefined) continue; // an unusual key this CLI does not know: kept as is
    const value = pair.value;
    if (n.isNull(value)) continue;
    const where = n.locate(pair.key, value);
    switch (fieldKind(field)) {
      case 'string':
        if (!Y.isScalar(value) || typeof value.value !== 'string' || n.isTagged(value)) {
          return problem(where, `context '${name}': '${field}' must be a string, not ${n.describe(value)}`);
        }
        break;
      case 'bool':
        if (!Y.isScalar(value) || typeof value.value !== 'boolean') {
          return problem(where, `context '${name}': '${field}' must be true or false, not ${n.describe(value)}`);
        }
        break;
      case 'headers': {
        if (!Y.isMap(value))
          return problem(where, `context '${name}': 'headers' must be a map of header names to strings`);
        const seen = new Set<string>();
        for (const h of value.items) {
          const header = n.keyName(h.key);
          if (header === undefined) return problem(h.key, `context '${name}': header names must be strings`);
          if (seen.has(header)) return problem(h.key, `context '${name}': duplicate header '${header}'`);
          seen.add(header);
          if (!Y.isScalar(h.value) || typeof h.value.value !== 'string' || n.isTagged(h.value)) {
            return problem(
              n.locate(h.key, h.value),
              `context '${name}': header '${header}' must be a string, not ${n.describe(h.value)}`,
            );
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

/** The first thing wrong with the document's structure, or undefined. */
export function findProblem(n: Nodes, doc: Document): Problem | undefined {
  const Y = n.Y;
  const root = doc.contents;
  if (n.isNull(root)) return undefined;
  if (Y.isAlias(root)) return problem(root, 'aliases are not supported here');
  if (!Y.isMap(root)) return problem(root, `the top level must be a map, not ${n.describe(root)}`);
  for (const pair of root.items) {
    const key = n.keyName(pair.key);
    const value = pair.value;
    const where = n.locate(pair.key, value);
    if (key === CURRENT_KEY) {
      if (n.isNull(value)) continue;
      if (!Y.isScalar(value) || typeof value.value !== 'string')
        return problem(where, `'${CURRENT_KEY}' must be a string, not ${n.describe(value)}`);
    } else if (key === CONTEXTS_KEY) {
      if (n.isNull(value)) continue;
      if (Y.isAlias(value)) return problem(value, `'${CONTEXTS_KEY}': aliases are not supported here`);
      if (!Y.isMap(value))
        return problem(where, `'${CONTEXTS_KEY}' must be a map of context names to contexts, not ${n.describe(value)}`);
      const seen = new Set<string>();
      for (const ctxPair of value.items) {
        const name = n.keyName(ctxPair.key);
        if (name === undefined) return problem(ctxPair.key, 'context names must be strings');
        if (seen.has(name)) return problem(ctxPair.key, `duplicate context '${name}'`);
        seen.add(name);
        const p = checkContext(n, name, ctxPair.key, ctxPair.value);
        if (p !== undefined) return p;
      }
    }
  }
  return undefined;
}

export function positioned(
  path: string,
  lc: LineCounter | undefined,
  offset: number | undefined,
  message: string,
): string {
  const oneLine = message.replace(/\s*\n\s*/g, ' ').trim();
  if (lc !== undefined && offset !== undefined) {
    const { line, col } = lc.linePos(offset);
    if (line > 0) return `${path}:${line}:${col}: ${oneLine}`;
  }
  return `${path}: ${oneLine}`;
}

/** Tags whose resolved value would not stringify back to the same text: kept as their source strings. */
const VERBATIM_TAGS = ['tag:yaml.org,2002:binary', 'tag:yaml.org,2002:timestamp'];

/** The same value, also for BigInt and NaN. */
function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

/**
 * A scalar tag that writes a plain scalar back exactly as it was read while it still holds the value it was read with
 * (`0x1F`, `1e3`, `1_000`, `~`, `!!binary aGk=`), so that an edit elsewhere never rewrites it: yaml would otherwise
 * re-render it (`0x1f`, `1e+3`) or quote it for YAML 1.1 readers (`"1_000"`, which go-yaml would then read as a
 * string instead of a number). New and changed values are rendered by the tag as usual.
 */
function keepingSource(Y: YamlModule, tag: ScalarTag, fallback: NonNullable<ScalarTag['stringify']>): ScalarTag {
  const render = tag.stringify ?? fallback;
  const noError = (): void => undefined;
  return {
    ...tag,
    stringify(item, ctx, onComment, onChompKeep) {
      if (Y.isScalar(item) && item.type === 'PLAIN') {
        const source = item.source;
        if (
          typeof source === 'string' &&
          source !== '' &&
          !source.includes('\n') &&
          sameValue(tag.resolve(source, noError, { intAsBigInt: true }), item.value)
        ) {
          return source;
        }
      }
      return render(item, ctx, onComment, onChompKeep);
    },
  };
}

function isScalarTag(t: Tags[number]): t is ScalarTag {
  return typeof t !== 'string' && t.collection === undefined;
}

export function parseOptions(Y: YamlModule) {
  return {
    prettyErrors: false,
    uniqueKeys: true,
    // Stringify new scalars so that YAML 1.1 readers (go-yaml) read them back identically: `"yes"`, `"on"`.
    compat: 'yaml-1.1',
    // 'error' keeps yaml quiet on the console but still reports a second document as an error.
    logLevel: 'error',
    // Integers beyond 2^53 in fields this CLI does not know must come back digit for digit.
    intAsBigInt: true,
    customTags: (tags: Tags): Tags => {
      const str = tags.find((t): t is ScalarTag => isScalarTag(t) && t.tag === 'tag:yaml.org,2002:str');
      const strStringify = str?.stringify;
      if (strStringify === undefined) return tags;
      const verbatim = VERBATIM_TAGS.map((tag): ScalarTag => ({
        tag,
        identify: () => false,
        resolve: (source: string) => source,
        stringify: strStringify,
      }));
      return [
        ...tags
          .filter((t) => typeof t === 'string' || !VERBATIM_TAGS.includes(t.tag))
          .map((t) => (isScalarTag(t) ? keepingSource(Y, t, strStringify) : t)),
        ...verbatim.map((t) => keepingSource(Y, t, strStringify)),
      ];
    },
  } as const;
}

export interface ParsedContexts {
  doc: Document;
  lineCounter: LineCounter;
  crlf: boolean;
}

function duplicateKeyMessage(n: Nodes, doc: Document, offset: number): string {
  let name: string | undefined;
  n.Y.visit(doc, {
    Pair(_, pair) {
      if (n.offset(pair.key) !== offset) return undefined;
      name = n.keyName(pair.key);
      return n.Y.visit.BREAK;
    },
  });
  return name === undefined ? 'duplicate key' : `duplicate key '${name}'`;
}

/**
 * yaml always writes a document's trailing comment after a blank line. When the file had the footer comment
 * directly under the last line, attach it to the top-level map instead, which yaml writes at column 0 without a blank
 * line, so the first edit does not reformat the end of the file.
 */
function keepFooterInPlace(n: Nodes, doc: Document, text: string): void {
  const root = doc.contents;
  if (!doc.comment || !n.Y.isMap(root) || root.flow || root.comment) return;
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  const commentLines = doc.comment.split('\n').length;
  const before = lines[lines.length - commentLines - 1];
  if (before === undefined || before.trim() === '') return;
  root.comment = doc.comment;
  doc.comment = null;
}

export function parseContexts(n: Nodes, path: string, text: string): ParsedContexts {
  const lineCounter = new n.Y.LineCounter();
  const doc = n.Y.parseDocument(text, { ...parseOptions(n.Y), lineCounter });
  const err = doc.errors[0];
  if (err !== undefined) {
    let message = err.message;
    if (err.code === 'MULTIPLE_DOCS') message = 'the file contains more than one YAML document';
    if (err.code === 'DUPLICATE_KEY') message = duplicateKeyMessage(n, doc, err.pos[0]);
    throw new ConfigError(positioned(path, lineCounter, err.pos[0], message));
  }
  const p = findProblem(n, doc);
  if (p !== undefined) throw new ConfigError(positioned(path, lineCounter, n.offset(p.node), p.message));
  keepFooterInPlace(n, doc, text);
  return { doc, lineCounter, crlf: text.includes('\r\n') };
}
