// The launcher's fast path: help pages and `qlik version` answered from text rendered at build time, without loading
// the CLI itself (bundled as CommonJS into dist/fast.cjs, read by bin/qlik.cjs). It answers only what it knows
// exactly — every other argv goes to the full CLI — and a test compares every page with the live command tree.

export interface HelpTable {
  version: string;
  /** Help text by command path (`qlik`, `qlik api-key create`). */
  pages: Record<string, string>;
  /** Paths of groups (commands without an action of their own: run bare, they print their help). */
  groups: string[];
}

/** The text for argv, or undefined when the full CLI must run. */
function fastAnswer(argv: readonly string[], table: HelpTable): string | undefined {
  let help = false;
  const words: string[] = [];
  for (const a of argv) {
    if (a === '-h' || a === '--help') help = true;
    else if (a.startsWith('-') || a === '') return undefined;
    else words.push(a);
  }
  if (words[0] === 'help' && !help) return table.pages[['qlik', ...words.slice(1)].join(' ')];
  const path = ['qlik', ...words].join(' ');
  // (A command that runs is answered by the CLI: its page is not read at all.)
  if (!help && !table.groups.includes(path) && path !== 'qlik version') return undefined;
  const page = table.pages[path];
  if (page === undefined) return undefined;
  if (path === 'qlik version' && !help) return `qlik version: ${table.version}\n`;
  return page;
}

/**
 * What the build embeds: the version, the groups, and where each page lies in dist/help.txt (byte offset and length),
 * so that starting up parses a small index and reads one page, not every page.
 */
export interface HelpIndex {
  version: string;
  groups: string[];
  pages: Record<string, [offset: number, length: number]>;
}

declare const __QLIK_HELP_INDEX__: HelpIndex | undefined;

/** Reads `length` bytes at `offset` of help.txt. */
export type PageReader = (offset: number, length: number) => Buffer;

/** help.txt next to this file (dist/help.txt). */
function readHelpFile(offset: number, length: number): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the launcher's CommonJS fast path
  const fs = require('node:fs') as typeof import('node:fs');
  const buf = Buffer.alloc(length);
  const fd = fs.openSync(`${__dirname}/help.txt`, 'r');
  try {
    fs.readSync(fd, buf, 0, length, offset);
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/**
 * Used by bin/qlik.cjs: the answer from the pages rendered at build time. The standalone binaries pass `read`, which
 * takes the pages from their SEA asset instead of a file.
 */
export function answer(argv: readonly string[], read: PageReader = readHelpFile): string | undefined {
  if (typeof __QLIK_HELP_INDEX__ !== 'object') return undefined;
  const index = __QLIK_HELP_INDEX__;
  const pages = new Proxy(
    {},
    {
      get: (_t, path: string) => {
        const at = index.pages[path];
        return at === undefined ? undefined : read(at[0], at[1]).toString('utf8');
      },
    },
  );
  return fastAnswer(argv, { version: index.version, groups: index.groups, pages });
}

/**
 * Writes the answer to fd 1 directly (creating process.stdout would load the stream and, for a pipe, the net module).
 * A reader that went away (EPIPE) ends the run quietly; a full non-blocking pipe is waited for.
 */
export function writeOut(text: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the launcher's CommonJS fast path
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') continue;
      if (code !== 'EPIPE') process.exitCode = 1;
      return;
    }
  }
}
