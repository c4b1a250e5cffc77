import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, readlink, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/kit/run.js';
import { ensureDir, pidAlive, removeStaleTempFiles, writeFileAtomic } from './atomic.js';

/** A fresh directory for one test (removed after the file). */
const freshDir = tempHome;

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid;
}

describe('writeFileAtomic', () => {
  it('writes the data with mode 0600 whatever the umask, replacing an existing file', async () => {
    const dir = await freshDir();
    const path = join(dir, 'f.yml');
    await writeFile(path, 'old', { mode: 0o644 });
    await chmod(path, 0o644);
    const old = process.umask(0o000);
    try {
      await writeFileAtomic(path, 'new content\n');
    } finally {
      process.umask(old);
    }
    expect(await readFile(path, 'utf8')).toBe('new content\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['f.yml']);
  });

  it('honours an explicit mode', async () => {
    const path = join(await freshDir(), 'f');
    await writeFileAtomic(path, 'x', { mode: 0o640 });
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it('creates missing parent directories with mode 0700 but leaves existing ones alone', async () => {
    const dir = await freshDir();
    await chmod(dir, 0o755);
    const path = join(dir, 'a', 'b', 'f');
    await writeFileAtomic(path, 'x');
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
  });

  it('ensureDir is a no-op for an existing directory', async () => {
    const dir = await freshDir();
    await chmod(dir, 0o750);
    ensureDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o750);
  });

  it('writes large data completely', async () => {
    const path = join(await freshDir(), 'big');
    const data = 'é'.repeat(3 * 1024 * 1024);
    await writeFileAtomic(path, data);
    expect(await readFile(path, 'utf8')).toBe(data);
  });

  it('removes its temp file and leaves the target alone when the rename fails', async () => {
    const dir = await freshDir();
    const target = join(dir, 'target');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'k');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
    expect(await readdir(target)).toEqual(['keep']);
  });

  it('writes through a symlink to the real file and keeps the link', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'real'), 'old');
    await symlink(join(dir, 'real'), join(dir, 'link'));
    await writeFileAtomic(join(dir, 'link'), 'new');
    expect(await readlink(join(dir, 'link'))).toBe(join(dir, 'real'));
    expect(await readFile(join(dir, 'real'), 'utf8')).toBe('new');
  });

  it('replaces a dangling symlink instead of following it', async () => {
    const dir = await freshDir();
    await symlink(join(dir, 'elsewhere'), join(dir, 'link'));
    await writeFileAtomic(join(dir, 'link'), 'new');
    expect((await readdir(dir)).sort()).toEqual(['link']);
    expect(await readFile(join(dir, 'link'), 'utf8')).toBe('new');
  });
});

describe('removeStaleTempFiles', () => {
  it('removes temp files of dead processes and old ones, keeps live and unrelated files', async () => {
    const dir = await freshDir();
    const target = join(dir, 'contexts.yml');
    await writeFile(target, 'x');
    const dead = `.contexts.yml.${deadPid()}.abcdef.tmp`;
    const live = `.contexts.yml.${process.ppid}.abcdef.tmp`;
    const old = `.contexts.yml.${process.ppid}.123456.tmp`;
    const other = `.other.yml.${deadPid()}.abcdef.tmp`;
    for (const f of [dead, live, old, other]) await writeFile(join(dir, f), 'partial');
    const past = new Date(Date.now() - 3600_000);
    await utimes(join(dir, old), past, past);
    removeStaleTempFiles(target);
    expect((await readdir(dir)).sort()).toEqual([live, other, 'contexts.yml'].sort());
  });

  it('pidAlive tells live from dead processes', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(deadPid())).toBe(false);
    expect(pidAlive(0)).toBe(false);
    expect(pidAlive(-1)).toBe(false);
  });
});
