// The entry point of the standalone binaries (`npm run build:binaries`, scripts/binaries/build.mjs): Node runs this
// script as a single executable application, and the CLI's built files are SEA assets inside the binary, read with
// node:sea (nothing needs to sit next to the binary). It does what bin/qlik.cjs and bin/load-main.cjs do for the npm
// package: help pages and `qlik version` from the pages rendered at build time (fast.cjs + help.txt), everything else
// from main.cjs, compiled with the V8 code cache the build made when that cache is in the binary (V8 itself rejects a
// cache made by another Node or platform, and the bundle is then compiled as usual). The require() of a SEA's main
// script loads built-in modules only, so main.cjs's `require("./vendor/….cjs")` is answered from the assets here.
'use strict';
const sea = require('node:sea');
const path = require('node:path');

const argv = process.argv.slice(2);
/** @type {Record<string, { exports: any }>} */
const loaded = {};

/**
 * Evaluate the CommonJS asset `name` (once), as require() would; its exports.
 * @param {string} name
 * @returns {any}
 */
function load(name) {
  const done = loaded[name];
  if (done !== undefined) return done.exports;
  const vm = require('node:vm');
  const source = sea.getAsset(name, 'utf8');
  let cachedData;
  try {
    cachedData = Buffer.from(sea.getAsset(`${name}.cache`));
  } catch {
    // No code cache for this asset (or this target).
  }
  // A name under the binary's directory, for stack traces; nothing is read from there.
  const filename = path.join(path.dirname(process.execPath), name);
  // The same wrapper as bin/load-main.cjs, so that the cache made for dist/main.cjs matches this source.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    ...(cachedData ? { cachedData } : {}),
  });
  if (process.env.QLIK_SEA_DEBUG === '1' && cachedData)
    process.stderr.write(`sea: ${name} code cache ${script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  const mod = { exports: {} };
  loaded[name] = mod;
  const req = (/** @type {string} */ spec) =>
    spec.startsWith('./vendor/') ? load(`vendor/${spec.slice('./vendor/'.length)}`) : require(spec);
  script.runInThisContext()(mod.exports, req, mod, filename, path.dirname(filename));
  return mod.exports;
}

/**
 * What fast.cjs exports (src/fast.ts): the answer to `argv` from the rendered help pages, or undefined.
 * @type {{ answer(argv: string[], read: (offset: number, length: number) => Buffer): string | undefined, writeOut(text: string): void }}
 */
const fast = load('fast.cjs');
const text = fast.answer(argv, (offset, length) =>
  Buffer.from(/** @type {ArrayBuffer} */ (sea.getRawAsset('help.txt')), offset, length),
);
if (text === undefined) load('main.cjs').run(argv);
else fast.writeOut(text);
