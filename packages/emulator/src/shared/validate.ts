// Generic validators for request bodies and query strings, used by every service. Each one throws the
// ApiError its `Fail` factory builds, naming the offending field (source.pointer) or query parameter.
import { addDuration, parsePositiveDuration } from './clock.js';
import type { ApiError } from './errors.js';

/** Builds the error for a bad value at a JSON pointer (a body's) or named by a query parameter (a query's). */
export type Fail = (detail: string, pointer: string) => ApiError;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 pointer from path segments. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The body as an object that has no fields besides `allowed`. */
export function objectBody(body: unknown, allowed: readonly string[], fail: Fail, at = ''): Record<string, unknown> {
  if (!isPlainObject(body)) throw fail('The value must be a JSON object', at);
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw fail(`Unknown field "${key}"`, `${at}${pointer(key)}`);
  }
  return body;
}

export function optionalString(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
  nonEmpty = false,
): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw fail(`"${key}" must be a string`, pointer(key));
  if (nonEmpty && value.length === 0) throw fail(`"${key}" must not be empty`, pointer(key));
  return value;
}

export function requiredString(obj: Record<string, unknown>, key: string, fail: Fail): string {
  const value = optionalString(obj, key, fail, true);
  if (value === undefined) throw fail(`"${key}" is required`, pointer(key));
  return value;
}

export function optionalEnum<T extends string>(
  obj: Record<string, unknown>,
  key: string,
  values: readonly T[],
  fail: Fail,
): T | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw fail(`"${key}" must be one of: ${values.join(', ')}`, pointer(key));
  }
  return value as T;
}

export function optionalNumber(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
  range: { min: number; max: number; integer?: boolean },
): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (range.integer === true && !Number.isInteger(value))) {
    throw fail(`"${key}" must be ${range.integer === true ? 'an integer' : 'a number'}`, pointer(key));
  }
  if (value < range.min || value > range.max)
    throw fail(`"${key}" must be between ${range.min} and ${range.max}`, pointer(key));
  return value;
}

/** A strictly positive ISO-8601 duration that can be added to `now`. */
export function checkDuration(value: unknown, at: string, fail: Fail, now: number): string {
  const name = at.slice(1);
  if (typeof value !== 'string') throw fail(`"${name}" must be an ISO 8601 duration string, e.g. P7D`, at);
  const duration = parsePositiveDuration(value);
  if (!duration) throw fail(`"${name}" must be a positive ISO 8601 duration, e.g. P7D or PT24H`, at);
  if (addDuration(now, duration) === undefined) throw fail(`"${name}" is out of range`, at);
  return value;
}

// ---- query parameters (the list routes' parsers are in list-query.ts) ----

/** A JSON-style number without sign: `20`, `20.0`, `2e1`. */
const NUMBER_RE = /^\d{1,16}(\.\d{1,16})?([eE][+-]?\d{1,3})?$/;

/** An integer parameter's value: a whole number, also when written as a float (`20.0`), as some SDKs send it; NaN otherwise. */
export function wholeNumber(raw: string): number {
  const value = NUMBER_RE.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(value) ? value : NaN;
}

/** A sort parameter as an optional +/- and a field name; a literal "+" decodes to a space and counts as the "+". */
export function splitSort(raw: string): { field: string; descending: boolean; text: string } {
  const text = raw.startsWith(' ') ? `+${raw.slice(1)}` : raw;
  const sign = text[0] === '+' || text[0] === '-' ? text[0] : '';
  return { field: text.slice(sign.length), descending: sign === '-', text };
}

/** For strict mode: the first query parameter, in order, whose name is not in `allowed` or that is repeated. */
export function strictViolation(
  query: URLSearchParams,
  allowed: readonly string[],
): { name: string; repeated: boolean } | undefined {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!allowed.includes(name)) return { name, repeated: false };
    if (seen.has(name)) return { name, repeated: true };
    seen.add(name);
  }
  return undefined;
}
