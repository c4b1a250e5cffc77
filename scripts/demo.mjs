// npm run demo: the main job end to end. Starts qlik-emulator, makes a context (the key is piped in, never in
// argv), and runs `qlik api-key create` against it, printing each step. Uses a temporary home directory, so the
// user's own ~/.qlik/contexts.yml is never touched.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQlik, startEmulator } from '../test/kit/process.mjs';

const home = await mkdtemp(join(tmpdir(), 'qlik-demo-'));
const env = { ...process.env, QLIK_CLI_USER_HOME_DIR: home };
const emulator = await startEmulator();
const admin = emulator.users.find((u) => u.roles.includes('TenantAdmin'));
if (admin === undefined) throw new Error('the emulator seeded no TenantAdmin');
let failed = false;

function shellQuote(a) {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
}

async function step(title, args, input) {
  process.stdout.write(`\n$ qlik ${args.map(shellQuote).join(' ')}${input ? '   # key piped on stdin' : ''}\n`);
  const r = await runQlik(args, { env, ...(input === undefined ? {} : { stdin: input }) });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.code !== 0) {
    failed = true;
    process.stderr.write(`${title} failed with exit code ${r.code}\n`);
  }
  return r;
}

try {
  process.stdout.write(`qlik-emulator is running at ${emulator.url} (tenant ${emulator.tenantId})\n`);
  process.stdout.write(`contexts file: ${join(home, '.qlik', 'contexts.yml')}\n`);
  await step('context create', ['context', 'create', 'emulator', '--server', emulator.url, '--api-key', '-', '--comment', 'local qlik-emulator'], admin.apiKey);
  await step('context use', ['context', 'use', 'emulator']);
  await step('context get', ['context', 'get']);
  const created = await step('api-key create', ['api-key', 'create', '--description', 'demo key', '--expiry', 'PT12H']);
  if (created.code === 0) {
    const key = JSON.parse(created.stdout);
    process.stdout.write(`\nThe token (shown only once) is ${key.token.length} characters; a script keeps it with: qlik api-key create … | jq -r .token\n`);
  }
  await step('api-key ls', ['api-key', 'ls', '--status', 'active', '-q']);
} finally {
  await emulator.stop();
  await rm(home, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
