// Loads dist/main.cjs the way require() would, but through vm.Script with the V8 code cache that the build made
// (dist/main.cjs.cache): start-up then skips compiling the bundle and the functions every command runs. A cache from
// another Node or V8 version is rejected by V8 itself (the bundle is compiled as usual); without a cache file this is
// plain require(). Written here because Node 20 has no module.enableCompileCache() (Node 22).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FILE = path.join(__dirname, '..', 'dist', 'main.cjs');
const CACHE = `${FILE}.cache`;

/**
 * A CommonJS file compiled in require()'s wrapper, with its code cache (`<file>.cache`) when there is one and
 * `produce` is not asked.
 * @param {string} file
 * @param {boolean} produce
 */
function compileCached(file, produce) {
  const vm = require('node:vm');
  let cachedData;
  if (!produce) {
    try {
      cachedData = fs.readFileSync(`${file}.cache`);
    } catch {
      // No cache: compiled as usual.
    }
  }
  const source = fs.readFileSync(file, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  return script;
}

/**
 * The `require` main.cjs gets: its lazily loaded libraries (`./vendor/*.cjs`: YAML, Temporal, tables) also start from
 * their code cache when the build made one (`dist/vendor/<name>.cjs.cache`); they are registered in require.cache
 * as require() would, so that each loads once and a look at require.cache sees them.
 * @param {typeof import('node:module')} Module
 * @param {Map<string, import('node:vm').Script>} scripts
 * @param {boolean} produce
 */
function mainRequire(Module, scripts, produce) {
  const base = Module.createRequire(FILE);
  /** @param {string} id */
  const req = (id) => {
    if (typeof id !== 'string' || !id.startsWith('./vendor/') || !id.endsWith('.cjs')) return base(id);
    const file = path.join(path.dirname(FILE), id);
    const known = require.cache[file];
    if (known) return known.exports;
    const mod = new Module(file);
    mod.filename = file;
    require.cache[file] = mod;
    try {
      const script = compileCached(file, produce);
      scripts.set(file, script);
      script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
    } catch (e) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a failed load leaves no entry, as require()
      delete require.cache[file];
      throw e;
    }
    mod.loaded = true;
    return mod.exports;
  };
  return Object.assign(req, { resolve: base.resolve, cache: base.cache, main: base.main });
}

/**
 * @param {{ produce?: boolean }} [o] produce: return the scripts too (main's, and the vendor files' it loaded), so that
 * the build can write their caches.
 */
function loadMain(o = {}) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(CACHE);
  } catch {
    if (!o.produce) return { exports: require(FILE) };
  }
  const vm = require('node:vm');
  // The class require() itself uses: require('node:module') would also load Node's ES module loader, which no
  // command needs (half a millisecond of every start).
  const Module = /** @type {typeof import('node:module')} */ (module.constructor);
  const source = fs.readFileSync(FILE, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: FILE,
    ...(cachedData && !o.produce ? { cachedData } : {}),
  });
  const mod = { exports: {} };
  /** @type {Map<string, import('node:vm').Script>} */
  const vendorScripts = new Map();
  script.runInThisContext()(
    mod.exports,
    mainRequire(Module, vendorScripts, o.produce === true),
    mod,
    FILE,
    path.dirname(FILE),
  );
  return { exports: mod.exports, script, vendorScripts };
}

module.exports = { loadMain, CACHE };
