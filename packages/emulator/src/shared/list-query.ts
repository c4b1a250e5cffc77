// The query parameters every list route shares: strict mode's refusal of unknown and repeated parameters, `limit`,
// `sort`, Go-style booleans, a pair of mutually exclusive position parameters (`next`/`prev`, `startingAfter`/
// `endingBefore`) and the opaque cursor tokens of `links.next`/`links.prev`. Each parser takes the service's `Fail`
// (called with the detail and the parameter's name), so each service answers in its own error shape.
import { strictViolation, wholeNumber, splitSort, type Fail } from './validate.js';

/** With `strict`: a 400 for the first parameter, in order, that is not in `allowed` or that is repeated. */
export function refuseUnknownParams(query: URLSearchParams, allowed: readonly string[], fail: Fail): void {
  const violation = strictViolation(query, allowed);
  if (!violation) return;
  const { name, repeated } = violation;
  throw fail(repeated ? `Query parameter "${name}" must not be repeated` : `Unknown query parameter "${name}"`, name);
}

/** `limit`: a whole number from 1 to 100 (also when written as a float, `20.0`). */
export function parseLimit(raw: string, fail: Fail, name = 'limit'): number {
  const value = wholeNumber(raw);
  if (!(value >= 1 && value <= 100)) throw fail(`"${name}" must be an integer between 1 and 100`, name);
  return value;
}

/** `sort`: one of `fields`, optionally prefixed with + or - (`text` is the sort as given, with a literal "+"). */
export function parseSort<F extends string>(
  raw: string,
  fields: readonly F[],
  fail: Fail,
): { field: F; descending: boolean; text: string } {
  const { field, descending, text } = splitSort(raw);
  if (!(fields as readonly string[]).includes(field))
    throw fail(`"sort" must be one of ${fields.join(', ')}, optionally prefixed with + or -`, 'sort');
  return { field: field as F, descending, text };
}

/** A boolean as Go's strconv.ParseBool reads it (Qlik's services are written in Go). */
export function parseGoBool(raw: string, name: string, fail: Fail): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  throw fail(`"${name}" must be true or false`, name);
}

/**
 * Which of two mutually exclusive position parameters was given (`forward` is `next` or `startingAfter`), with its
 * value; a 400 naming the second when both are.
 */
export function pagePosition(
  query: URLSearchParams,
  [forward, backward]: readonly [string, string],
  fail: Fail,
): { direction: 'next' | 'prev'; parameter: string; value: string } | undefined {
  const ahead = query.get(forward);
  const back = query.get(backward);
  if (ahead !== null && back !== null) throw fail(`"${forward}" and "${backward}" cannot be used together`, backward);
  if (ahead !== null) return { direction: 'next', parameter: forward, value: ahead };
  if (back !== null) return { direction: 'prev', parameter: backward, value: back };
  return undefined;
}

// ---- cursor tokens ----

/** What a cursor token carries besides its tag and the id it points at (a sort value). */
export type CursorValue = string | number | null;

/**
 * An opaque page token: base64url of the JSON array `[tag, ...values, id]`. The tag ties a token to the list and
 * sort order that made it (a token of another query is refused); the values are the sort key at the id.
 */
export function encodeCursor(tag: string, values: readonly CursorValue[], id: string): string {
  return Buffer.from(JSON.stringify([tag, ...values, id])).toString('base64url');
}

/** The values and id of a token made by `encodeCursor(tag, values, id)` with `arity` values; a 400 otherwise. */
export function decodeCursor(
  raw: string,
  tag: string,
  arity: number,
  parameter: string,
  fail: Fail,
): { values: CursorValue[]; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === arity + 2 && parsed[0] === tag) {
    const values: unknown[] = parsed.slice(1, -1);
    const id: unknown = parsed[parsed.length - 1];
    const isValue = (v: unknown): v is CursorValue => v === null || typeof v === 'string' || typeof v === 'number';
    if (values.every(isValue) && typeof id === 'string') return { values, id };
  }
  throw fail(`"${parameter}" is not a cursor of this query (cursors come from links.next and links.prev)`, parameter);
}

// ---- pages of an in-memory list ----

/** Where a page starts: after (`next`) or before (`prev`) the item with this id. */
export interface PageCursor {
  direction: 'next' | 'prev';
  id: string;
}

/**
 * One page of `all` (already filtered and sorted): the first `limit` items, or those after / before the cursor's
 * item; `unknown` builds the error for a cursor whose item is not in the list. `links` has `self` (the request's own
 * position token), and `next` / `prev` with cursor tokens (tagged `tag`) where there are more items.
 */
export function listPage<T>(
  all: readonly T[],
  idOf: (item: T) => string,
  q: { limit: number; cursor?: PageCursor | undefined },
  unknown: (direction: string) => Error,
  links: { href: string; params: readonly [string, string][]; query: URLSearchParams; tag: string },
): { items: T[]; links: Record<string, { href: string }> } {
  let start = 0;
  let end = all.length;
  if (q.cursor) {
    const at = all.findIndex((item) => idOf(item) === q.cursor?.id);
    if (at < 0) throw unknown(q.cursor.direction);
    if (q.cursor.direction === 'next') start = at + 1;
    else end = at;
  }
  if (q.cursor?.direction === 'prev') start = Math.max(0, end - q.limit);
  else end = Math.min(end, start + q.limit);
  const items = all.slice(start, end);
  const href = (position?: [string, string]): { href: string } => {
    const params = new URLSearchParams([...links.params]);
    if (position) params.set(position[0], position[1]);
    const search = params.toString();
    return { href: `${links.href}${search === '' ? '' : `?${search}`}` };
  };
  const own = q.cursor ? links.query.get(q.cursor.direction) : null;
  const out: Record<string, { href: string }> = {
    self: href(q.cursor && own !== null ? [q.cursor.direction, own] : undefined),
  };
  const first = items[0];
  const last = items[items.length - 1];
  if (last !== undefined && end < all.length) out['next'] = href(['next', encodeCursor(links.tag, [], idOf(last))]);
  if (first !== undefined && start > 0) out['prev'] = href(['prev', encodeCursor(links.tag, [], idOf(first))]);
  return { items, links: out };
}
