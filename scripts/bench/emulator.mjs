// The emulator under load: autocannon against `qlik-emulator --quiet` started as a child process, in memory and
// with --data, at 10 and 50 connections, for an authenticated GET /api/v1/api-keys/{id} and for creates
// (POST /api/v1/api-keys, each request with the token of the next of 200 users, so the quota never fills),
// beside a trivial node:http server returning a fixed JSON body of the same shape, in the same run; and SCIM
// provisioning (POST /api/v1/scim/v2/Users, a new userName each request, with a SCIM key of the seeded IdP).
//
//   import { benchEmulator } from './scripts/bench/emulator.mjs';
//   const rows = await benchEmulator({ durationSec: 5 });   // [{ name, connections, reqPerSec, p50Ms, p99Ms }]
//
//   node scripts/bench/emulator.mjs [--duration 5] [--rounds 1]    # prints a table
//
// Each child runs with NODE_EXTRA_CA_CERTS unset. With rounds > 1 the scenarios run round-robin (interleaved,
// so a burst of other load on the machine hits every scenario alike) and each row is the median round by req/s.
// Any non-2xx answer or connection error makes the run fail: a figure is only reported for a clean run.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EMULATOR_BIN } from '../../test/kit/process.mjs';

const CREATE_USERS = 200;

/** @typedef {import('@qlik-ts/emulator').EmulatorUser} EmulatorUser */
/** @typedef {{ name: string, connections: number, reqPerSec: number, p50Ms: number, p99Ms: number }} Row */
/** @typedef {{ name: string, run: (connections: number, duration: number) => Promise<autocannon.Result> }} Scenario */

function childEnv() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Spawns `node args…` and resolves with its first stdout line and a stop function.
 * @param {string[]} args
 * @returns {Promise<{ line: string, stop: () => Promise<void>, child: import('node:child_process').ChildProcess }>}
 */
function startChild(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    if (stderr.length < 10_000) stderr += d;
  });
  const stop = () =>
    /** @type {Promise<void>} */ (
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })
    );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ line, stop, child }));
    child.once('exit', (code, signal) =>
      reject(new Error(`${args.join(' ')} ended (${signal ?? code}) before it was ready: ${stderr.trim()}`)),
    );
  });
}

// The shape and size of an API key as the emulator answers GET /api/v1/api-keys/{id}.
const FIXED_KEY = JSON.stringify({
  id: '0b3c3e7e-62c3-4a4b-9a38-3f0f8c7d1a2b',
  tenantId: 'DA6NT7uy6dwOIPlLOgHlR6rNljJiyjRJ',
  description: 'bench',
  sub: '65f1c0ffee0ddba11deadbee',
  subType: 'user',
  status: 'active',
  createdByUser: '65f1c0ffee0ddba11deadbee',
  expiry: '2030-01-01T00:00:00.000Z',
  created: '2026-01-01T00:00:00.000Z',
  lastUpdated: '2026-01-01T00:00:00.000Z',
});

const TRIVIAL_SERVER = `
const body = Buffer.from(${JSON.stringify(FIXED_KEY)});
require('node:http')
  .createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  })
  .listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port); });
`;

async function startTrivial() {
  const { line, stop } = await startChild(['-e', TRIVIAL_SERVER]);
  return { url: line.trim(), stop };
}

/**
 * A control-API call; resolves with the route's JSON (undefined for an empty answer), typed by the caller.
 * @param {string} url
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function control(url, method, path, body) {
  const res = await fetch(`${url}/__emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /__emulator/${path}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** An emulator child with a key to GET and 200 users whose tokens take turns creating keys. */
/** @param {{ bin: string, args: string[], dataDir?: string }} opts */
async function startEmulator({ bin, args, dataDir }) {
  const flags = [...args, ...(dataDir === undefined ? [] : ['--data', join(dataDir, 'bench.db')])];
  const { line, stop } = await startChild([bin, ...flags]);
  /** @type {{ url: string, users: EmulatorUser[] }} */
  const info = JSON.parse(line);
  const dev = info.users.find((u) => u.name === 'dev');
  if (dev === undefined) throw new Error('the emulator has no "dev" user');
  // The GET target: dev's bootstrap key, which survives the resets between create runs.
  const listed = await fetch(`${info.url}/api/v1/api-keys?limit=100`, {
    headers: { authorization: `Bearer ${dev.apiKey}` },
  });
  if (listed.status !== 200) throw new Error(`listing dev's keys answered ${listed.status}`);
  const target = /** @type {{ data: { id: string, description: string }[] }} */ (await listed.json()).data.find(
    (k) => k.description === 'qlik-emulator bootstrap',
  )?.id;
  if (target === undefined) throw new Error("dev's bootstrap key is not in its list");
  /** @type {string[]} */
  const creators = [];
  for (let i = 0; i < CREATE_USERS; i++) {
    creators.push((await control(info.url, 'POST', 'users', { name: `bench-${i}`, roles: ['ManageApiKeys'] })).apiKey);
  }
  const admin = info.users.find((u) => u.roles.includes('TenantAdmin'));
  if (admin === undefined) throw new Error('the emulator has no TenantAdmin');
  const idps = await fetch(`${info.url}/api/v1/identity-providers`, {
    headers: { authorization: `Bearer ${admin.apiKey}` },
  });
  if (idps.status !== 200) throw new Error(`listing the identity providers answered ${idps.status}`);
  const idpId = /** @type {{ data: { id: string }[] }} */ (await idps.json()).data[0]?.id;
  if (idpId === undefined) throw new Error('the emulator has no identity provider for SCIM');
  return { url: info.url, devToken: dev.apiKey, target, creators, adminId: admin.id, idpId, stop };
}

/**
 * An Entra-ID-shaped SCIM user.
 * @param {string} userName
 */
function scimUser(userName) {
  return JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: 'Bench User', familyName: 'User', givenName: 'Bench' },
  });
}

/**
 * @param {autocannon.Options} opts
 * @returns {Promise<autocannon.Result>}
 */
function runCannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 10, ...opts }, (err, result) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
    );
  });
}

/**
 * POSTs to `url` + `path`, each request with the body and headers `each()` gives it.
 * @param {string} url
 * @param {string} path
 * @param {number} connections
 * @param {number} duration
 * @param {() => { body: string, headers: Record<string, string> }} each
 */
function runPosts(url, path, connections, duration, each) {
  return runCannon({
    url,
    connections,
    duration,
    requests: [{ method: 'POST', path, setupRequest: (req) => ({ ...req, ...each() }) }],
  });
}

/**
 * @param {string} name
 * @param {number} connections
 * @param {autocannon.Result} result
 */
function checkClean(name, connections, result) {
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) {
    throw new Error(
      `${name} at ${connections} connections: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
}

/** @typedef {Awaited<ReturnType<typeof startEmulator>>} BenchTarget */

/**
 * The scenarios: each knows how to run one measurement at a given connection count.
 * @param {{ trivial: { url: string }, memory: BenchTarget, data: BenchTarget }} targets
 */
function scenarios(targets) {
  /** @type {Scenario[]} */
  const list = [
    {
      name: 'node:http fixed JSON',
      run: (connections, duration) =>
        runCannon({ url: `${targets.trivial.url}/api/v1/api-keys/x`, connections, duration }),
    },
  ];
  for (const [label, emu] of /** @type {[string, BenchTarget][]} */ ([
    ['memory', targets.memory],
    ['--data', targets.data],
  ])) {
    list.push({
      name: `emulator GET by id (${label})`,
      run: (connections, duration) =>
        runCannon({
          url: `${emu.url}/api/v1/api-keys/${emu.target}`,
          connections,
          duration,
          headers: { authorization: `Bearer ${emu.devToken}` },
        }),
    });
    list.push({
      name: `emulator create (${label})`,
      run: async (connections, duration) => {
        // The same starting point for every round: no keys but the bootstrap ones, room for plenty per user.
        await control(emu.url, 'POST', 'reset');
        await control(emu.url, 'PUT', 'config', { max_keys_per_user: 1000 });
        let next = 0;
        const body = JSON.stringify({ description: 'bench', expiry: 'PT1H' });
        return runPosts(emu.url, '/api/v1/api-keys', connections, duration, () => {
          const token = emu.creators[next++ % emu.creators.length];
          return { body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
        });
      },
    });
    list.push({
      name: `emulator SCIM POST /Users (${label})`,
      run: async (connections, duration) => {
        // Reset drops the users SCIM provisioned and every minted key: a new SCIM key for each run.
        await control(emu.url, 'POST', 'reset');
        /** @type {{ token: string }} */
        const key = await control(emu.url, 'POST', 'keys', {
          userId: emu.adminId,
          subType: 'externalClient',
          sub: `SCIM\\${emu.idpId}`,
        });
        let next = 0;
        const run = Date.now().toString(36);
        return runPosts(emu.url, '/api/v1/scim/v2/Users', connections, duration, () => ({
          body: scimUser(`bench-${run}-${next++}@bench.example`),
          headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/scim+json' },
        }));
      },
    });
  }
  return list;
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * Runs the emulator benchmark. Resolves with one row per scenario and connection count:
 * `{ name, connections, reqPerSec, p50Ms, p99Ms }` (averages over the run, or the median round by req/s).
 *
 * @param {{ durationSec?: number, rounds?: number, connections?: number[], bin?: string, args?: string[],
 *           onResult?: (row: Row & { round: number }) => void }} [options]
 *   `bin` and `args`: the emulator to start (default this repository's bin/qlik-emulator.js with --quiet).
 */
export async function benchEmulator({
  durationSec = 5,
  rounds = 1,
  connections = [10, 50],
  bin = EMULATOR_BIN,
  args = ['--quiet'],
  onResult,
} = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'qlik-emulator-bench-'));
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  try {
    const trivial = await startTrivial();
    stops.push(trivial.stop);
    const memory = await startEmulator({ bin, args });
    stops.push(memory.stop);
    const data = await startEmulator({ bin, args, dataDir });
    stops.push(data.stop);
    const list = scenarios({ trivial, memory, data });
    /** @type {Map<string, Row[]>} */
    const samples = new Map();
    for (const s of list) {
      // Warm-up (JIT, SQLite page cache), not measured.
      checkClean(s.name, 10, await s.run(10, 1));
    }
    for (let round = 0; round < rounds; round++) {
      for (const c of connections) {
        for (const s of list) {
          const result = await s.run(c, durationSec);
          checkClean(s.name, c, result);
          const row = {
            name: s.name,
            connections: c,
            reqPerSec: Math.round(result.requests.average),
            p50Ms: result.latency.p50,
            p99Ms: result.latency.p99,
          };
          onResult?.({ ...row, round });
          const key = `${s.name}\u0000${c}`;
          samples.set(key, [...(samples.get(key) ?? []), row]);
        }
      }
    }
    /** @type {Row[]} */
    const rows = [];
    for (const c of connections) {
      for (const s of list) {
        const runs = samples.get(`${s.name}\u0000${c}`) ?? [];
        const mid = median(runs.map((r) => r.reqPerSec));
        const row = runs.find((r) => r.reqPerSec === mid);
        if (row) rows.push(row);
      }
    }
    return rows;
  } finally {
    await Promise.all(stops.map((stop) => stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** @param {Row[]} rows */
export function formatTable(rows) {
  const header = ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms'];
  const cells = rows.map((r) => [r.name, String(r.connections), String(r.reqPerSec), String(r.p50Ms), String(r.p99Ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  /** @param {string[]} row */
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '1' },
      bin: { type: 'string' },
      args: { type: 'string' },
    },
  });
  const durationSec = Number(values.duration);
  const rounds = Number(values.rounds);
  if (!(durationSec > 0) || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write('emulator bench: --duration must be a positive number and --rounds a positive integer\n');
    process.exit(2);
  }
  const rows = await benchEmulator({
    durationSec,
    rounds,
    ...(values.bin === undefined ? {} : { bin: values.bin }),
    ...(values.args === undefined ? {} : { args: values.args.split(' ').filter(Boolean) }),
    onResult: (r) => process.stderr.write(`round ${r.round + 1}: ${r.name} x${r.connections}: ${r.reqPerSec} req/s\n`),
  });
  process.stdout.write(
    `qlik-emulator under autocannon, ${durationSec} s per run, ${rounds} round(s), Node ${process.version}, NODE_EXTRA_CA_CERTS unset\n`,
  );
  process.stdout.write(`${formatTable(rows)}\n`);
}
