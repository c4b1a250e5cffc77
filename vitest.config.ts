import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Inside this repository `@qlik-ts/emulator` is its TypeScript source (tsconfig.base.json has the
// same mapping for tsc and eslint), so tests need no build of the package to import it.
const emulatorSource = fileURLToPath(new URL('./packages/emulator/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^@qlik-ts\/emulator$/, replacement: emulatorSource }],
  },
  test: {
    globalSetup: ['./packages/emulator/test/global-setup.ts'],
    setupFiles: ['./test/kit/cleanup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files spend their time waiting on child processes and sockets, not on the CPU: on a 2-core machine four
    // workers finish in about half the time of vitest's default (one per core but one), with the same results.
    maxWorkers: Math.max(4, availableParallelism()),
    projects: [
      // In-process tests (verbs against stubs or an in-process emulator, units): one module graph per worker instead
      // of one per file, which is most of their cost. They restore whatever process state they touch.
      { extends: true, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'], isolate: false } },
      // Spawned processes, shells, golden files and the reliability matrix: a fresh module graph per file.
      {
        extends: true,
        test: {
          name: 'process',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/windows/**'],
        },
      },
      // The Windows job and the binaries' smoke tests (wine, qemu): a few programs at a time, each start under wine or
      // qemu costing seconds when the rest of the suite shares the two cores, so a case gets minutes rather than 60 s.
      {
        extends: true,
        test: { name: 'windows', include: ['test/windows/**/*.test.ts'], maxConcurrency: 3, testTimeout: 300_000 },
      },
    ],
  },
});
