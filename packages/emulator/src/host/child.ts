// startEmulator({ mode: 'child' }): runs bin/qlik-emulator.js with the same options as flags, reads
// its startup line, forwards its stderr lines to `log`, and stops it with SIGTERM (SIGKILL after 5 s).
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Emulator, StartOptions } from '../public-types.js';
import { emulatorHandle } from '../handle.js';
import type { StartupInfo } from '../shared/info.js';
import { PARENT_PID_ENV } from './lifecycle.js';
import { serviceOptions, toFlags } from './options.js';

/** bin/ seen from dist/ (this module bundled into dist/*.js) and from src/host/ (tests run the source) alike. */
const BIN = fileURLToPath(
  new URL(`${import.meta.url.endsWith('/src/host/child.ts') ? '../..' : '..'}/bin/qlik-emulator.js`, import.meta.url),
);
const READY_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;
const LOG_PREFIX = '[qlik-emulator] ';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children still running when this process exits are killed, never left behind. */
function killLeftovers(): void {
  for (const child of live) child.kill('SIGKILL');
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitText({ code, signal }: Exit): string {
  return signal === null ? `exited with code ${code ?? '?'}` : `was ended by ${signal}`;
}

/** Splits a stream into lines; calls `onLine` for each complete one. */
function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (buffered !== '') onLine(buffered);
  });
}

/** Writes a seed object where the child can read it (0600, in a fresh directory); returns the file and its cleanup. */
function seedFile(opts: StartOptions): { path?: string; cleanup: () => void } {
  if (opts.seed === undefined || typeof opts.seed === 'string') return { cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'qlik-emulator-seed-'));
  const path = join(dir, 'seed.json');
  writeFileSync(path, JSON.stringify(opts.seed), { mode: 0o600 });
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startChild(opts: StartOptions): Promise<Emulator> {
  // The same checks (and messages) as in-process, before anything is spawned.
  serviceOptions(opts);
  if (!exitHookInstalled) {
    process.once('exit', killLeftovers);
    exitHookInstalled = true;
  }
  const log = typeof opts.log === 'function' ? opts.log : undefined;
  const seed = seedFile(opts);
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    // Our pid goes with it: a child that starts after this process died knows at once (lifecycle.ts).
    child = spawn(process.execPath, [BIN, ...toFlags(opts, seed.path)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) },
    });
  } catch (e) {
    seed.cleanup();
    throw e;
  }
  live.add(child);
  const tail: string[] = [];
  lines(child.stderr, (raw) => {
    const line = raw.startsWith(LOG_PREFIX) ? raw.slice(LOG_PREFIX.length) : raw;
    tail.push(line);
    if (tail.length > 50) tail.shift();
    log?.(line);
  });
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exit = { code, signal };
      resolve(exit);
    });
  });
  let info: StartupInfo;
  try {
    info = await new Promise<StartupInfo>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`qlik-emulator did not start within ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      lines(child.stdout, (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as StartupInfo);
        } catch {
          child.kill('SIGKILL');
          reject(new Error('qlik-emulator printed a startup line that is not JSON'));
        }
      });
      void exited.then((e) => {
        clearTimeout(timer);
        // The child's last stderr line is its one-line error (e.g. "qlik-emulator: invalid --seed …").
        const reason = tail.at(-1)?.replace(/^qlik-emulator: /, '');
        reject(new Error(`qlik-emulator ${exitText(e)} before it was ready${reason ? `: ${reason}` : ''}`));
      });
    });
  } finally {
    seed.cleanup();
  }

  const shutdown = async (): Promise<void> => {
    const before = exit;
    if (!before) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
    const end = await exited;
    // A killed child cannot remove its temporary certificate; do it for it.
    if (end.code !== 0 && info.caCert !== undefined && opts.data === undefined) rmSync(info.caCert, { force: true });
    if (before) throw new Error(`qlik-emulator had already stopped: it ${exitText(before)}`);
    if (end.code !== 0) throw new Error(`qlik-emulator did not stop cleanly on SIGTERM: it ${exitText(end)}`);
  };
  return emulatorHandle(info, shutdown);
}
