// Helpers on yaml's document nodes, shared by validation and editing. They work with the yaml module they are given
// (loaded lazily by the caller), so that nothing here holds module state.
import type { Document, Node as YamlNode, Pair, Scalar, YAMLMap } from 'yaml';
import type { YamlModule } from './yaml.js';

export type Primitive = string | number | boolean | null;

export function isPrimitive(v: unknown): v is Primitive {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Define an own, enumerable property (safe for names such as `__proto__`). */
export function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

export class Nodes {
  readonly Y: YamlModule;

  constructor(Y: YamlModule) {
    this.Y = Y;
  }

  /** The name a map key stands for: strings as is, other scalars (`2024:`) as written in the source. */
  keyName(key: unknown): string | undefined {
    if (!this.Y.isScalar(key)) return undefined;
    const v = key.value;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return key.source ?? String(v);
    return undefined;
  }

  findPair(map: YAMLMap, name: string): Pair | undefined {
    return map.items.find((p) => this.keyName(p.key) === name);
  }

  isNull(node: unknown): boolean {
    return node === null || node === undefined || (this.Y.isScalar(node) && node.value === null);
  }

  /** A value with an explicit tag (`!!binary`, `!custom`) whose JavaScript form is not a plain string/number/boolean. */
  isTagged(node: unknown): boolean {
    return (
      this.Y.isNode(node) &&
      typeof node.tag === 'string' &&
      ![
        'tag:yaml.org,2002:str',
        'tag:yaml.org,2002:int',
        'tag:yaml.org,2002:bool',
        'tag:yaml.org,2002:float',
        'tag:yaml.org,2002:null',
      ].includes(node.tag)
    );
  }

  describe(node: unknown): string {
    const Y = this.Y;
    if (Y.isMap(node)) return 'a map';
    if (Y.isSeq(node)) return 'a list';
    if (Y.isAlias(node)) return 'an alias';
    if (this.isNull(node)) return 'an empty value';
    if (this.isTagged(node)) return `a value tagged ${(node as YamlNode).tag ?? ''}`;
    if (Y.isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return 'a string';
      if (typeof v === 'boolean') return 'a boolean';
      if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
    }
    return 'an unsupported value';
  }

  offset(node: unknown): number | undefined {
    return this.Y.isNode(node) && node.range ? node.range[0] : undefined;
  }

  /** Where to point for a problem with a value: the value itself, or its key when the value is empty. */
  locate(key: unknown, value: unknown): unknown {
    return this.isNull(value) || this.offset(value) === undefined ? key : value;
  }

  copyComments(from: unknown, to: YamlNode): void {
    if (!this.Y.isNode(from)) return;
    if (from.commentBefore) to.commentBefore = from.commentBefore;
    if (from.comment) to.comment = from.comment;
    if (from.spaceBefore) to.spaceBefore = from.spaceBefore;
  }

  /** Give `old` a new scalar value, keeping the node (comments, quoting style) when the type is unchanged. */
  assignScalar(old: unknown, value: Primitive): Scalar {
    if (this.Y.isScalar(old) && old.tag === undefined && old.value !== null && typeof old.value === typeof value) {
      // `""` is quoted because it must be, not by choice: let the new value pick its natural style.
      if (old.value === '') delete old.type;
      old.value = value;
      return old;
    }
    const node = new this.Y.Scalar(value);
    this.copyComments(old, node);
    return node;
  }

  /** Insert in alphabetical position when the map's keys are already sorted (go-yaml sorts), else append. */
  insertSorted(map: YAMLMap, pair: Pair): void {
    const name = this.keyName(pair.key) ?? '';
    const names = map.items.map((p) => this.keyName(p.key));
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
      if (first !== undefined && this.Y.isNode(first.key)) {
        first.key.commentBefore = first.key.commentBefore
          ? `${map.commentBefore}\n${first.key.commentBefore}`
          : map.commentBefore;
        map.commentBefore = null;
      }
    }
    map.items.splice(idx, 0, pair);
  }

  rootMap(doc: Document): YAMLMap | undefined {
    return this.Y.isMap(doc.contents) ? doc.contents : undefined;
  }
}
