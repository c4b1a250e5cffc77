// Builds dist/: the emulator's own code bundled by esbuild (its runtime dependencies stay external;
// better-sqlite3 is native), entry points main.js (the command line, for bin/) and index.js (the
// programmatic API) sharing chunks, plus the API's type declarations in dist/types/ (tsc).
// `--js-only` skips the declarations (the test run's global setup uses it: child mode needs dist/main.js).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const jsOnly = process.argv.includes('--js-only');

const dist = new URL('../dist/', import.meta.url);
if (jsOnly) {
  // Keep dist/types (from an earlier full build); replace the JavaScript.
  const entries = await readdir(dist).catch(() => []);
  await Promise.all(
    entries.filter((e) => e !== 'types').map((e) => rm(new URL(e, dist), { recursive: true, force: true })),
  );
} else {
  await rm(dist, { recursive: true, force: true });
}
await build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.ts', index: 'src/index.ts' },
  bundle: true,
  splitting: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
if (!jsOnly) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: here, stdio: 'inherit' });
}
