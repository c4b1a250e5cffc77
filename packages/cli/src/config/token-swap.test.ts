// A rotation's change to the contexts file (token-swap.ts): the token replaced in place only where the text leaves no
// doubt which characters hold it (then every other byte stays, and the JSON copy matches), through yaml otherwise; the
// check and the caller's own write run under the lock, before the file is written.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempHome } from '../../../../test/kit/run.js';
import { cachePathFor, readCachedContexts } from './cache.js';
import { readContexts } from './contexts.js';
import { replaceTokenInText, swapContextToken } from './token-swap.js';

const OLD = 'eyJhbGciOiJFUzM4NCJ9.eyJqdGkiOiJvbGQifQ.c2lnLW9sZA';
const NEW = 'eyJhbGciOiJFUzM4NCJ9.eyJqdGkiOiJuZXcifQ.c2lnLW5ldw';

/** What yaml reads from `text` as context `name`'s Authorization header. */
function headerIn(text: string, name = 'a'): unknown {
  const doc = parse(text) as { contexts: Record<string, { headers: { Authorization: unknown } }> };
  return doc.contexts[name]?.headers.Authorization;
}

describe('replaceTokenInText', () => {
  const styles: [string, string][] = [
    ['plain', `Authorization: Bearer ${OLD}`],
    ['single-quoted', `Authorization: 'Bearer ${OLD}'`],
    ['double-quoted', `Authorization: "Bearer ${OLD}"`],
    ['a flow map', `{ Authorization: Bearer ${OLD} }`],
  ];
  for (const [style, line] of styles) {
    it(`replaces the token of a ${style} value and nothing else`, () => {
      const text = `# mine\ncurrent-context: a\ncontexts:\n  a:\n    server:   https://x.example.com\n    headers: ${line.startsWith('{') ? line : `\n      ${line}`}\n  b:\n    server: https://y.example.com # a comment\n`;
      const out = replaceTokenInText(text, `Bearer ${OLD}`, `Bearer ${NEW}`);
      expect(out).toBe(text.replace(OLD, NEW));
      expect(headerIn(text)).toBe(`Bearer ${OLD}`);
      expect(headerIn(out ?? '')).toBe(`Bearer ${NEW}`);
    });
  }

  it('keeps CRLF line ends', () => {
    const text = `contexts:\r\n  a:\r\n    headers:\r\n      Authorization: Bearer ${OLD}\r\n`;
    expect(replaceTokenInText(text, `Bearer ${OLD}`, `Bearer ${NEW}`)).toBe(text.replace(OLD, NEW));
  });

  const refused: [string, string][] = [
    ['the token also in a comment', `contexts:\n  a:\n    headers:\n      Authorization: Bearer ${OLD} # was ${OLD}\n`],
    [
      'the token in another context too',
      `contexts:\n  a:\n    headers:\n      Authorization: Bearer ${OLD}\n  b:\n    headers:\n      Authorization: Bearer ${OLD}\n`,
    ],
    ['an anchor', `contexts:\n  a:\n    headers: &h\n      Authorization: Bearer ${OLD}\n  b:\n    headers: *h\n`],
    ['an escape', `contexts:\n  a:\n    headers:\n      Authorization: "Bearer ${OLD}"\n    note: "\\u0041"\n`],
    ['a block scalar', `contexts:\n  a:\n    headers:\n      Authorization: >-\n        Bearer ${OLD}\n`],
    ['a tag', `contexts:\n  a:\n    headers:\n      Authorization: !!str Bearer ${OLD}\n`],
    ['the new token already there', `contexts:\n  a:\n    headers:\n      Authorization: Bearer ${OLD}\n# ${NEW}\n`],
  ];
  for (const [why, text] of refused) {
    it(`declines with ${why}`, () => {
      expect(replaceTokenInText(text, `Bearer ${OLD}`, `Bearer ${NEW}`)).toBeUndefined();
    });
  }

  it('declines values that are not a bearer JWT, old or new', () => {
    const text = `contexts:\n  a:\n    headers:\n      Authorization: Bearer ${OLD}\n`;
    expect(replaceTokenInText(text, `Basic ${OLD}`, `Bearer ${NEW}`)).toBeUndefined();
    expect(replaceTokenInText(text, `Bearer ${OLD}`, `Bearer ${NEW} x`)).toBeUndefined();
    expect(replaceTokenInText(text, `Bearer ${OLD}`, `Bearer "${NEW}"`)).toBeUndefined();
    expect(replaceTokenInText('Authorization: Bearer short', 'Bearer short', `Bearer ${NEW}`)).toBeUndefined();
  });
});

/** A private `.qlik` directory holding contexts.yml with `text`, read once so that its JSON copy exists. */
async function contextsFile(text: string, withCopy = true): Promise<string> {
  const dir = join(await tempHome(), '.qlik');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const path = join(dir, 'contexts.yml');
  await writeFile(path, text, { mode: 0o600 });
  if (withCopy) await readContexts(path);
  return path;
}

const swapTo = (value: string, log: string[] = [], path = '') => ({
  check: (ctx: { headers?: Record<string, string> } | undefined) => {
    log.push(`check ${ctx?.headers?.Authorization ?? 'none'}`);
    if (ctx?.headers?.Authorization !== `Bearer ${OLD}`) throw new Error('changed');
    return { header: 'Authorization', value };
  },
  beforeWrite: async () => {
    log.push(`before write: ${(await readFile(path, 'utf8')).includes(OLD) ? 'old' : 'new'}`);
  },
});

describe('swapContextToken', () => {
  // Spacing and a comment that yaml would render otherwise: kept, byte for byte, by the in-place edit.
  const TEXT = `current-context: a   # mine\ncontexts:\n  a:\n    server:    https://x.example.com\n    headers:\n      Authorization:   Bearer ${OLD}\n`;

  it('in place: every byte but the token kept, the JSON copy made for the new text, the caller first', async () => {
    const path = await contextsFile(TEXT);
    const log: string[] = [];
    await swapContextToken(path, 'a', swapTo(`Bearer ${NEW}`, log, path));
    const text = await readFile(path, 'utf8');
    expect(text).toBe(TEXT.replace(OLD, NEW));
    expect(log).toEqual([`check Bearer ${OLD}`, 'before write: old']);
    // The next read uses the copy, and the copy says what a parse of the file says.
    const cached = await readCachedContexts(path, text);
    expect(cached?.contexts[0]?.[1].headers?.Authorization).toBe(`Bearer ${NEW}`);
    await rm(cachePathFor(path));
    expect((await readContexts(path)).get('a')).toEqual(cached?.contexts[0]?.[1]);
  });

  it('through yaml when the text leaves a doubt (the token in a comment): the value changes, the comment stays', async () => {
    const text = `${TEXT}# the key before: ${OLD}\n`;
    const path = await contextsFile(text);
    const log: string[] = [];
    await swapContextToken(path, 'a', swapTo(`Bearer ${NEW}`, log, path));
    const after = await readFile(path, 'utf8');
    expect(headerIn(after)).toBe(`Bearer ${NEW}`);
    expect(after).toContain(`# the key before: ${OLD}`);
    // Checked by the in-place attempt, then again in yaml's transaction.
    expect(log).toEqual([`check Bearer ${OLD}`, `check Bearer ${OLD}`, 'before write: old']);
    expect((await readContexts(path)).get('a')?.headers?.Authorization).toBe(`Bearer ${NEW}`);
  });

  it('through yaml when there is no JSON copy yet', async () => {
    const path = await contextsFile(TEXT, false);
    await swapContextToken(path, 'a', swapTo(`Bearer ${NEW}`, [], path));
    expect(headerIn(await readFile(path, 'utf8'))).toBe(`Bearer ${NEW}`);
  });

  it('a failed check writes nothing, on either way', async () => {
    // (Without a JSON copy the check runs in yaml's transaction.)
    for (const withCopy of [true, false]) {
      const path = await contextsFile(TEXT.replace(OLD, 'eyJhbGciOiJub25lIn0.eyJqdGkiOiJvdGhlciJ9.eA'), withCopy);
      const before = await readFile(path, 'utf8');
      const log: string[] = [];
      await expect(swapContextToken(path, 'a', swapTo(`Bearer ${NEW}`, log, path))).rejects.toThrow('changed');
      expect(await readFile(path, 'utf8')).toBe(before);
      expect(log.some((l) => l.startsWith('before write'))).toBe(false);
    }
  });
});
