// The query of a SCIM list (RFC 7644 §3.4.2): filter, startIndex (1-based), count (at most MAX_RESULTS), and
// the attributes / excludedAttributes projection (§3.4.2.5, §3.9), which also applies to single resources.
import type { Filter } from 'scim2-parse-filter';
import { isPlainObject, wholeNumber } from '../../shared/validate.js';
import { scimErrors } from './errors.js';
import { MAX_RESULTS } from './discovery.js';
import { parseScimFilter } from './filter.js';

interface Projection {
  attributes?: string[];
  excluded?: string[];
}

interface ScimListQuery extends Projection {
  filter?: Filter;
  startIndex: number;
  count: number;
}

function names(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  return raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

export function parseProjection(query: URLSearchParams): Projection {
  const p: Projection = {};
  const attributes = names(query.get('attributes'));
  const excluded = names(query.get('excludedAttributes'));
  if (attributes !== undefined) p.attributes = attributes;
  if (excluded !== undefined) p.excluded = excluded;
  return p;
}

/** A signed integer, as RFC 7644 allows: startIndex below 1 counts as 1, a negative count as 0. */
function integer(raw: string, name: string): number {
  const negative = raw.startsWith('-');
  const value = wholeNumber(negative ? raw.slice(1) : raw);
  if (Number.isNaN(value)) throw scimErrors.badRequest('invalidValue', `"${name}" must be an integer`);
  return negative ? -value : value;
}

export function parseScimListQuery(query: URLSearchParams): ScimListQuery {
  const q: ScimListQuery = { ...parseProjection(query), startIndex: 1, count: MAX_RESULTS };
  const filter = query.get('filter');
  if (filter !== null && filter.trim() !== '') q.filter = parseScimFilter(filter);
  const start = query.get('startIndex');
  if (start !== null) q.startIndex = Math.max(1, integer(start, 'startIndex'));
  const count = query.get('count');
  if (count !== null) q.count = Math.min(MAX_RESULTS, Math.max(0, integer(count, 'count')));
  return q;
}

/** Splits `name.givenName` or `urn:…:User:department` into the top-level key and the sub-attribute. */
function split(name: string): [string, string | undefined] {
  if (name.toLowerCase().startsWith('urn:')) {
    const cut = name.lastIndexOf(':');
    const schema = name.slice(0, cut);
    const rest = name.slice(cut + 1);
    // `urn:…:User` alone names the whole extension.
    if (/^[A-Z]/.test(rest)) return [name, undefined];
    return [schema, rest.split('.')[0]];
  }
  const [top = '', sub] = name.split('.');
  return [top, sub];
}

function keyOf(obj: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function pick(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, sub));
  if (!isPlainObject(value)) return undefined;
  const key = keyOf(value, sub);
  return key === undefined ? {} : { [key]: value[key] };
}

/** The resource with only the asked-for attributes (id and schemas always), or without the excluded ones. */
export function project(resource: Record<string, unknown>, p: Projection): Record<string, unknown> {
  if (p.attributes !== undefined) {
    const out: Record<string, unknown> = { schemas: resource['schemas'], id: resource['id'] };
    for (const name of p.attributes) {
      const [top, sub] = split(name);
      const key = keyOf(resource, top);
      if (key === undefined) continue;
      if (sub === undefined) out[key] = resource[key];
      else {
        const picked = pick(resource[key], sub);
        const prior = out[key];
        out[key] = isPlainObject(prior) && isPlainObject(picked) ? { ...prior, ...picked } : picked;
      }
    }
    return out;
  }
  if (p.excluded !== undefined) {
    const out = structuredClone(resource);
    for (const name of p.excluded) {
      const [top, sub] = split(name);
      const key = keyOf(out, top);
      if (key === undefined || key === 'id' || key === 'schemas') continue;
      if (sub === undefined) Reflect.deleteProperty(out, key);
      else {
        const target = out[key];
        for (const t of Array.isArray(target) ? target : [target]) {
          if (!isPlainObject(t)) continue;
          const subKey = keyOf(t, sub);
          if (subKey !== undefined) Reflect.deleteProperty(t, subKey);
        }
      }
    }
    return out;
  }
  return resource;
}
