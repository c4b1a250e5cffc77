// Bundles the emulator's own code into dist/; its runtime dependencies (better-sqlite3 is native) stay external.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const here = new URL('..', import.meta.url);
await rm(new URL('dist', here), { recursive: true, force: true });
await build({
  absWorkingDir: new URL('.', here).pathname,
  entryPoints: { main: 'src/main.ts' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
