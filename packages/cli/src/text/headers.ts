// Header maps: merging layers case-insensitively, and checking every header before any request is sent.
import { FlagError } from '../errors/errors.js';

/** The name of the Authorization header among `headers` (any case), or undefined. */
export function authorizationHeader(headers: Record<string, unknown> | undefined): string | undefined {
  return Object.keys(headers ?? {}).find((h) => h.toLowerCase() === 'authorization');
}

/** A later layer replaces an earlier one, whatever the case of the name. */
export function mergeHeaders(...layers: Record<string, string>[]): Record<string, string> {
  let out: [string, string][] = [];
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      out = out.filter(([existing]) => existing.toLowerCase() !== k.toLowerCase());
      out.push([k, v]);
    }
  }
  return Object.fromEntries(out);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** The first character beyond Latin-1 (with `u`, a whole surrogate pair). */
const WIDE = /[\u0100-\u{10ffff}]/u;

/** What is wrong with one header, or undefined. */
function headerProblem(name: string, value: unknown): string | undefined {
  if (!TOKEN.test(name)) return `invalid header name ${JSON.stringify(name)}`;
  if (typeof value !== 'string') return `header ${name} must be a string`;
  if (/[\r\n]/.test(value)) return `header ${name} has a line break (CR or LF) in its value`;
  if (value.includes('\0')) return `header ${name} has a NUL character in its value`;
  if (CONTROL.test(value)) return `header ${name} has a control character in its value`;
  // HTTP/1.1 header values are bytes; Node sends them as Latin-1, so anything beyond U+00FF would be mangled. (A
  // regular expression: walking a token of hundreds of characters one by one cost every client 0.1 ms.)
  const wide = WIDE.exec(value)?.[0];
  if (wide !== undefined)
    return `header ${name} has a character outside Latin-1 (${JSON.stringify(wide)}) in its value`;
  return undefined;
}

/** Reject header names that are not RFC 9110 tokens and values a request cannot carry; `source` names where they came from. */
export function checkHeaders(headers: Record<string, unknown>, source: string): void {
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) throw new FlagError(`${source}: ${problem}`);
  }
}
