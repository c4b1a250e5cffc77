import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/kit/run.js';
import { CliError, ConfigError } from '../errors/errors.js';
import { withFileLock } from './lock.js';

async function freshFile(): Promise<string> {
  const dir = await tempHome();
  return join(dir, 'contexts.yml');
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

/** Plant a lock directory as another process would have left it. */
async function plantLock(path: string, owner: { pid: number; host?: string }, ageMs = 0): Promise<string> {
  const lockDir = `${path}.lock`;
  await mkdir(lockDir);
  const file = join(lockDir, 'owner.planted');
  await writeFile(file, JSON.stringify({ pid: owner.pid, host: owner.host ?? hostname(), time: Date.now() - ageMs }));
  const t = new Date(Date.now() - ageMs);
  await utimes(file, t, t);
  return lockDir;
}

describe('withFileLock', () => {
  it('runs critical sections one at a time and returns their result', async () => {
    const path = await freshFile();
    let inside = 0;
    let maxInside = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withFileLock(path, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(2);
          inside--;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(maxInside).toBe(1);
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('releases the lock when the callback throws', async () => {
    const path = await freshFile();
    await expect(withFileLock(path, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readdir(join(path, '..'))).toEqual([]);
    expect(await withFileLock(path, () => Promise.resolve('again'))).toBe('again');
  });

  it('creates the parent directory (mode 0700)', async () => {
    const path = join(await freshFile(), '..', 'sub', 'contexts.yml');
    await withFileLock(path, async () => {
      expect((await stat(`${path}.lock`)).isDirectory()).toBe(true);
    });
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
  });

  it('times out with a CliError naming the lock when a live process holds it', async () => {
    const path = await freshFile();
    const lockDir = await plantLock(path, { pid: process.ppid });
    const started = Date.now();
    const err = await withFileLock(path, () => Promise.resolve(), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toContain(lockDir);
    expect((err as Error).message).toContain(`held by pid ${process.ppid}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await readdir(lockDir)).toEqual(['owner.planted']);
    expect((await readdir(join(path, '..'))).sort()).toEqual(['contexts.yml.lock']);
  });

  it('counts the timeout per owner: a queue that keeps handing the lock over is waited out', async () => {
    const path = await freshFile();
    const lockDir = await plantLock(path, { pid: process.ppid });
    // Hand the planted lock from owner to owner every 200 ms (write the new owner, then drop the old one, so the
    // directory is never empty), and release it after 1.8 s: longer than timeoutMs in total, while each owner holds it
    // a sixth of timeoutMs (a margin for a loaded machine, where a 200 ms sleep can take several times as long).
    const handOver = (async () => {
      let previous = join(lockDir, 'owner.planted');
      for (let i = 0; i < 8; i++) {
        await sleep(200);
        const next = join(lockDir, `owner.next${i}`);
        await writeFile(next, JSON.stringify({ pid: process.ppid, host: hostname(), time: Date.now() }));
        await rm(previous);
        previous = next;
      }
      await sleep(200);
      await rm(lockDir, { recursive: true });
    })();
    const started = Date.now();
    expect(await withFileLock(path, () => Promise.resolve('ok'), { timeoutMs: 1200 })).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1700);
    await handOver;
  });

  it('takes over a lock whose owner died, immediately', async () => {
    const path = await freshFile();
    await plantLock(path, { pid: deadPid() });
    const started = Date.now();
    expect(await withFileLock(path, () => Promise.resolve('ok'), { timeoutMs: 5000 })).toBe('ok');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('takes over a lock that has not been refreshed for staleMs, even if its pid is alive', async () => {
    const path = await freshFile();
    await plantLock(path, { pid: process.ppid }, 10_000);
    expect(await withFileLock(path, () => Promise.resolve('ok'), { timeoutMs: 2000, staleMs: 5000 })).toBe('ok');
  });

  it('does not use the pid of a lock owned by another host, only its age', async () => {
    const path = await freshFile();
    await plantLock(path, { pid: deadPid(), host: 'some-other-host.invalid' });
    const err = await withFileLock(path, () => Promise.resolve(), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    await utimes(join(`${path}.lock`, 'owner.planted'), new Date(0), new Date(0));
    expect(await withFileLock(path, () => Promise.resolve('ok'), { timeoutMs: 2000 })).toBe('ok');
  });

  it('takes over an empty leftover lock directory', async () => {
    const path = await freshFile();
    await mkdir(`${path}.lock`);
    expect(await withFileLock(path, () => Promise.resolve('ok'), { timeoutMs: 2000 })).toBe('ok');
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('keeps a long critical section alive with a heartbeat instead of letting it go stale', async () => {
    const path = await freshFile();
    const order: string[] = [];
    const outer = withFileLock(
      path,
      async () => {
        order.push('outer start');
        await sleep(700);
        order.push('outer end');
      },
      { staleMs: 200 },
    );
    await sleep(50);
    const inner = withFileLock(
      path,
      () => {
        order.push('inner');
        return Promise.resolve();
      },
      { staleMs: 200, timeoutMs: 3000 },
    );
    await Promise.all([outer, inner]);
    expect(order).toEqual(['outer start', 'outer end', 'inner']);
  });

  it('refuses a lock path that is not a lock directory', async () => {
    const path = await freshFile();
    await writeFile(`${path}.lock`, 'not a dir');
    await expect(withFileLock(path, () => Promise.resolve(), { timeoutMs: 200 })).rejects.toBeInstanceOf(ConfigError);
    await rm(`${path}.lock`);
    await mkdir(`${path}.lock`);
    await writeFile(join(`${path}.lock`, 'junk'), 'x');
    await expect(withFileLock(path, () => Promise.resolve(), { timeoutMs: 200 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('removes temp lock directories left by killed processes', async () => {
    const path = await freshFile();
    const leftover = `${path}.lock.${deadPid()}.0123456789ab.tmp`;
    await mkdir(leftover);
    await writeFile(join(leftover, 'owner.x'), '{}');
    await withFileLock(path, () => Promise.resolve());
    expect(await readdir(join(path, '..'))).toEqual([]);
  });
});
