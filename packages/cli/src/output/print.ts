// Output on stdout: pretty JSON (2-space indent, trailing newline), ids one per line (-q), and tables.
import type { IOStreams } from '../iostreams/iostreams.js';

/** Qlik's CLI drops the `links` objects from resources and from the top level of a list. */
export function stripLinks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLinks);
  if (value && typeof value === 'object') {
    const { links: _links, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  return value;
}

export function printJson(io: IOStreams, value: unknown): Promise<void> {
  return io.print(`${JSON.stringify(value, null, 2)}\n`);
}

export function printIds(io: IOStreams, items: readonly unknown[]): Promise<void> {
  const ids = items
    .map((item) => (item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined))
    .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number');
  return ids.length > 0 ? io.print(`${ids.join('\n')}\n`) : Promise.resolve();
}

/** A table: aligned columns on a terminal, tab-separated values when piped (gh's tableprinter model). */
export function printTable(io: IOStreams, header: readonly string[], rows: readonly (readonly string[])[]): Promise<void> {
  const all = [header, ...rows];
  if (!io.isStdoutTTY) return io.print(all.map((r) => r.join('\t')).join('\n') + '\n');
  const widths = header.map((_h, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const lines = all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
  return io.print(lines.join('\n') + '\n');
}
