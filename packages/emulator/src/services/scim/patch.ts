// PATCH (RFC 7644 §3.5.2) on a resource's JSON: add, replace and remove with or without a path, value paths
// (`emails[type eq "work"].value`, `members[value eq "…"]`), sub-attributes, extension URNs, and what
// Microsoft Entra ID sends besides: `op` in any case ("Replace"), booleans as the strings "True"/"False",
// member removal as `{"op":"Remove","path":"members","value":[{"value":"…"}]}`, and (with its
// aadOptscim062020 flag) several attributes in one path-less replace whose keys are paths ("name.givenName").
// Operations are applied to a copy: the caller stores the result only when every operation succeeded.
import type { Filter } from 'scim2-parse-filter';
import { isPlainObject } from '../../shared/validate.js';
import { printable } from '../../shared/text.js';
import { scimErrors } from './errors.js';
import { matchesFilter, parseScimPath, type ScimPath } from './filter.js';

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: ScimPath;
  value?: unknown;
}

type Json = Record<string, unknown>;

/** The Operations of a PatchOp body. */
export function parsePatchBody(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw scimErrors.badRequest('invalidSyntax', 'The request body must be a JSON object');
  const schemas = body['schemas'];
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA))
    throw scimErrors.badRequest('invalidSyntax', `"schemas" must contain "${PATCH_SCHEMA}"`);
  const ops = body['Operations'] ?? body['operations'];
  if (!Array.isArray(ops) || ops.length === 0)
    throw scimErrors.badRequest('invalidSyntax', '"Operations" must be a non-empty array');
  return ops.map((raw: unknown, i): PatchOperation => {
    if (!isPlainObject(raw)) throw scimErrors.badRequest('invalidSyntax', `Operations[${i}] must be an object`);
    const name = typeof raw['op'] === 'string' ? raw['op'].toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove')
      throw scimErrors.badRequest('invalidSyntax', `Operations[${i}].op must be add, replace or remove`);
    const op: PatchOperation = { op: name };
    const path = raw['path'];
    if (path !== undefined) {
      if (typeof path !== 'string' || path === '')
        throw scimErrors.badRequest('invalidPath', `Operations[${i}].path must be a non-empty string`);
      op.path = parseScimPath(path);
    }
    if ('value' in raw) op.value = raw['value'];
    if (name === 'remove' && op.path === undefined)
      throw scimErrors.badRequest('noTarget', `Operations[${i}]: "remove" needs a "path"`);
    if (name !== 'remove' && !('value' in raw))
      throw scimErrors.badRequest('invalidValue', `Operations[${i}]: "${name}" needs a "value"`);
    if (name !== 'remove' && op.path === undefined && !isPlainObject(op.value))
      throw scimErrors.badRequest('invalidValue', `Operations[${i}]: without a "path" the value must be an object`);
    return op;
  });
}

interface PatchRules {
  /** Attributes (lower-case) a client may not change: 400 mutability. */
  readOnly: ReadonlySet<string>;
}

const BOOLEAN_ATTRIBUTES = new Set(['active', 'primary']);

/** Entra ID sends "True"/"False" for booleans: they become true/false for the attributes that are booleans. */
function coerce(name: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => coerce(name, v));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(k, v)]));
  if (BOOLEAN_ATTRIBUTES.has(name.toLowerCase()) && typeof value === 'string') {
    if (value.toLowerCase() === 'true') return true;
    if (value.toLowerCase() === 'false') return false;
  }
  return value;
}

/** The key of `obj` that names this attribute (attribute names are case-insensitive). */
function keyOf(obj: Json, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower) ?? name;
}

function sameMember(a: unknown, b: unknown): boolean {
  if (isPlainObject(a) && isPlainObject(b) && a['value'] !== undefined) return a['value'] === b['value'];
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A new element for a value path with no match: the `eq` clauses of its filter (`type eq "work"`). */
function elementFromFilter(filter: Filter, text: string): Json {
  if (filter.op === 'eq' && 'attrPath' in filter && 'compValue' in filter)
    return { [filter.attrPath]: filter.compValue };
  if (filter.op === 'and' && 'filters' in filter)
    return Object.assign({}, ...filter.filters.map((f) => elementFromFilter(f, text))) as Json;
  throw scimErrors.badRequest('noTarget', `No value matches the path "${printable(text, 200)}"`);
}

function pathText(path: ScimPath): string {
  return `${path.schema === undefined ? '' : `${path.schema}:`}${path.attribute}${path.sub === undefined ? '' : `.${path.sub}`}`;
}

function applyAtPath(doc: Json, op: PatchOperation['op'], path: ScimPath, raw: unknown, rules: PatchRules): void {
  if (rules.readOnly.has(path.attribute.toLowerCase()) && path.schema === undefined)
    throw scimErrors.badRequest('mutability', `The attribute "${path.attribute}" cannot be changed`);
  let container = doc;
  if (path.schema !== undefined) {
    const key = keyOf(doc, path.schema);
    if (!isPlainObject(doc[key])) {
      if (op === 'remove') return;
      doc[key] = {};
    }
    container = doc[key] as Json;
  }
  const key = keyOf(container, path.attribute);
  const value = coerce(path.sub ?? path.attribute, raw);
  const current = container[key];

  if (path.filter) {
    const list = Array.isArray(current) ? [...(current as unknown[])] : [];
    const hits = list.filter((el) => matchesFilter(el, path.filter as Filter));
    if (op === 'remove') {
      if (path.sub === undefined) {
        const kept = list.filter((el) => !hits.includes(el));
        if (kept.length === 0) Reflect.deleteProperty(container, key);
        else container[key] = kept;
      } else for (const el of hits) if (isPlainObject(el)) Reflect.deleteProperty(el, keyOf(el, path.sub));
      return;
    }
    if (hits.length === 0) {
      const made = elementFromFilter(path.filter, pathText(path));
      list.push(made);
      hits.push(made);
    }
    for (const el of hits) {
      if (!isPlainObject(el)) continue;
      if (path.sub !== undefined) el[keyOf(el, path.sub)] = value;
      else if (isPlainObject(value)) Object.assign(el, value);
    }
    container[key] = list;
    return;
  }

  if (path.sub !== undefined) {
    const targets = Array.isArray(current) ? current : [current];
    if (op === 'remove') {
      for (const t of targets) if (isPlainObject(t)) Reflect.deleteProperty(t, keyOf(t, path.sub));
      return;
    }
    if (!isPlainObject(current) && !Array.isArray(current)) container[key] = {};
    const list = Array.isArray(container[key]) ? (container[key] as unknown[]) : [container[key]];
    for (const t of list) if (isPlainObject(t)) t[keyOf(t, path.sub)] = value;
    return;
  }

  if (op === 'remove') {
    if (Array.isArray(current) && Array.isArray(value)) {
      const kept = current.filter((el) => !value.some((v) => sameMember(el, v)));
      if (kept.length === 0) Reflect.deleteProperty(container, key);
      else container[key] = kept;
    } else Reflect.deleteProperty(container, key);
    return;
  }
  if (op === 'add' && (Array.isArray(current) || Array.isArray(value))) {
    const list = Array.isArray(current) ? [...(current as unknown[])] : current === undefined ? [] : [current];
    for (const v of Array.isArray(value) ? value : [value]) if (!list.some((el) => sameMember(el, v))) list.push(v);
    container[key] = list;
    return;
  }
  if (isPlainObject(current) && isPlainObject(value)) container[key] = { ...current, ...value };
  else container[key] = value;
}

/** Applies the operations to `doc` in order (the caller passes a copy, and keeps it only if none threw). */
export function applyPatch(doc: Json, ops: PatchOperation[], rules: PatchRules): void {
  for (const op of ops) {
    if (op.path) {
      applyAtPath(doc, op.op, op.path, op.value, rules);
      continue;
    }
    for (const [name, value] of Object.entries(op.value as Json)) {
      // An extension schema's URN (its last part is the resource type, e.g. `…:enterprise:2.0:User`).
      if (/^urn:.*:[A-Z][A-Za-z]*$/i.test(name) && /:[A-Z][A-Za-z]*$/.test(name) && isPlainObject(value)) {
        for (const [attr, v] of Object.entries(value))
          applyAtPath(doc, op.op, { schema: name, attribute: attr }, v, rules);
        continue;
      }
      applyAtPath(doc, op.op, parseScimPath(name), value, rules);
    }
  }
}
