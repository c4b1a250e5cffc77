// JSON from files, stdin and flags: parsed with JSON.parse, and when that fails, the position of the first error
// (line and column, found with jsonc-parser, loaded only then) in one line that never quotes the text itself, which
// may hold a secret.
import { ConfigError } from '../errors/errors.js';

function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Where the first syntax error of `text` is, as `line L, column C: <what>`; undefined when it cannot be found. */
export async function jsonErrorPosition(text: string): Promise<string | undefined> {
  // The ESM build: its UMD main requires files by computed paths, which a bundle cannot hold.
  const { parse, printParseErrorCode } = await import('jsonc-parser/lib/esm/main.js');
  const errors: import('jsonc-parser/lib/esm/main.js').ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return undefined;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${words(printParseErrorCode(first.error))}`;
}

/** Parse JSON or throw a ConfigError `<label>: invalid JSON at line L, column C: <what>` (one line). */
export async function parseJsonText(text: string, label: string): Promise<unknown> {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const where = await jsonErrorPosition(text);
    throw new ConfigError(`${label}: invalid JSON${where === undefined ? '' : ` at ${where}`}`);
  }
}

/** Keys that would give a plain object a prototype (or shadow its constructor) when assigned: refused in bodies. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
