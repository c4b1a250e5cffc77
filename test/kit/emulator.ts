// Test kit: the emulator for the repository's tests, over @qlik-ts/emulator's startEmulator() (inside this repository
// that import is the package's TypeScript source). The handle (test/kit/handle.mjs, shared with the reliability lab)
// is the library's own (`faults.add`, `control`, `reset`, `addUser`, …) plus the seeded users by role (admin, dev,
// viewer) and `call`, a raw request that names who it runs as. In-process by default; `mode: 'child'` runs
// bin/qlik-emulator.js as a real process (for tests about the process itself).
//
//   const emu = useEmulator();                       // per file (or describe): start once, reset before each test, stop
//   it('…', async () => {
//     const res = await emu.call('GET', '/api/v1/api-keys', { as: emu.dev });   // or { token }, { token: '' }
//     await emu.faults.add({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'reset-after' } });
//   });
//
// A test that needs its own lifecycle (a fresh emulator per test, a data file across restarts, stop itself) calls
// `startEmulator(opts)` and stops what it started.
import { startEmulator as startLibrary, type StartOptions as LibraryOptions } from '@qlik-ts/emulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseFlags } from '../../packages/emulator/src/host/options.js';
import { kitHandle, type CallOptions, type CallResponse, type KitEmulator } from './handle.mjs';

export type { EmulatorUser, FaultRuleInput, LedgerEntry, RequestLogEntry } from '@qlik-ts/emulator';
export type { CallOptions, CallResponse };
export type Emulator = KitEmulator;

export interface StartOptions extends LibraryOptions {
  /** qlik-emulator flags such as ['--tls'], read by the emulator's own flag parser; options given beside them win. */
  args?: string[];
}

export interface UseOptions extends StartOptions {
  /**
   * Back to the seeded state before each test (the default). `false` keeps what earlier tests and the file's own
   * hooks made, for files whose tests build on a shared state (users or keys added once in a beforeAll).
   */
  reset?: boolean;
}

/** Starts an emulator (in-process unless `mode: 'child'`) with the kit's handle; the caller stops it. */
export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const { args, ...options } = opts;
  return kitHandle(await startLibrary({ ...(args === undefined ? {} : parseFlags(args).options), ...options }));
}

/**
 * One emulator for the tests of this file (or of the describe block it is called in): started before the first test,
 * reset to its seeded state before each (unless `reset: false`), stopped after the last. Call it at the top of the
 * file or block, before hooks that use it; the handle it returns works from those hooks and tests on.
 */
export function useEmulator(opts: UseOptions = {}): Emulator {
  const { reset = true, ...start } = opts;
  let running: Emulator | undefined;
  beforeAll(async () => {
    running = await startEmulator(start);
  });
  if (reset)
    beforeEach(async () => {
      await running?.reset();
    });
  afterAll(async () => {
    const stopping = running;
    running = undefined;
    await stopping?.stop();
  });
  return new Proxy({} as Emulator, {
    get(_, property) {
      if (running === undefined) {
        // Not a thenable: `await` on the handle must not look for a `then` it cannot have yet.
        if (property === 'then') return undefined;
        throw new Error(
          `useEmulator(): the emulator is not running here (read emu.${String(property)} inside a test or hook)`,
        );
      }
      return Reflect.get(running, property, running) as unknown;
    },
  });
}
