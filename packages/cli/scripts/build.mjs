// Bundles the CLI into dist/ as ESM with code splitting, so that heavy modules reached only through
// `await import()` (undici, Temporal, YAML, completion) live in their own chunks and cost nothing at start-up.
// The published CLI has no runtime dependencies: everything it uses is bundled here.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';

const here = new URL('..', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', here), 'utf8'));
await rm(new URL('dist', here), { recursive: true, force: true });
const result = await build({
  absWorkingDir: new URL('.', here).pathname,
  entryPoints: { main: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  define: { __QLIK_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
const mainBytes = result.metafile.outputs['dist/main.js']?.bytes ?? 0;
const budget = 250 * 1024;
if (mainBytes > budget) {
  console.error(`dist/main.js is ${mainBytes} bytes, over the ${budget}-byte start-up budget`);
  process.exit(1);
}
