// The layers of both packages, lowest first. A module may import modules of its own directory and of lower layers
// only — never a higher layer, nor another directory of its own layer. Used by .dependency-cruiser.cjs (npm run lint)
// and by its tests (packages/cli/test/lint/layers.test.ts).
//
// CLI: verbs never import other verbs: code shared inside a command group lives in that group's `shared.ts` or
// `shared/`, code one verb alone uses in the folder named after the verb (`cmd/<group>/<verb>/`), whose files may
// import each other.
const LAYERS = [
  ['errors', 'version.ts'],
  ['fsutil', 'text'],
  ['http', 'config', 'iostreams'],
  ['cmdutil'],
  ['api'],
  ['cmd'],
  ['root.ts'],
  ['main.ts'],
];

// Emulator: the Qlik services (services/<name>/) sit on http/ (server, router, bodies, replies, auth, faults) and the
// shared leaves; control/ (the /__emulator/ API and the seed) and the router table sit above them, then the library
// surface and host/ (command line, options, lifecycle, files, TLS, child mode). A service never imports another
// service's files: only its `index.ts` (the small surface it exports for others).
const EMULATOR_LAYERS = [
  ['shared'],
  ['store'],
  ['http'],
  ['services'],
  ['control'],
  ['router-table.ts'],
  ['public-types.ts'],
  ['handle.ts'],
  ['host'],
  ['index.ts', 'main.ts'],
];

const { existsSync, readdirSync, statSync } = require('node:fs');
const { basename, join } = require('node:path');

/** @typedef {import('dependency-cruiser', { with: { 'resolution-mode': 'import' } }).IRegularForbiddenRuleType} Rule */

/**
 * Group files (`cmd/<group>/<group>.ts`, also nested), found on disk: they alone may import verbs.
 * @param {string} cmdDir
 * @returns {string[]}
 */
function groupFiles(cmdDir) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} dir */
  const visit = (dir) => {
    const own = join(dir, `${basename(dir)}.ts`);
    if (existsSync(own)) out.push(own);
    for (const entry of readdirSync(dir)) if (statSync(join(dir, entry)).isDirectory()) visit(join(dir, entry));
  };
  if (existsSync(cmdDir))
    for (const entry of readdirSync(cmdDir))
      if (statSync(join(cmdDir, entry)).isDirectory()) visit(join(cmdDir, entry));
  return out;
}

/** @param {string} s */
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * The path pattern of one unit of a layer (a file, or a directory) under `src`.
 * @param {string} src
 * @param {string} name
 */
const unit = (src, name) => (name.endsWith('.ts') ? `^${esc(src)}${esc(name)}$` : `^${esc(src)}${esc(name)}/`);

/**
 * Rules for `layers` (lowest first) under a source root such as `packages/cli/src/`.
 * @param {string} src
 * @param {string[][]} layers
 * @param {string} [prefix]
 * @returns {Rule[]}
 */
function layerOrder(src, layers, prefix = '') {
  /** @type {Rule[]} */
  const rules = [];
  layers.forEach((layer, i) => {
    const above = layers.slice(i + 1).flat();
    for (const name of layer) {
      const forbidden = [...above, ...layer.filter((other) => other !== name)].map((n) => unit(src, n));
      if (forbidden.length === 0) continue;
      rules.push({
        name: `${prefix}layer-${name.replace(/\.ts$/, '')}`,
        comment: `${name} (layer ${i}) may import only its own directory and layers below: ${layers.slice(0, i).flat().join(', ') || 'nothing else'}`,
        severity: 'error',
        from: { path: unit(src, name) },
        to: { path: forbidden.join('|') },
      });
    }
  });
  return rules;
}

/**
 * Verbs' private folders (`cmd/<group>/<verb>/` beside `cmd/<group>/<verb>.ts`, with no group file of their own),
 * found on disk, as paths relative to `cmd/` (`api-key/rotate`).
 * @param {string} cmdDir
 * @returns {string[]}
 */
function privateFolders(cmdDir) {
  /** @type {string[]} */
  const out = [];
  /**
   * @param {string} dir
   * @param {string} rel
   */
  const visit = (dir, rel) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (!statSync(path).isDirectory()) continue;
      const r = rel ? `${rel}/${entry}` : entry;
      if (rel && existsSync(`${path}.ts`) && !existsSync(join(path, `${entry}.ts`))) out.push(r);
      else visit(path, r);
    }
  };
  if (existsSync(cmdDir)) visit(cmdDir, '');
  return out;
}

/**
 * The CLI's rules for a source root such as `packages/cli/src/`.
 * @param {string} src
 * @returns {Rule[]}
 */
function layerRules(src) {
  const rules = layerOrder(src, LAYERS);
  const cmd = `${esc(src)}cmd/`;
  const shared = '/shared(\\.ts$|/)';
  const folders = privateFolders(`${src}cmd`).map(esc);
  const inFolder = folders.length ? `^${cmd}(${folders.join('|')})/` : '^$';
  rules.push({
    name: 'verb-imports-verb',
    comment:
      'a verb never imports another verb or group; code a group shares goes into its shared.ts or shared/, code one verb alone uses into the folder named after it (cmd/<group>/<verb>/)',
    severity: 'error',
    // Group files (cmd/<group>/<group>.ts) wire their verbs; every other file under cmd/ may reach shared.ts files and
    // its own private folder (cmd/g/v.ts → cmd/g/v/*; the $1 is dependency-cruiser's group match on `from`).
    from: {
      path: `^${cmd}(.+)\\.ts$`,
      pathNot: [...groupFiles(`${src}cmd`).map((f) => `^${esc(f)}$`), inFolder].join('|'),
    },
    to: { path: `^${cmd}`, pathNot: `${shared}|^${cmd}$1/` },
  });
  rules.push({
    name: 'verb-folder-imports-verb',
    comment:
      "a verb's private folder (cmd/<group>/<verb>/) imports its own files and shared code only, never a verb or another verb's folder",
    severity: 'error',
    from: { path: inFolder },
    to: { path: `^${cmd}`, pathNot: `${shared}|^${cmd}$1/` },
  });
  return rules;
}

/**
 * The emulator's rules for a source root such as `packages/emulator/src/`.
 * @param {string} src
 * @returns {Rule[]}
 */
function emulatorRules(src) {
  const services = `^${esc(src)}services/`;
  return [
    ...layerOrder(src, EMULATOR_LAYERS, 'emulator-'),
    {
      name: 'service-imports-service',
      comment: 'a service imports another service only through its index.ts (what it exports for others)',
      severity: 'error',
      from: { path: `${services}([^/]+)/` },
      to: { path: services, pathNot: `${services}$1/|${services}[^/]+/index\\.ts$` },
    },
    {
      name: 'service-internals',
      comment: 'outside services/, a service is reached only through its index.ts',
      severity: 'error',
      from: { path: `^${esc(src)}`, pathNot: services },
      to: { path: services, pathNot: `${services}[^/]+/index\\.ts$` },
    },
  ];
}

module.exports = { LAYERS, EMULATOR_LAYERS, layerRules, emulatorRules };
