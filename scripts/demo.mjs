// npm run demo: the main job end to end. Starts qlik-emulator, makes a context (the key is piped in, never in
// argv), and runs `qlik api-key create` against it, printing each step. Uses a temporary home directory, so the
// user's own ~/.qlik/contexts.yml is never touched. Ends by saying what the listed keys are and what to try next.
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

/** @param {string} a */
function shellQuote(a) {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
}

/**
 * One CLI run of the demo, shown as its command line and output; a failure marks the demo failed.
 * @param {string} title
 * @param {string[]} args
 * @param {string} [input]
 */
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
  await step(
    'context create',
    ['context', 'create', 'emulator', '--server', emulator.url, '--api-key', '-', '--comment', 'local qlik-emulator'],
    admin.apiKey,
  );
  await step('context use', ['context', 'use', 'emulator']);
  await step('context get', ['context', 'get']);
  const created = await step('api-key create', ['api-key', 'create', '--description', 'demo key', '--expiry', 'PT12H']);
  if (created.code === 0) {
    const key = JSON.parse(created.stdout);
    process.stdout.write(
      `\nThe token (shown only once) is ${key.token.length} characters; a script keeps it with: qlik api-key create … | jq -r .token\n`,
    );
  }
  const listed = await step('api-key ls', ['api-key', 'ls', '--status', 'active', '-q']);
  const count = listed.stdout.split('\n').filter(Boolean).length;
  const seeded = emulator.users.map((u) => u.name).join(', ');
  process.stdout.write(
    `\n${count} active keys: the one just created, and the ${emulator.users.length} "bootstrap" keys the emulator made at start-up, one for each of\n` +
      `its seeded users (${seeded}), so that you can act as any of them; a TenantAdmin (${admin.name}) sees every key of the tenant.\n`,
  );
  process.stdout.write(
    [
      '',
      'Next:',
      '  node packages/emulator/bin/qlik-emulator.js         # run the emulator yourself: its first lines give the users and their keys',
      '  npm pack -w packages/cli && npm install -g ./qlik-ts-cli-0.1.0.tgz   # install qlik (README: "Install the CLI")',
      "  echo 'source <(qlik completion bash)' >> ~/.bashrc   # TAB then offers your key ids, user ids and context names",
      '',
    ].join('\n'),
  );
} finally {
  await emulator.stop();
  await rm(home, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
