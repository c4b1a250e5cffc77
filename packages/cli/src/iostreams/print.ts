// Output on stdout: pretty JSON (2-space indent, trailing newline; exact, with what a terminal would act on written as
// string escapes), and human output with terminal control sequences removed: ids one per line (-q) and tables.
import { inertData, safeField } from '../text/safety.js';
import type { IOStreams } from './iostreams.js';

/** Qlik's CLI drops the `links` objects from resources and from the top level of a list. */
export function stripLinks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLinks);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => k !== 'links'));
  }
  return value;
}

export function printJson(io: IOStreams, value: unknown): Promise<void> {
  return io.print(`${inertData(JSON.stringify(value, null, 2))}\n`);
}

export function printIds(io: IOStreams, items: readonly unknown[]): Promise<void> {
  const ids = items
    .map((item) => (item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined))
    .filter((id): id is string | number => typeof id === 'string' || typeof id === 'number');
  return ids.length > 0 ? io.printHuman(`${ids.map((id) => safeField(String(id))).join('\n')}\n`) : Promise.resolve();
}

/**
 * A table, after gh's tableprinter: on a terminal, columns aligned by cli-table3 (which measures East Asian wide
 * characters) with no borders; when piped, tab-separated values that scripts can cut.
 */
export async function printTable(
  io: IOStreams,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): Promise<void> {
  const cells = [header, ...rows].map((r) => r.map(safeField));
  if (!io.isStdoutTTY) {
    await io.printHuman(cells.map((r) => r.join('\t')).join('\n') + '\n');
    return;
  }
  const mod = (await import('cli-table3')) as unknown as { default?: unknown };
  const Table = (mod.default ?? mod) as new (opts: object) => { push(row: string[]): void; toString(): string };
  const none = {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  };
  const table = new Table({ chars: none, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  for (const r of cells) table.push(r);
  const text = table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
  await io.printHuman(`${text}\n`);
}
