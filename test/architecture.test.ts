// docs/ARCHITECTURE.md leads newcomers to files and helpers: every path and name its emulator section puts in
// backticks must exist, so the page cannot drift from the code unnoticed. A path resolves against the repository,
// packages/emulator or packages/emulator/src (a bare file name anywhere under the emulator); a name must be a word
// of the emulator's source, tests, the test kit or the lint rules. URL paths (`/api/…`), commands and templates
// (`<name>`) are not checked; a glob names its directory.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
const PATH_ROOTS = ['', 'packages/emulator', 'packages/emulator/src'];
const SOURCE_DIRS = [
  'packages/emulator/src',
  'packages/emulator/test',
  'packages/emulator/README.md',
  'test/kit',
  'scripts/lint',
];

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((entry) => files(join(path, entry)));
}

const SOURCES = SOURCE_DIRS.flatMap(files).filter((f) => /\.(ts|mts|cts|js|mjs|cjs|md)$/.test(f));
const WORDS = new Set(SOURCES.flatMap((f) => readFileSync(join(ROOT, f), 'utf8').match(/[A-Za-z_$][\w$]*/g) ?? []));
const BASENAMES = new Set(
  files('packages/emulator')
    .filter((f) => !f.includes('node_modules'))
    .map((f) => basename(f)),
);

function section(title: string): string {
  const start = DOC.indexOf(`## ${title}`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end === -1 ? undefined : end);
}

/** What a backticked token names that does not exist (empty when it all does). */
function missing(token: string): string[] {
  if (token.startsWith('/') || token.startsWith('@') || token.startsWith('npm ') || token.includes('<')) return [];
  if (!token.includes(' ') && (token.includes('/') || /\.(ts|js|mjs|cjs|md|json)$/.test(token))) {
    // A glob (`test/*.test.ts`) names its directory.
    const path = token.replace(/\/$/, '').replace(/\/[^/]*\*.*$/, '');
    const found = path.includes('/')
      ? PATH_ROOTS.some((r) => existsSync(join(ROOT, r, path)))
      : BASENAMES.has(path) || PATH_ROOTS.some((r) => existsSync(join(ROOT, r, path)));
    return found ? [] : [path];
  }
  return (token.match(/[A-Za-z_$][\w$]*/g) ?? []).filter((word) => !WORDS.has(word));
}

describe('docs/ARCHITECTURE.md', () => {
  it('names only paths and helpers that exist, in the emulator section', () => {
    const text = section('The emulator (`packages/emulator/src`)');
    const tokens = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]?.replace(/\s+/g, ' ') ?? '');
    expect(tokens.length).toBeGreaterThan(50);
    expect(tokens.flatMap(missing)).toEqual([]);
  });
});
