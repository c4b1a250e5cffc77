// The JSON copy of contexts.yml (cache.ts): used only for exactly the text it was made from, by this version, from a
// private file of the user's own; never written where others could write, nor through a planted symlink.
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/kit/run.js';
import { cachePathFor, readCachedContexts } from './cache.js';
import { readContexts } from './contexts.js';
import { updateContexts } from './transaction.js';

const TEXT =
  'current-context: a\ncontexts:\n  a:\n    server: https://a.example.com\n    headers:\n      Authorization: Bearer k\n  b:\n    server: https://b.example.com\n';

/** A private `.qlik` directory holding contexts.yml with `text`. */
async function contextsFile(text = TEXT): Promise<string> {
  const dir = join(await tempHome(), '.qlik');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const path = join(dir, 'contexts.yml');
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

/** Rewrite the cache file's JSON, keeping it private. */
async function editCache(path: string, edit: (c: Record<string, unknown>) => void): Promise<void> {
  const cache = cachePathFor(path);
  const c = JSON.parse(await readFile(cache, 'utf8')) as Record<string, unknown>;
  edit(c);
  await writeFile(cache, JSON.stringify(c), { mode: 0o600 });
}

describe('the contexts cache', () => {
  it('a first read writes a private copy that the next read uses', async () => {
    const path = await contextsFile();
    const first = await readContexts(path);
    expect((await stat(cachePathFor(path))).mode & 0o777).toBe(0o600);
    expect(await readCachedContexts(path, TEXT)).toEqual({
      current: 'a',
      contexts: [
        ['a', { server: 'https://a.example.com', headers: { Authorization: 'Bearer k' } }],
        ['b', { server: 'https://b.example.com' }],
      ],
    });
    // What the copy says is what a read returns (changed here, so that the answer can only come from the copy).
    await editCache(path, (c) => (c.current = 'b'));
    const second = await readContexts(path);
    expect(first.current).toBe('a');
    expect(second.current).toBe('b');
    expect(second.names()).toEqual(['a', 'b']);
    expect(second.get('a')).toEqual(first.get('a'));
  });

  it('is ignored once the file changes by a single byte, and replaced', async () => {
    const path = await contextsFile();
    await readContexts(path);
    await writeFile(path, TEXT.replace('current-context: a', 'current-context: b'));
    expect((await readContexts(path)).current).toBe('b');
    expect(await readCachedContexts(path, TEXT)).toBeUndefined();
    expect((await readCachedContexts(path, await readFile(path, 'utf8')))?.current).toBe('b');
  });

  it('is ignored when made by another version, for another file, or not private', async () => {
    for (const edit of [
      (c: Record<string, unknown>) => (c.cli = '0.0.1-other'),
      (c: Record<string, unknown>) => (c.file = '/elsewhere/contexts.yml'),
      (c: Record<string, unknown>) => (c.format = 2),
    ]) {
      const path = await contextsFile();
      await readContexts(path);
      await editCache(path, (c) => {
        c.current = 'b';
        edit(c);
      });
      expect((await readContexts(path)).current).toBe('a');
    }
    const path = await contextsFile();
    await readContexts(path);
    await editCache(path, (c) => (c.current = 'b'));
    await chmod(cachePathFor(path), 0o644);
    expect((await readContexts(path)).current).toBe('a');
  });

  it('is neither read nor written where other users could write', async () => {
    const path = await contextsFile();
    await readContexts(path);
    await editCache(path, (c) => (c.current = 'b'));
    await chmod(path, 0o666);
    const snap = await readContexts(path);
    expect(snap.current).toBe('a');
    expect(snap.warnings).toHaveLength(1);
    const fresh = await contextsFile();
    await chmod(fresh, 0o666);
    await readContexts(fresh);
    await expect(stat(cachePathFor(fresh))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replaces a symlink planted at its path instead of writing through it', async () => {
    const path = await contextsFile();
    const victim = join(await tempHome(), 'victim');
    await writeFile(victim, 'precious\n');
    await symlink(victim, cachePathFor(path));
    await readContexts(path);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect((await stat(cachePathFor(path))).isFile()).toBe(true);
    expect((await readCachedContexts(path, TEXT))?.current).toBe('a');
  });

  it('is not written for values JSON cannot give back exactly (NaN in a field the CLI does not know)', async () => {
    const path = await contextsFile(`${TEXT}    x-ratio: .nan\n`);
    expect((await readContexts(path)).get('b')?.['x-ratio']).toBeNaN();
    await expect(stat(cachePathFor(path))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is refreshed by a write, so that the read after it needs no parse', async () => {
    const path = await contextsFile();
    await updateContexts(path, (doc) => (doc.current = 'b'));
    const text = await readFile(path, 'utf8');
    expect((await readCachedContexts(path, text))?.current).toBe('b');
  });
});
