// Makes dist/main.cjs.cache, the V8 code cache that bin/load-main.cjs hands to vm.Script. V8 puts into a cache the
// functions compiled by the time it is made, so this builds the command tree, renders every help page, and then runs
// the commands scripts call in loops (`api-key create`, `api-key ls`, `context ls`, `api-key rotate`) in this process, against a
// throwaway node:http server on loopback that answers like Qlik's API-keys routes, with a throwaway home directory.
// Those commands then start with their functions already compiled (measured: an untagged `api-key create` went from
// 1.38× to 1.28× the minimal node:http POST script). Nothing of the run is stored but compiled code: a code cache
// holds bytecode, not the heap. Run by scripts/build.mjs in a fresh Node (no NODE_OPTIONS), cwd packages/cli; fails
// the build on any command that does not exit 0.
'use strict';
const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadMain, CACHE } = require('../bin/load-main.cjs');

const KEY = {
  id: 'k1',
  tenantId: 't1',
  description: 'train',
  sub: 'u1',
  subType: 'user',
  status: 'active',
  created: new Date().toISOString(),
  createdByUser: 'u1',
  lastUpdated: new Date().toISOString(),
  expiry: new Date(Date.now() + 3600e3).toISOString(),
};

/** A JWT-shaped token whose claims name key `jti` (rotate reads the key id and tenant from its context's token). */
const jwt = (/** @type {string} */ jti) =>
  ['{"alg":"none"}', JSON.stringify({ jti, tenantId: KEY.tenantId, sub: KEY.sub })]
    .map((part) => Buffer.from(part).toString('base64url'))
    .concat('training')
    .join('.');

/** The few answers the trained commands need; anything else is a 404, which fails the build. */
/** @type {Map<string, string>} id → description */
const keys = new Map([
  [KEY.id, KEY.description],
  ['k0', 'train context'],
]);
/**
 * @param {import('node:http').IncomingMessage} req
 * @param {string} body
 * @returns {[number, unknown]}
 */
function answer(req, body) {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const byId = /^\/api\/v1\/api-keys\/(k\d+)$/.exec(path)?.[1];
  if (req.method === 'POST' && path === '/api/v1/api-keys') {
    const id = `k${keys.size + 1}`;
    keys.set(id, JSON.parse(body).description);
    return [201, { ...KEY, id, description: keys.get(id), token: jwt(id) }];
  }
  // The create reads the answered key back (it must carry the attempt's tag) before it takes the tag off.
  if (req.method === 'GET' && byId !== undefined && keys.has(byId))
    return [200, { ...KEY, id: byId, description: keys.get(byId) }];
  if (req.method === 'PATCH' && byId !== undefined && keys.has(byId)) {
    keys.set(byId, JSON.parse(body)[0].value);
    return [204, undefined];
  }
  if (req.method === 'DELETE' && byId !== undefined && keys.delete(byId)) return [204, undefined];
  if (req.method === 'GET' && path === '/api/v1/api-keys')
    return [200, { data: [KEY], links: { self: { href: req.url } } }];
  if (req.method === 'GET' && path === '/api/v1/users/me') return [200, { id: KEY.sub, name: 'train' }];
  if (req.method === 'GET' && path === `/api/v1/api-keys/configs/${KEY.tenantId}`)
    return [200, { max_keys_per_user: 100, max_api_key_expiry: 'PT24H' }];
  return [404, { errors: [{ code: 'HTTP-404', title: 'Not found', status: '404' }] }];
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const [status, json] = answer(req, body);
    res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
    res.end(json === undefined ? undefined : JSON.stringify(json));
  });
});

async function main() {
  await /** @type {Promise<void>} */ (new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)));
  const home = mkdtempSync(join(tmpdir(), 'qlik-train-'));
  try {
    mkdirSync(join(home, '.qlik'), { mode: 0o700 });
    const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
    writeFileSync(
      join(home, '.qlik', 'contexts.yml'),
      `current-context: train\ncontexts:\n  train:\n    headers:\n      Authorization: Bearer ${jwt('k0')}\n    server: ${url}\n`,
      { mode: 0o600 },
    );
    // Only what the commands read: no proxy, no QLIK_* setting and no real home of the machine that builds.
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- emptying process.env is the point
    for (const k of Object.keys(process.env)) if (k !== 'PATH') delete process.env[k];
    process.env.QLIK_CLI_USER_HOME_DIR = home;

    const { exports: cli, script, vendorScripts } = loadMain({ produce: true });
    cli.helpPages();
    for (const argv of [
      ['api-key', 'create', '--description', 'train', '--expiry', 'PT1H'],
      ['api-key', 'ls', '--limit', '1'],
      ['context', 'ls'],
      // --json: its report goes to stdout, which the build ignores, not to the build's stderr.
      ['api-key', 'rotate', '--json'],
    ]) {
      await cli.run(argv);
      if (process.exitCode !== 0)
        throw new Error(`training run of 'qlik ${argv.join(' ')}' exited ${process.exitCode}`);
    }
    if (script === undefined) throw new Error('loadMain({ produce: true }) returned no script');
    writeFileSync(CACHE, script.createCachedData());
    // The libraries the trained commands loaded (YAML: the first read of the training's contexts file, which has no
    // JSON copy yet, parses it, as context create and update do): their caches too.
    for (const [file, vendor] of vendorScripts) writeFileSync(`${file}.cache`, vendor.createCachedData());
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (/** @type {unknown} */ e) => {
    console.error(`train-cache: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
