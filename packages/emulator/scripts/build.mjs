// Builds dist/: the emulator's own code bundled by esbuild (its runtime dependencies stay external;
// better-sqlite3 is native), entry points main.js (the command line, for bin/) and index.js (the
// programmatic API) sharing chunks, dist/cjs/index.js (the API for require()), plus the API's type declarations in dist/types/ (tsc).
// `--js-only` skips the declarations (the test run's global setup uses it: child mode needs dist/main.js).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const jsOnly = process.argv.includes('--js-only');

const dist = new URL('../dist/', import.meta.url);
if (jsOnly) {
  // Keep dist/types (from an earlier full build); replace the JavaScript.
  const entries = await readdir(dist).catch(() => []);
  await Promise.all(
    entries
      .filter((e) => e !== 'types' && e !== 'types-cjs')
      .map((e) => rm(new URL(e, dist), { recursive: true, force: true })),
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
// The CommonJS entry (require('@qlik-ts/emulator')): the same API bundled once more as CommonJS in dist/cjs/.
// import.meta.url (child mode finds bin/ from it) is given the URL the ESM entry has, dist/index.js.
await build({
  absWorkingDir: here,
  entryPoints: { index: 'src/index.ts' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: 'dist/cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { 'import.meta.url': '__qlikEmulatorModuleUrl' },
  banner: {
    js: 'const __qlikEmulatorModuleUrl = require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "index.js")).href;',
  },
});
await writeFile(new URL('cjs/package.json', dist), '{ "type": "commonjs" }\n');
if (!jsOnly) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: here, stdio: 'inherit' });
  // The same declarations, read as CommonJS ones (a package.json of their own says so) for require().
  await cp(new URL('types/', dist), new URL('types-cjs/', dist), { recursive: true });
  await writeFile(new URL('types-cjs/package.json', dist), '{ "type": "commonjs" }\n');
  // Declarations only ever import types; those from ESM-only packages (jose, temporal-polyfill) say how to
  // resolve them, or TypeScript refuses a CommonJS file "importing" an ES module (TS1479).
  const typesCjs = fileURLToPath(new URL('types-cjs/', dist));
  for (const file of await readdir(typesCjs, { recursive: true })) {
    if (!file.endsWith('.d.ts')) continue;
    const path = join(typesCjs, file);
    const text = await readFile(path, 'utf8');
    const fixed = text.replace(/^import \{([^}]*)\} from '([^.'][^']*)';$/gm, (line, names, from) =>
      from.startsWith('node:')
        ? line
        : `import type {${names.replace(/\btype /g, '')}} from '${from}' with { 'resolution-mode': 'import' };`,
    );
    if (fixed !== text) await writeFile(path, fixed);
  }
}
