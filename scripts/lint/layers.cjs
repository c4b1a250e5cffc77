// The CLI's layers, lowest first. A module may import modules of its own directory and of lower layers only — never
// a higher layer, nor another directory of its own layer. Verbs never import other verbs: code shared inside a
// command group lives in that group's `shared.ts`. Used by .dependency-cruiser.cjs (npm run lint) and by its test.
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

const { existsSync, readdirSync, statSync } = require('node:fs');
const { basename, join } = require('node:path');

/** Group files (`cmd/<group>/<group>.ts`, also nested), found on disk: they alone may import verbs. */
function groupFiles(cmdDir) {
  const out = [];
  const visit = (dir) => {
    const own = join(dir, `${basename(dir)}.ts`);
    if (existsSync(own)) out.push(own);
    for (const entry of readdirSync(dir)) if (statSync(join(dir, entry)).isDirectory()) visit(join(dir, entry));
  };
  if (existsSync(cmdDir)) for (const entry of readdirSync(cmdDir)) if (statSync(join(cmdDir, entry)).isDirectory()) visit(join(cmdDir, entry));
  return out;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unit = (src, name) => (name.endsWith('.ts') ? `^${esc(src)}${esc(name)}$` : `^${esc(src)}${esc(name)}/`);

/** dependency-cruiser rules for a source root such as `packages/cli/src/`. */
function layerRules(src) {
  const rules = [];
  LAYERS.forEach((layer, i) => {
    const above = LAYERS.slice(i + 1).flat();
    for (const name of layer) {
      const forbidden = [...above, ...layer.filter((other) => other !== name)].map((n) => unit(src, n));
      if (forbidden.length === 0) continue;
      rules.push({
        name: `layer-${name.replace(/\.ts$/, '')}`,
        comment: `${name} (layer ${i}) may import only its own directory and layers below: ${LAYERS.slice(0, i).flat().join(', ') || 'nothing else'}`,
        severity: 'error',
        from: { path: unit(src, name) },
        to: { path: forbidden.join('|') },
      });
    }
  });
  rules.push({
    name: 'verb-imports-verb',
    comment:
      'a verb never imports another verb or group; code a group shares goes into its shared.ts or shared/, code one verb alone uses into the folder named after it (cmd/<group>/<verb>/)',
    severity: 'error',
    // Group files (cmd/<group>/<group>.ts) wire their verbs; every other file under cmd/ may reach shared.ts files and
    // its own private folder (cmd/g/v.ts → cmd/g/v/*; the $1 is dependency-cruiser's group match on `from`).
    from: { path: `^${esc(src)}cmd/(.+)\\.ts$`, pathNot: groupFiles(`${src}cmd`).map((f) => `^${esc(f)}$`).join('|') || '^$' },
    to: { path: `^${esc(src)}cmd/`, pathNot: `/shared(\\.ts$|/)|^${esc(src)}cmd/$1/` },
  });
  return rules;
}

module.exports = { LAYERS, layerRules };
