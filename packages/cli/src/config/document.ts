// The editable view of contexts.yml handed to updateContexts' callback. Edits go through yaml's Document API, so
// comments, key order, quoting style and fields this CLI does not know survive every change.
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { CliError } from '../errors/errors.js';
import { isPlainObject, isPrimitive, Nodes, put } from './nodes.js';
import { contextNameProblem, fieldKind, fieldProblem, normalName, type QlikContext } from './schema.js';
import { CONTEXTS_KEY, CURRENT_KEY } from './validate.js';

/** The mutable view handed to the callback of updateContexts. Valid only while the callback runs. */
export interface ContextsDocument {
  readonly path: string;
  /** The current context's name; "" when none. Assigning "" clears it (written as `current-context: ""`). */
  current: string;
  names(): string[];
  has(name: string): boolean;
  get(name: string): QlikContext | undefined;
  /** Append a new context. Throws CliError `Context '<name>' already exists`. */
  create(name: string, fields: QlikContext): void;
  /** Set/replace the given fields (undefined values are skipped); `headers` is merged per header name. */
  update(name: string, fields: QlikContext): void;
  /** Set one field; `undefined` deletes it. */
  set(name: string, field: string, value: unknown): void;
  /** Delete a context; clears the current context if it was this one. */
  remove(name: string): void;
  /** Rename a context in place (its comments and position are kept); follows current-context. */
  rename(from: string, to: string): void;
}

export function noSuchContext(name: string): CliError {
  return new CliError(`No context by the name '${name}'`);
}

function checkField(field: string, value: unknown): void {
  const p = fieldProblem(field, value);
  if (p !== undefined) throw new CliError(`Invalid value for ${p.replace(/ must /, ': must ')}`);
}

/** A JSON-safe copy of a value of a field this CLI does not know (big integers, binary and dates as text). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), plain(v)]));
  if (value instanceof Set) return [...value].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The fields of a context node as plain values. */
export function contextToObject(n: Nodes, doc: Document, node: unknown): QlikContext {
  const out: QlikContext = {};
  if (!n.Y.isMap(node)) return out;
  for (const pair of node.items) {
    const field = n.keyName(pair.key);
    if (field === undefined) continue;
    const value = pair.value;
    const kind = fieldKind(field);
    if (kind !== undefined) {
      if (n.isNull(value)) continue;
      if (kind === 'headers') {
        const headers: Record<string, string> = {};
        if (n.Y.isMap(value)) {
          for (const h of value.items) {
            const hn = n.keyName(h.key);
            if (hn !== undefined && n.Y.isScalar(h.value) && typeof h.value.value === 'string')
              put(headers, hn, h.value.value);
          }
        }
        put(out, field, headers);
      } else if (n.Y.isScalar(value)) {
        put(out, field, value.value);
      }
      continue;
    }
    put(out, field, plain(n.Y.isNode(value) ? value.toJS(doc) : (value ?? null)));
  }
  return out;
}

export function contextsMapOf(n: Nodes, doc: Document): YAMLMap | undefined {
  const root = n.rootMap(doc);
  const pair = root === undefined ? undefined : n.findPair(root, CONTEXTS_KEY);
  return pair !== undefined && n.Y.isMap(pair.value) ? pair.value : undefined;
}

export function currentOf(n: Nodes, doc: Document): string {
  const root = n.rootMap(doc);
  const pair = root === undefined ? undefined : n.findPair(root, CURRENT_KEY);
  return pair !== undefined && n.Y.isScalar(pair.value) && typeof pair.value.value === 'string' ? pair.value.value : '';
}

export function namesOf(n: Nodes, doc: Document): string[] {
  const map = contextsMapOf(n, doc);
  if (map === undefined) return [];
  const names: string[] = [];
  for (const p of map.items) {
    const name = n.keyName(p.key);
    if (name !== undefined) names.push(name);
  }
  return names;
}

/** A new context name, checked and in NFC; one line naming what is wrong. */
function checkedName(given: string): string {
  const problem = contextNameProblem(given);
  if (problem === 'must not be empty') throw new CliError('A context name must not be empty');
  if (problem !== undefined) throw new CliError(`context name ${JSON.stringify(given)}: ${problem}`);
  return normalName(given);
}

export class EditableContexts implements ContextsDocument {
  readonly path: string;
  private readonly n: Nodes;
  private readonly doc: Document;
  private readonly beforeFirstChange: () => void;
  private open = true;
  /** True once a mutating method has run (the document may or may not render differently). */
  changed = false;

  constructor(n: Nodes, path: string, doc: Document, beforeFirstChange: () => void) {
    this.n = n;
    this.path = path;
    this.doc = doc;
    this.beforeFirstChange = beforeFirstChange;
  }

  private willChange(): void {
    if (this.changed) return;
    this.beforeFirstChange();
    this.changed = true;
  }

  /** Called by updateContexts when the callback has finished. */
  close(): void {
    this.open = false;
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('ContextsDocument used after updateContexts() finished');
  }

  private headersNode(headers: Record<string, unknown>): YAMLMap {
    const map = new this.n.Y.YAMLMap();
    for (const k of Object.keys(headers).sort()) {
      const v = headers[k];
      if (typeof v === 'string') map.items.push(new this.n.Y.Pair(new this.n.Y.Scalar(k), new this.n.Y.Scalar(v)));
    }
    return map;
  }

  private makeNode(field: string, value: unknown): YamlNode {
    if (field === 'headers' && isPlainObject(value)) return this.headersNode(value);
    if (isPrimitive(value)) return new this.n.Y.Scalar(value);
    return this.doc.createNode(value);
  }

  /** The top-level map; an empty document gets the go-yaml skeleton. */
  private root(): YAMLMap {
    const Y = this.n.Y;
    const root = this.n.rootMap(this.doc);
    if (root !== undefined) return root;
    const map = new Y.YAMLMap();
    map.items.push(new Y.Pair(new Y.Scalar(CURRENT_KEY), new Y.Scalar('')));
    map.items.push(new Y.Pair(new Y.Scalar(CONTEXTS_KEY), new Y.YAMLMap()));
    this.doc.contents = map;
    return map;
  }

  private contextsMap(): YAMLMap {
    const Y = this.n.Y;
    const root = this.root();
    const pair = this.n.findPair(root, CONTEXTS_KEY);
    if (pair !== undefined && Y.isMap(pair.value)) return pair.value;
    const map = new Y.YAMLMap();
    if (pair !== undefined) {
      this.n.copyComments(pair.value, map);
      pair.value = map;
    } else {
      root.items.push(new Y.Pair(new Y.Scalar(CONTEXTS_KEY), map));
    }
    return map;
  }

  private contextPair(name: string): Pair | undefined {
    const map = contextsMapOf(this.n, this.doc);
    if (map === undefined) return undefined;
    return (
      this.n.findPair(map, name) ?? map.items.find((p) => normalName(this.n.keyName(p.key) ?? '') === normalName(name))
    );
  }

  private contextNode(name: string): YAMLMap {
    const pair = this.contextPair(name);
    if (pair === undefined) throw noSuchContext(name);
    if (this.n.Y.isMap(pair.value)) return pair.value;
    const map = new this.n.Y.YAMLMap();
    this.n.copyComments(pair.value, map);
    pair.value = map;
    return map;
  }

  get current(): string {
    this.assertOpen();
    return currentOf(this.n, this.doc);
  }

  set current(name: string) {
    this.assertOpen();
    if (typeof name !== 'string') throw new TypeError('current context must be a string');
    const existing = this.n.rootMap(this.doc);
    if (existing === undefined && name === '') return;
    this.willChange();
    const root = this.root();
    const pair = this.n.findPair(root, CURRENT_KEY);
    if (pair !== undefined) {
      pair.value = this.n.assignScalar(pair.value, name);
    } else if (name !== '') {
      root.items.unshift(new this.n.Y.Pair(new this.n.Y.Scalar(CURRENT_KEY), new this.n.Y.Scalar(name)));
    }
  }

  names(): string[] {
    this.assertOpen();
    return namesOf(this.n, this.doc);
  }

  has(name: string): boolean {
    this.assertOpen();
    return this.contextPair(name) !== undefined;
  }

  get(name: string): QlikContext | undefined {
    this.assertOpen();
    const pair = this.contextPair(name);
    return pair === undefined ? undefined : contextToObject(this.n, this.doc, pair.value);
  }

  create(given: string, fields: QlikContext): void {
    this.assertOpen();
    const name = checkedName(given);
    if (this.has(name)) throw new CliError(`Context '${name}' already exists`);
    for (const [field, value] of Object.entries(fields)) checkField(field, value);
    const ctx = new this.n.Y.YAMLMap();
    for (const field of Object.keys(fields).sort()) {
      const value = fields[field];
      if (value === undefined) continue;
      ctx.items.push(new this.n.Y.Pair(new this.n.Y.Scalar(field), this.makeNode(field, value)));
    }
    this.willChange();
    const contexts = this.contextsMap();
    if (contexts.flow && contexts.items.length === 0) contexts.flow = false;
    contexts.items.push(new this.n.Y.Pair(new this.n.Y.Scalar(name), ctx));
  }

  update(name: string, fields: QlikContext): void {
    this.assertOpen();
    if (!this.has(name)) throw noSuchContext(name);
    for (const [field, value] of Object.entries(fields)) checkField(field, value);
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (field === 'headers' && isPlainObject(value)) this.mergeHeaders(name, value);
      else this.set(name, field, value);
    }
  }

  private mergeHeaders(name: string, headers: Record<string, unknown>): void {
    const n = this.n;
    this.willChange();
    const ctx = this.contextNode(name);
    let pair = n.findPair(ctx, 'headers');
    if (pair === undefined || !n.Y.isMap(pair.value)) {
      this.set(name, 'headers', {});
      pair = n.findPair(ctx, 'headers');
    }
    const map = pair?.value;
    if (!n.Y.isMap(map)) return;
    const wasEmpty = map.items.length === 0;
    for (const [header, value] of Object.entries(headers)) {
      // HTTP header names are case-insensitive: update `authorization` when given `Authorization`.
      const lower = header.toLowerCase();
      const idx = map.items.findIndex((p) => n.keyName(p.key)?.toLowerCase() === lower);
      const existing = map.items[idx];
      if (value === undefined) {
        if (idx >= 0) map.items.splice(idx, 1);
      } else if (typeof value === 'string') {
        if (existing !== undefined) existing.value = n.assignScalar(existing.value, value);
        else n.insertSorted(map, new n.Y.Pair(new n.Y.Scalar(header), new n.Y.Scalar(value)));
      }
    }
    if (map.flow && wasEmpty && map.items.length > 0) map.flow = false;
  }

  set(name: string, field: string, value: unknown): void {
    this.assertOpen();
    if (!this.has(name)) throw noSuchContext(name);
    checkField(field, value);
    this.willChange();
    const ctx = this.contextNode(name);
    const idx = ctx.items.findIndex((p) => this.n.keyName(p.key) === field);
    const pair = ctx.items[idx];
    if (value === undefined) {
      if (idx >= 0) ctx.items.splice(idx, 1);
      return;
    }
    if (pair !== undefined) {
      if (isPrimitive(value) && field !== 'headers') {
        pair.value = this.n.assignScalar(pair.value, value);
      } else {
        const node = this.makeNode(field, value);
        this.n.copyComments(pair.value, node);
        pair.value = node;
      }
      return;
    }
    if (ctx.flow && ctx.items.length === 0) ctx.flow = false;
    this.n.insertSorted(ctx, new this.n.Y.Pair(new this.n.Y.Scalar(field), this.makeNode(field, value)));
  }

  remove(name: string): void {
    this.assertOpen();
    const map = contextsMapOf(this.n, this.doc);
    const idx = map === undefined ? -1 : map.items.findIndex((p) => this.n.keyName(p.key) === name);
    if (map === undefined || idx < 0) throw noSuchContext(name);
    this.willChange();
    map.items.splice(idx, 1);
    if (this.current === name) this.current = '';
  }

  rename(from: string, given: string): void {
    this.assertOpen();
    const pair = this.contextPair(from);
    if (pair === undefined) throw noSuchContext(from);
    const to = checkedName(given);
    if (from === to) return;
    if (this.has(to)) throw new CliError(`Context '${to}' already exists`);
    this.willChange();
    pair.key = this.n.assignScalar(pair.key, to);
    if (this.current === from) this.current = to;
  }
}
