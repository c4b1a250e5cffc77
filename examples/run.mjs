// npm run examples: packs the emulator as a user gets it (npm pack of packages/emulator), installs that
// tarball into a temporary copy of each example project under examples/, and runs the example's own
// `npm test`. Dependencies come from the npm registry; better-sqlite3 builds from source.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = fileURLToPath(new URL('.', import.meta.url));

/**
 * Runs `command` in `cwd` (its stdout captured when `capture`); exits on failure, else its stdout and time.
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {{ capture?: boolean }} [opts]
 */
function run(command, args, cwd, { capture = false } = {}) {
  const t0 = performance.now();
  const res = spawnSync(command, args, {
    cwd,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    process.stderr.write(
      `examples: \`${command} ${args.join(' ')}\` failed (exit ${res.status ?? res.signal}) in ${cwd}\n`,
    );
    process.exit(1);
  }
  return { stdout: res.stdout ?? '', ms: performance.now() - t0 };
}

const work = mkdtempSync(join(tmpdir(), 'qlik-emulator-examples-'));
let ok = false;
try {
  run('npm', ['run', 'build', '-w', '@qlik-ts/emulator'], root);
  const packed = JSON.parse(
    run('npm', ['pack', '-w', 'packages/emulator', '--pack-destination', work, '--json'], root, { capture: true })
      .stdout,
  );
  const tarball = join(work, packed[0].filename);
  process.stdout.write(`examples: packed ${packed[0].filename} (${packed[0].entryCount} files)\n`);
  const projects = readdirSync(examples, { withFileTypes: true }).filter(
    (e) => e.isDirectory() && e.name !== 'node_modules' && existsSync(join(examples, e.name, 'package.json')),
  );
  if (projects.length === 0) throw new Error('no example project under examples/');
  for (const project of projects) {
    const copy = join(work, project.name);
    cpSync(join(examples, project.name), copy, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|package-lock\.json)$/.test(src),
    });
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--save-dev', tarball], copy);
    const test = run('npm', ['test'], copy);
    process.stdout.write(
      `examples: ${project.name}: installed in ${(install.ms / 1000).toFixed(1)} s, npm test passed in ${(test.ms / 1000).toFixed(1)} s\n`,
    );
  }
  ok = true;
} finally {
  rmSync(work, { recursive: true, force: true });
  if (!ok) process.exitCode = 1;
}
