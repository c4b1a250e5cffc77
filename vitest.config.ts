import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Inside this repository `@qlik-ts/emulator` is its TypeScript source (tsconfig.base.json has the
// same mapping for tsc and eslint), so tests need no build of the package to import it.
const emulatorSource = fileURLToPath(new URL('./packages/emulator/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^@qlik-ts\/emulator$/, replacement: emulatorSource }],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./packages/emulator/test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
