// The contexts file (~/.qlik/contexts.yml), shared with Qlik's Go `qlik` CLI.
//
// Reading validates strictly and reports one `<path>:<line>:<col>: <problem>` line. Editing goes through
// yaml's Document API so that comments, key order, quoting style and fields this CLI does not know survive
// every change; writes happen under a cross-process lock and replace the file atomically.

import { resolve } from 'node:path';
import type { Document, LineCounter, Node as YamlNode, Pair, Scalar, ToStringOptions, YAMLMap } from 'yaml';
import { CliError, ConfigError } from '../cmdutil/errors.js';
import { loadYaml as loadYamlModule } from '../lazy/yaml.js';
import { removeStaleTempFiles, writeFileAtomic } from './atomic.js';
import { describeFsError, MAX_FILE_BYTES, readTextFile, type TextFile } from './readfile.js';
import { type FileLockOptions, withFileLock } from './lock.js';

// yaml is loaded on first use (readContexts/updateContexts), so that merely importing this module (for
// contextsFilePath or the types) keeps it out of the CLI's start-up path and lets the bundler split it.
type YamlModule = typeof import('yaml');
let Y: YamlModule;
let yamlLoading: Promise<YamlModule> | undefined;

async function loadYaml(): Promise<void> {
  yamlLoading ??= loadYamlModule();
  Y = await yamlLoading;
}

export interface QlikContext {
  server?: string;
  'server-type'?: string;
  headers?: Record<string, string>;
  insecure?: boolean;
  comment?: string;
  'oauth-client-id'?: string;
  'oauth-client-secret'?: string;
  certificates?: string;
  [field: string]: unknown;
}

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
}

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

/** Files larger than this are refused. */
export const MAX_CONTEXTS_FILE_BYTES = MAX_FILE_BYTES;

const CURRENT_KEY = 'current-context';
const CONTEXTS_KEY = 'contexts';
const STRING_FIELDS: ReadonlySet<string> = new Set([
  'server',
  'server-type',
  'comment',
  'oauth-client-id',
  'oauth-client-secret',
  'certificates',
]);

const PARSE_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: true,
  // Stringify scalars so that YAML 1.1 readers (go-yaml) read them back identically: `"yes"`, `"on"`.
  compat: 'yaml-1.1',
  // 'error' keeps yaml quiet on the console but still reports a second document as an error.
  logLevel: 'error',
} as const;

/** Where the contexts file lives: `$QLIK_CLI_USER_HOME_DIR/.qlik/contexts.yml`, or `~/.qlik/contexts.yml`. */
export function contextsFilePath(env: Record<string, string | undefined>, homedir: string): string {
  const override = env.QLIK_CLI_USER_HOME_DIR;
  if (override !== undefined && override.trim() !== '') {
    // Qlik documents the variable both as a home directory and as the file itself; accept both.
    if (/\.ya?ml$/i.test(override)) return resolve(override);
    return resolve(override, '.qlik', 'contexts.yml');
  }
  return resolve(homedir, '.qlik', 'contexts.yml');
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/** The contexts file, read strictly: invalid UTF-8 is an error rather than silently replaced. */
function loadFile(path: string): Promise<TextFile> {
  return readTextFile(path, path, { strictUtf8: true });
}

// ---------------------------------------------------------------------------------------------------------
// Node helpers

/** The name a map key stands for: strings as is, other scalars (`2024:`) as written in the source. */
function keyName(key: unknown): string | undefined {
  if (!Y.isScalar(key)) return undefined;
  const v = key.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return key.source ?? String(v);
  return undefined;
}

function findPair(map: YAMLMap, name: string): Pair | undefined {
  return map.items.find((p) => keyName(p.key) === name);
}

function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (Y.isScalar(node) && node.value === null);
}

function describeNode(node: unknown): string {
  if (Y.isMap(node)) return 'a map';
  if (Y.isSeq(node)) return 'a list';
  if (Y.isAlias(node)) return 'an alias';
  if (isNullNode(node)) return 'an empty value';
  if (Y.isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return 'a string';
    if (typeof v === 'boolean') return 'a boolean';
    if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  }
  return 'an unsupported value';
}

/** Define an own, enumerable property (safe for names such as `__proto__`). */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function copyComments(from: unknown, to: YamlNode): void {
  if (!Y.isNode(from)) return;
  if (from.commentBefore) to.commentBefore = from.commentBefore;
  if (from.comment) to.comment = from.comment;
  if (from.spaceBefore) to.spaceBefore = from.spaceBefore;
}

type Primitive = string | number | boolean | null;

function isPrimitive(v: unknown): v is Primitive {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Give `old` a new scalar value, keeping the node (comments, quoting style) when the type is unchanged. */
function assignScalar(old: unknown, value: Primitive): Scalar {
  if (Y.isScalar(old) && old.tag === undefined && old.value !== null && typeof old.value === typeof value) {
    // `""` is quoted because it must be, not by choice: let the new value pick its natural style.
    if (old.value === '') delete old.type;
    old.value = value;
    return old;
  }
  const node = new Y.Scalar(value);
  copyComments(old, node);
  return node;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Insert in alphabetical position when the map's keys are already sorted (go-yaml sorts), else append. */
function insertSorted(map: YAMLMap, pair: Pair): void {
  const name = keyName(pair.key) ?? '';
  const names = map.items.map((p) => keyName(p.key));
  let sorted = true;
  for (let i = 1; i < names.length; i++) {
    const a = names[i - 1];
    const b = names[i];
    if (a === undefined || b === undefined || a > b) {
      sorted = false;
      break;
    }
  }
  const idx = sorted ? names.findIndex((n) => n !== undefined && n > name) : -1;
  if (idx < 0) {
    map.items.push(pair);
    return;
  }
  if (idx === 0 && map.commentBefore) {
    // In a nested block map the comment above the first key is stored on the map; keep it with that key.
    const first = map.items[0];
    if (first !== undefined && Y.isNode(first.key)) {
      first.key.commentBefore = first.key.commentBefore
        ? `${map.commentBefore}\n${first.key.commentBefore}`
        : map.commentBefore;
      map.commentBefore = null;
    }
  }
  map.items.splice(idx, 0, pair);
}

// ---------------------------------------------------------------------------------------------------------
// Validation

interface Problem {
  node: unknown;
  message: string;
}

function problem(node: unknown, message: string): Problem {
  return { node, message };
}

/** Where to point for a problem with a value: the value itself, or its key when the value is empty. */
function locate(key: unknown, value: unknown): unknown {
  return isNullNode(value) || nodeOffset(value) === undefined ? key : value;
}

function checkContext(name: string, key: unknown, ctx: unknown): Problem | undefined {
  if (Y.isAlias(ctx)) return problem(ctx, `context '${name}': aliases are not supported here`);
  if (!Y.isMap(ctx)) return problem(locate(key, ctx), `context '${name}' must be a map, not ${describeNode(ctx)}`);
  for (const pair of ctx.items) {
    const field = keyName(pair.key);
    if (field === undefined) continue; // an unusual key this CLI does not know: kept as is
    const value = pair.value;
    const where = locate(pair.key, value);
    if (STRING_FIELDS.has(field)) {
      if (isNullNode(value)) continue;
      if (!Y.isScalar(value) || typeof value.value !== 'string') {
        return problem(where, `context '${name}': '${field}' must be a string, not ${describeNode(value)}`);
      }
    } else if (field === 'insecure') {
      if (isNullNode(value)) continue;
      if (!Y.isScalar(value) || typeof value.value !== 'boolean') {
        return problem(where, `context '${name}': 'insecure' must be true or false, not ${describeNode(value)}`);
      }
    } else if (field === 'headers') {
      if (isNullNode(value)) continue;
      if (!Y.isMap(value)) {
        return problem(where, `context '${name}': 'headers' must be a map of header names to strings`);
      }
      const seen = new Set<string>();
      for (const h of value.items) {
        const header = keyName(h.key);
        if (header === undefined) return problem(h.key, `context '${name}': header names must be strings`);
        if (seen.has(header)) return problem(h.key, `context '${name}': duplicate header '${header}'`);
        seen.add(header);
        if (!Y.isScalar(h.value) || typeof h.value.value !== 'string') {
          return problem(
            locate(h.key, h.value),
            `context '${name}': header '${header}' must be a string, not ${describeNode(h.value)}`,
          );
        }
      }
    }
  }
  return undefined;
}

/** The first thing wrong with the document's structure, or undefined. */
function findProblem(doc: Document): Problem | undefined {
  const root = doc.contents;
  if (isNullNode(root)) return undefined;
  if (Y.isAlias(root)) return problem(root, 'aliases are not supported here');
  if (!Y.isMap(root)) return problem(root, `the top level must be a map, not ${describeNode(root)}`);
  for (const pair of root.items) {
    const key = keyName(pair.key);
    const value = pair.value;
    const where = locate(pair.key, value);
    if (key === CURRENT_KEY) {
      if (isNullNode(value)) continue;
      if (!Y.isScalar(value) || typeof value.value !== 'string') {
        return problem(where, `'${CURRENT_KEY}' must be a string, not ${describeNode(value)}`);
      }
    } else if (key === CONTEXTS_KEY) {
      if (isNullNode(value)) continue;
      if (Y.isAlias(value)) return problem(value, `'${CONTEXTS_KEY}': aliases are not supported here`);
      if (!Y.isMap(value)) {
        return problem(
          where,
          `'${CONTEXTS_KEY}' must be a map of context names to contexts, not ${describeNode(value)}`,
        );
      }
      const seen = new Set<string>();
      for (const ctxPair of value.items) {
        const name = keyName(ctxPair.key);
        if (name === undefined) return problem(ctxPair.key, 'context names must be strings');
        if (seen.has(name)) return problem(ctxPair.key, `duplicate context '${name}'`);
        seen.add(name);
        const p = checkContext(name, ctxPair.key, ctxPair.value);
        if (p !== undefined) return p;
      }
    }
  }
  return undefined;
}

function positioned(path: string, lc: LineCounter | undefined, offset: number | undefined, message: string): string {
  const oneLine = message.replace(/\s*\n\s*/g, ' ').trim();
  if (lc !== undefined && offset !== undefined) {
    const { line, col } = lc.linePos(offset);
    if (line > 0) return `${path}:${line}:${col}: ${oneLine}`;
  }
  return `${path}: ${oneLine}`;
}

function nodeOffset(node: unknown): number | undefined {
  return Y.isNode(node) && node.range ? node.range[0] : undefined;
}

interface ParsedContexts {
  doc: Document;
  lineCounter: LineCounter;
  crlf: boolean;
}

function parseContexts(path: string, text: string): ParsedContexts {
  const lineCounter = new Y.LineCounter();
  const doc = Y.parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  const err = doc.errors[0];
  if (err !== undefined) {
    let message = err.message;
    if (err.code === 'MULTIPLE_DOCS') message = 'the file contains more than one YAML document';
    if (err.code === 'DUPLICATE_KEY') message = duplicateKeyMessage(doc, err.pos[0]);
    throw new ConfigError(positioned(path, lineCounter, err.pos[0], message));
  }
  const p = findProblem(doc);
  if (p !== undefined) throw new ConfigError(positioned(path, lineCounter, nodeOffset(p.node), p.message));
  keepFooterInPlace(doc, text);
  return { doc, lineCounter, crlf: text.includes('\r\n') };
}

function duplicateKeyMessage(doc: Document, offset: number): string {
  let name: string | undefined;
  Y.visit(doc, {
    Pair(_, pair) {
      if (nodeOffset(pair.key) !== offset) return undefined;
      name = keyName(pair.key);
      return Y.visit.BREAK;
    },
  });
  return name === undefined ? 'duplicate key' : `duplicate key '${name}'`;
}

/**
 * yaml always writes a document's trailing comment after a blank line. When the file had the footer
 * comment directly under the last line, attach it to the top-level map instead, which yaml writes at
 * column 0 without a blank line, so the first edit does not reformat the end of the file.
 */
function keepFooterInPlace(doc: Document, text: string): void {
  const root = doc.contents;
  if (!doc.comment || !Y.isMap(root) || root.flow || root.comment) return;
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  const commentLines = doc.comment.split('\n').length;
  const before = lines[lines.length - commentLines - 1];
  if (before === undefined || before.trim() === '') return;
  root.comment = doc.comment;
  doc.comment = null;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

function contextToObject(doc: Document, node: unknown): QlikContext {
  const out: QlikContext = {};
  if (!Y.isMap(node)) return out;
  for (const pair of node.items) {
    const field = keyName(pair.key);
    if (field === undefined) continue;
    const value = pair.value;
    if (field === 'headers' || STRING_FIELDS.has(field) || field === 'insecure') {
      if (isNullNode(value)) continue;
      if (field === 'headers') {
        const headers: Record<string, string> = {};
        if (Y.isMap(value)) {
          for (const h of value.items) {
            const hn = keyName(h.key);
            if (hn !== undefined && Y.isScalar(h.value) && typeof h.value.value === 'string')
              put(headers, hn, h.value.value);
          }
        }
        put(out, field, headers);
        continue;
      }
      if (Y.isScalar(value)) put(out, field, value.value);
      continue;
    }
    put(out, field, Y.isNode(value) ? value.toJS(doc) : (value ?? null));
  }
  return out;
}

function rootMap(doc: Document): YAMLMap | undefined {
  return Y.isMap(doc.contents) ? doc.contents : undefined;
}

function contextsMapOf(doc: Document): YAMLMap | undefined {
  const root = rootMap(doc);
  const pair = root === undefined ? undefined : findPair(root, CONTEXTS_KEY);
  return pair !== undefined && Y.isMap(pair.value) ? pair.value : undefined;
}

function currentOf(doc: Document): string {
  const root = rootMap(doc);
  const pair = root === undefined ? undefined : findPair(root, CURRENT_KEY);
  return pair !== undefined && Y.isScalar(pair.value) && typeof pair.value.value === 'string' ? pair.value.value : '';
}

function namesOf(doc: Document): string[] {
  const map = contextsMapOf(doc);
  if (map === undefined) return [];
  const names: string[] = [];
  for (const p of map.items) {
    const n = keyName(p.key);
    if (n !== undefined) names.push(n);
  }
  return names;
}

function makeSnapshot(path: string, exists: boolean, doc: Document | undefined): ContextsSnapshot {
  const contexts = new Map<string, QlikContext>();
  const map = doc === undefined ? undefined : contextsMapOf(doc);
  if (doc !== undefined && map !== undefined) {
    for (const p of map.items) {
      const n = keyName(p.key);
      if (n !== undefined) contexts.set(n, contextToObject(doc, p.value));
    }
  }
  const current = doc === undefined ? '' : currentOf(doc);
  return {
    path,
    exists,
    current,
    names: () => [...contexts.keys()],
    get: (name) => {
      const c = contexts.get(name);
      return c === undefined ? undefined : structuredClone(c);
    },
  };
}

/**
 * Read and validate the contexts file. A missing file is an empty snapshot (`exists: false`); anything
 * wrong with the file is a ConfigError. Never modifies the file.
 */
export async function readContexts(path: string): Promise<ContextsSnapshot> {
  const loaded = await loadFile(path);
  if (!loaded.exists) return makeSnapshot(path, false, undefined);
  await loadYaml();
  const { doc } = parseContexts(path, loaded.text);
  return makeSnapshot(path, true, doc);
}

// ---------------------------------------------------------------------------------------------------------
// Editing

function noSuchContext(name: string): CliError {
  return new CliError(`No context by the name '${name}'`);
}

function checkFieldValue(field: string, value: unknown): void {
  if (value === undefined) return;
  if (STRING_FIELDS.has(field) && typeof value !== 'string') {
    throw new CliError(`Invalid value for '${field}': must be a string`);
  }
  if (field === 'insecure' && typeof value !== 'boolean') {
    throw new CliError(`Invalid value for 'insecure': must be true or false`);
  }
  if (field === 'headers') {
    if (!isPlainObject(value)) throw new CliError(`Invalid value for 'headers': must be a map of strings`);
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== 'string') {
        throw new CliError(`Invalid value for header '${k}': must be a string`);
      }
    }
  }
}

function headersNode(headers: Record<string, unknown>): YAMLMap {
  const map = new Y.YAMLMap();
  for (const k of Object.keys(headers).sort()) {
    const v = headers[k];
    if (typeof v === 'string') map.items.push(new Y.Pair(new Y.Scalar(k), new Y.Scalar(v)));
  }
  return map;
}

class EditableContexts implements ContextsDocument {
  readonly path: string;
  private readonly doc: Document;
  private readonly beforeFirstChange: () => void;
  private open = true;
  /** True once a mutating method has run (the document may or may not render differently). */
  changed = false;

  constructor(path: string, doc: Document, beforeFirstChange: () => void) {
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

  private makeNode(field: string, value: unknown): YamlNode {
    if (field === 'headers' && isPlainObject(value)) return headersNode(value);
    if (isPrimitive(value)) return new Y.Scalar(value);
    return this.doc.createNode(value);
  }

  /** The top-level map; an empty document gets the go-yaml skeleton. */
  private root(): YAMLMap {
    const root = rootMap(this.doc);
    if (root !== undefined) return root;
    const map = new Y.YAMLMap();
    map.items.push(new Y.Pair(new Y.Scalar(CURRENT_KEY), new Y.Scalar('')));
    map.items.push(new Y.Pair(new Y.Scalar(CONTEXTS_KEY), new Y.YAMLMap()));
    this.doc.contents = map;
    return map;
  }

  private contextsMap(): YAMLMap {
    const root = this.root();
    const pair = findPair(root, CONTEXTS_KEY);
    if (pair !== undefined && Y.isMap(pair.value)) return pair.value;
    const map = new Y.YAMLMap();
    if (pair !== undefined) {
      copyComments(pair.value, map);
      pair.value = map;
    } else {
      root.items.push(new Y.Pair(new Y.Scalar(CONTEXTS_KEY), map));
    }
    return map;
  }

  private contextPair(name: string): Pair | undefined {
    const map = contextsMapOf(this.doc);
    return map === undefined ? undefined : findPair(map, name);
  }

  private contextNode(name: string): YAMLMap {
    const pair = this.contextPair(name);
    if (pair === undefined) throw noSuchContext(name);
    if (Y.isMap(pair.value)) return pair.value;
    const map = new Y.YAMLMap();
    copyComments(pair.value, map);
    pair.value = map;
    return map;
  }

  get current(): string {
    this.assertOpen();
    return currentOf(this.doc);
  }

  set current(name: string) {
    this.assertOpen();
    if (typeof name !== 'string') throw new TypeError('current context must be a string');
    const existing = rootMap(this.doc);
    if (existing === undefined && name === '') return;
    this.willChange();
    const root = this.root();
    const pair = findPair(root, CURRENT_KEY);
    if (pair !== undefined) {
      pair.value = assignScalar(pair.value, name);
    } else if (name !== '') {
      root.items.unshift(new Y.Pair(new Y.Scalar(CURRENT_KEY), new Y.Scalar(name)));
    }
  }

  names(): string[] {
    this.assertOpen();
    return namesOf(this.doc);
  }

  has(name: string): boolean {
    this.assertOpen();
    return this.contextPair(name) !== undefined;
  }

  get(name: string): QlikContext | undefined {
    this.assertOpen();
    const pair = this.contextPair(name);
    return pair === undefined ? undefined : contextToObject(this.doc, pair.value);
  }

  create(name: string, fields: QlikContext): void {
    this.assertOpen();
    if (name === '') throw new CliError('A context name must not be empty');
    if (this.has(name)) throw new CliError(`Context '${name}' already exists`);
    for (const [field, value] of Object.entries(fields)) checkFieldValue(field, value);
    const ctx = new Y.YAMLMap();
    for (const field of Object.keys(fields).sort()) {
      const value = fields[field];
      if (value === undefined) continue;
      ctx.items.push(new Y.Pair(new Y.Scalar(field), this.makeNode(field, value)));
    }
    this.willChange();
    const contexts = this.contextsMap();
    if (contexts.flow && contexts.items.length === 0) contexts.flow = false;
    contexts.items.push(new Y.Pair(new Y.Scalar(name), ctx));
  }

  update(name: string, fields: QlikContext): void {
    this.assertOpen();
    if (!this.has(name)) throw noSuchContext(name);
    for (const [field, value] of Object.entries(fields)) checkFieldValue(field, value);
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (field === 'headers' && isPlainObject(value)) this.mergeHeaders(name, value);
      else this.set(name, field, value);
    }
  }

  private mergeHeaders(name: string, headers: Record<string, unknown>): void {
    this.willChange();
    const ctx = this.contextNode(name);
    let pair = findPair(ctx, 'headers');
    if (pair === undefined || !Y.isMap(pair.value)) {
      this.set(name, 'headers', {});
      pair = findPair(ctx, 'headers');
    }
    const map = pair?.value;
    if (!Y.isMap(map)) return;
    const wasEmpty = map.items.length === 0;
    for (const [header, value] of Object.entries(headers)) {
      // HTTP header names are case-insensitive: update `authorization` when given `Authorization`.
      const lower = header.toLowerCase();
      const idx = map.items.findIndex((p) => keyName(p.key)?.toLowerCase() === lower);
      const existing = map.items[idx];
      if (value === undefined) {
        if (idx >= 0) map.items.splice(idx, 1);
      } else if (typeof value === 'string') {
        if (existing !== undefined) existing.value = assignScalar(existing.value, value);
        else insertSorted(map, new Y.Pair(new Y.Scalar(header), new Y.Scalar(value)));
      }
    }
    if (map.flow && wasEmpty && map.items.length > 0) map.flow = false;
  }

  set(name: string, field: string, value: unknown): void {
    this.assertOpen();
    if (!this.has(name)) throw noSuchContext(name);
    checkFieldValue(field, value);
    this.willChange();
    const ctx = this.contextNode(name);
    const idx = ctx.items.findIndex((p) => keyName(p.key) === field);
    const pair = ctx.items[idx];
    if (value === undefined) {
      if (idx >= 0) ctx.items.splice(idx, 1);
      return;
    }
    if (pair !== undefined) {
      if (isPrimitive(value) && !(field === 'headers')) {
        pair.value = assignScalar(pair.value, value);
      } else {
        const node = this.makeNode(field, value);
        copyComments(pair.value, node);
        pair.value = node;
      }
      return;
    }
    if (ctx.flow && ctx.items.length === 0) ctx.flow = false;
    insertSorted(ctx, new Y.Pair(new Y.Scalar(field), this.makeNode(field, value)));
  }

  remove(name: string): void {
    this.assertOpen();
    const map = contextsMapOf(this.doc);
    const idx = map === undefined ? -1 : map.items.findIndex((p) => keyName(p.key) === name);
    if (map === undefined || idx < 0) throw noSuchContext(name);
    this.willChange();
    map.items.splice(idx, 1);
    if (this.current === name) this.current = '';
  }

  rename(from: string, to: string): void {
    this.assertOpen();
    const pair = this.contextPair(from);
    if (pair === undefined) throw noSuchContext(from);
    if (from === to) return;
    if (to === '') throw new CliError('A context name must not be empty');
    if (this.has(to)) throw new CliError(`Context '${to}' already exists`);
    this.willChange();
    pair.key = assignScalar(pair.key, to);
    if (this.current === from) this.current = to;
  }
}

/** How the document is written back: keep the file's indentation, never fold long lines (tokens). */
function stringifyOptions(parsed: ParsedContexts | undefined): ToStringOptions {
  let indent = 2;
  if (parsed !== undefined) {
    const root = rootMap(parsed.doc);
    const contexts = contextsMapOf(parsed.doc);
    const rootKey = root?.items[0]?.key;
    const firstKey = contexts !== undefined && !contexts.flow ? contexts.items[0]?.key : undefined;
    const a = nodeOffset(rootKey);
    const b = nodeOffset(firstKey);
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
 * Read-modify-write the contexts file under a cross-process lock. A broken file is reported (ConfigError)
 * and left alone; a missing file is created. The file is rewritten atomically, and only if `mutate`
 * changed the document. If `mutate` throws, nothing is written.
 */
export async function updateContexts<T>(
  path: string,
  mutate: (doc: ContextsDocument) => T | Promise<T>,
  lockOptions: FileLockOptions = {},
): Promise<T> {
  await loadYaml();
  return withFileLock(
    path,
    async () => {
      const loaded = await loadFile(path);
      const parsed = loaded.exists ? parseContexts(path, loaded.text) : undefined;
      const doc = parsed?.doc ?? Y.parseDocument(`${CURRENT_KEY}: ""\n${CONTEXTS_KEY}: {}\n`, PARSE_OPTIONS);
      const opts = stringifyOptions(parsed);
      const crlf = parsed?.crlf ?? false;
      // The text before the first change, rendered the same way as the result, so that formatting yaml
      // would normalize (spacing, indentation) never counts as a change. Read-only callbacks cost nothing.
      let before: string | undefined;
      const editable = new EditableContexts(path, doc, () => {
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
        const p = findProblem(doc);
        if (p !== undefined) throw new CliError(`Refusing to write ${path}: ${p.message}`);
        after = render(doc, opts, crlf);
        if (after === before) after = undefined;
      }
      if (after !== undefined) {
        try {
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
