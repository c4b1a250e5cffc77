// Loads dist/main.cjs the way require() would, but through vm.Script with the V8 code cache that the build made
// (dist/main.cjs.cache): start-up then skips compiling the bundle and the functions every command runs. A cache from
// another Node or V8 version is rejected by V8 itself (the bundle is compiled as usual); without a cache file this is
// plain require(). Written here because Node 20 has no module.enableCompileCache() (Node 22).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FILE = path.join(__dirname, '..', 'dist', 'main.cjs');
const CACHE = `${FILE}.cache`;

/** @param {{ produce?: boolean }} [o] produce: return the script too, so that the build can write its cache. */
function loadMain(o = {}) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(CACHE);
  } catch {
    if (!o.produce) return { exports: require(FILE) };
  }
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  const source = fs.readFileSync(FILE, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: FILE,
    ...(cachedData && !o.produce ? { cachedData } : {}),
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(FILE), mod, FILE, path.dirname(FILE));
  return { exports: mod.exports, script };
}

module.exports = { loadMain, CACHE };
