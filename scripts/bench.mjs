// npm run bench: start-up and request latency of the built CLI, as medians over interleaved rounds, with ratios
// against `node -e 0` measured in the same run (absolute times mean little on a noisy machine).
// NODE_EXTRA_CA_CERTS is unset for every timed process: it adds ~55 ms to each Node start on this machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QLIK, median, runQlik, startEmulator } from './lib.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const home = mkdtempSync(join(tmpdir(), 'qlik-bench-'));
env.QLIK_CLI_USER_HOME_DIR = home;

const emulator = await startEmulator([], env);
const admin = emulator.users.find((u) => u.roles.includes('TenantAdmin'));
await runQlik(['context', 'create', 'bench', '--server', emulator.url, '--api-key', '-'], { env, input: admin.apiKey });
await runQlik(['context', 'use', 'bench'], { env });
// Room for the keys the create rounds make.
await fetch(`${emulator.url}/__emulator/config`, { method: 'PUT', body: JSON.stringify({ max_keys_per_user: 1000 }), headers: { 'content-type': 'application/json' } });

const variants = [
  ['node -e 0 (baseline)', [process.execPath, '-e', '0']],
  ['qlik --help', [process.execPath, QLIK, '--help']],
  ['qlik api-key create --help', [process.execPath, QLIK, 'api-key', 'create', '--help']],
  ['qlik version', [process.execPath, QLIK, 'version']],
  ['qlik context ls', [process.execPath, QLIK, 'context', 'ls']],
  ['qlik api-key ls --limit 1 (HTTP)', [process.execPath, QLIK, 'api-key', 'ls', '--limit', '1']],
  ['qlik api-key create (HTTP)', [process.execPath, QLIK, 'api-key', 'create', '--description', 'bench', '--expiry', 'PT1H']],
];
const times = new Map(variants.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  const order = [...variants].sort(() => Math.random() - 0.5);
  for (const [name, [cmd, ...args]] of order) {
    const t0 = performance.now();
    const res = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t0;
    if (res.status !== 0) throw new Error(`${name} failed: ${res.stderr}`);
    times.get(name).push(ms);
  }
}
await emulator.stop();
rmSync(home, { recursive: true, force: true });

const base = median(times.get(variants[0][0]));
const width = Math.max(...variants.map(([n]) => n.length));
process.stdout.write(`${rounds} interleaved rounds, Node ${process.version}, NODE_EXTRA_CA_CERTS unset\n`);
process.stdout.write(`${'command'.padEnd(width)}  median ms  × baseline\n`);
for (const [name] of variants) {
  const m = median(times.get(name));
  process.stdout.write(`${name.padEnd(width)}  ${m.toFixed(1).padStart(9)}  ${(m / base).toFixed(2).padStart(10)}\n`);
}
