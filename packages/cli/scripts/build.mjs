// Bundles the CLI into dist/, with no runtime dependencies:
// - main.cjs: the CLI, one CommonJS file (CommonJS loads faster than ES modules, and its lazily evaluated parts cost
//   only a pre-parse). Modules reached through `await import()` are evaluated when first used.
// - vendor/*.cjs: the libraries only some commands need (YAML, Temporal, tables, a JSON error locator), each its own
//   file, required when first used, so that starting up never parses them.
// - fast.cjs + help.txt: the launcher's fast path, every help page rendered from the live command tree.
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const here = new URL('..', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', here), 'utf8'));
const version = JSON.stringify(pkg.version);
await rm(new URL('dist', here), { recursive: true, force: true });

/**
 * Libraries kept out of main.cjs: import specifier → file under dist/vendor/.
 * @type {Record<string, string>}
 */
const VENDOR = {
  yaml: 'yaml.cjs',
  'temporal-polyfill': 'temporal.cjs',
  'cli-table3': 'cli-table3.cjs',
  'jsonc-parser/lib/esm/main.js': 'jsonc.cjs',
};

/** @satisfies {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: new URL('.', here).pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

await Promise.all(
  Object.entries(VENDOR).map(([spec, file]) =>
    build({
      ...common,
      stdin: {
        contents: `module.exports = require(${JSON.stringify(spec)});`,
        resolveDir: new URL('.', here).pathname,
      },
      outfile: `dist/vendor/${file}`,
    }),
  ),
);

/** @type {import('esbuild').Plugin} */
const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    const filter = new RegExp(
      `^(${Object.keys(VENDOR)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('|')})$`,
    );
    b.onResolve({ filter }, (args) => ({ path: `./vendor/${VENDOR[args.path]}`, external: true }));
  },
};

/**
 * `import text from './file?raw'` (vite's suffix, which the tests get from vite): the file's bytes as a string, as
 * esbuild's text loader bundles it (the completion scripts, src/cmd/completion/scripts/).
 * @type {import('esbuild').Plugin}
 */
const rawPlugin = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: join(args.resolveDir, args.path.slice(0, -'?raw'.length)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

const main = await build({
  ...common,
  entryPoints: { main: 'src/main.ts' },
  outfile: 'dist/main.cjs',
  // `await import()` becomes a require() that runs when reached: lazy evaluation, one file.
  supported: { 'dynamic-import': false },
  plugins: [vendorPlugin, rawPlugin],
  define: { __QLIK_VERSION__: version },
});
await writeFile(new URL('dist/meta.json', here), JSON.stringify(main.metafile));
const mainBytes = main.metafile?.outputs['dist/main.cjs']?.bytes ?? 0;
const budget = 250 * 1024;
if (mainBytes > budget) {
  console.error(`dist/main.cjs is ${mainBytes} bytes, over the ${budget}-byte start-up budget`);
  process.exit(1);
}

const { createRequire } = await import('node:module');
const { helpPages } = createRequire(import.meta.url)('../dist/main.cjs');
const table = helpPages();
/** @type {Buffer[]} */
const chunks = [];
/** @type {{ version: unknown, groups: unknown, pages: Record<string, [number, number]> }} */
const index = { version: table.version, groups: table.groups, pages: {} };
let offset = 0;
for (const [path, text] of Object.entries(table.pages)) {
  const bytes = Buffer.from(text);
  index.pages[path] = [offset, bytes.length];
  chunks.push(bytes);
  offset += bytes.length;
}
await writeFile(new URL('dist/help.txt', here), Buffer.concat(chunks));
await build({
  ...common,
  entryPoints: { fast: 'src/fast.ts' },
  outfile: 'dist/fast.cjs',
  define: { __QLIK_VERSION__: version, __QLIK_HELP_INDEX__: JSON.stringify(index) },
});

// The V8 code cache of main.cjs (bin/load-main.cjs), made in a fresh Node process after the command tree was built,
// every help page rendered and the commands scripts run in loops trained (scripts/train-cache.cjs).
{
  const { spawnSync } = await import('node:child_process');
  const made = spawnSync(process.execPath, ['scripts/train-cache.cjs'], {
    cwd: new URL('.', here).pathname,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (made.status !== 0) process.exit(made.status ?? 1);
}
