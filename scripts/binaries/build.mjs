// npm run build:binaries [-- TARGET…]: `qlik` as standalone binaries, Node 20 single executable applications (SEA),
// for linux-x64, linux-arm64 and win-x64 (default: all three), into dist/binaries/<target>/qlik[.exe] with
// dist/binaries/SHA256SUMS (git-ignored: binaries never go into git).
//
// Each binary is Node 20.20.2 (the registry's node-<target> package, scripts/binaries/node-dist.mjs) with a blob
// injected by postject. The blob holds packages/cli/scripts/sea-main.cjs as its main script and the CLI's built files
// (dist/fast.cjs, help.txt, main.cjs, vendor/*.cjs) as assets. The blob must be made by the same Node version as the
// binary it goes into: this machine's node when it is 20.20.2 on linux-x64, else the registry's linux-x64 build.
// Code caches: the SEA's own `useCodeCache` (the entry script) only for the target this machine runs, as Node requires;
// main.cjs.cache (the cache packages/cli/scripts/build.mjs made) for the targets of this machine's architecture; the
// others compile main.cjs when they start. The Windows binary is unsigned (its Authenticode signature, which
// injecting would break, is removed first; signing is for whoever publishes it).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_VERSION, TARGETS, nodeBinary } from './node-dist.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'packages', 'cli');
const OUT = join(ROOT, 'dist', 'binaries');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const wanted = process.argv.slice(2);
for (const t of wanted)
  if (!(t in TARGETS)) throw new Error(`unknown target ${t} (known: ${Object.keys(TARGETS).join(', ')})`);
/** @type {import('./node-dist.mjs').Target[]} (checked against TARGETS just above) */
const targets = /** @type {any[]} */ (wanted.length > 0 ? wanted : Object.keys(TARGETS));
const host =
  process.platform === 'linux' && process.arch === 'x64'
    ? 'linux-x64'
    : process.platform === 'linux' && process.arch === 'arm64'
      ? 'linux-arm64'
      : undefined;
if (host === undefined)
  throw new Error(
    'npm run build:binaries runs on Linux (x64 or arm64): the blob is made by the target Node of this machine',
  );

// The CLI's files, freshly built.
execFileSync('npm', ['run', 'build', '-w', '@qlik-ts/cli'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

/** The Node 20.20.2 that makes the blobs: this one if it is that version on the host, else the registry's. */
const blobNode = process.version === `v${NODE_VERSION}` ? process.execPath : nodeBinary(host);

/**
 * Remove the Authenticode signature of a PE file (it would no longer match once the blob is injected): zero the
 * certificate table's directory entry and cut the table off the end of the file, where PE files keep it. Written here
 * because no npm package does it; osslsigncode (Debian) `remove-signature` does the same.
 * @param {string} file
 */
function removePeSignature(file) {
  const buf = readFileSync(file);
  const pe = buf.readUInt32LE(0x3c);
  if (buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error(`${file}: not a PE file`);
  const opt = pe + 24;
  const magic = buf.readUInt16LE(opt);
  const dirs = opt + (magic === 0x20b ? 112 : 96);
  const entry = dirs + 4 * 8; // IMAGE_DIRECTORY_ENTRY_SECURITY
  const at = buf.readUInt32LE(entry);
  const size = buf.readUInt32LE(entry + 4);
  if (at === 0 || size === 0) return;
  if (at + size !== buf.length) throw new Error(`${file}: the certificate table is not at the end of the file`);
  buf.writeUInt32LE(0, entry);
  buf.writeUInt32LE(0, entry + 4);
  writeFileSync(file, buf.subarray(0, at));
}

const { inject } = createRequire(import.meta.url)('postject');
const dist = join(CLI, 'dist');
const work = join(OUT, '.work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
/** @type {string[]} */
const sums = [];
try {
  for (const target of targets) {
    const started = performance.now();
    const native = target === host;
    /** @type {Record<string, string>} */
    const assets = {
      'fast.cjs': join(dist, 'fast.cjs'),
      'help.txt': join(dist, 'help.txt'),
      'main.cjs': join(dist, 'main.cjs'),
    };
    // Code caches (main.cjs.cache, vendor/*.cjs.cache) go into the binaries of this machine's architecture only: V8
    // accepts them in the Windows build of the same Node (test/windows/binaries.test.ts checks), while the linux-arm64
    // binary crashes (SIGSEGV) when it loads an x64 one.
    const sameArch = target.endsWith(`-${process.arch}`);
    for (const f of readdirSync(join(dist, 'vendor')))
      if (sameArch || !f.endsWith('.cache')) assets[`vendor/${f}`] = join(dist, 'vendor', f);
    if (sameArch && existsSync(join(dist, 'main.cjs.cache'))) assets['main.cjs.cache'] = join(dist, 'main.cjs.cache');
    const config = join(work, `${target}.json`);
    const blob = join(work, `${target}.blob`);
    writeFileSync(
      config,
      JSON.stringify(
        {
          main: join(CLI, 'scripts', 'sea-main.cjs'),
          output: blob,
          disableExperimentalSEAWarning: true,
          useSnapshot: false,
          useCodeCache: native,
          assets,
        },
        null,
        2,
      ),
    );
    execFileSync(blobNode, ['--experimental-sea-config', config], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });

    const exe = join(OUT, target, TARGETS[target].exe);
    rmSync(join(OUT, target), { recursive: true, force: true });
    mkdirSync(join(OUT, target), { recursive: true });
    copyFileSync(nodeBinary(target), exe);
    chmodSync(exe, 0o755);
    if (target.startsWith('win-')) removePeSignature(exe);
    await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
    const bytes = readFileSync(exe);
    sums.push(`${createHash('sha256').update(bytes).digest('hex')}  ${relative(OUT, exe).replaceAll('\\', '/')}`);
    console.error(
      `${relative(ROOT, exe)}: ${(bytes.length / 1024 / 1024).toFixed(1)} MiB, ${Math.round(performance.now() - started)} ms`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
// SHA256SUMS lists every binary present (a run for one target keeps the lines of the others), in `sha256sum -c` form.
const sumsFile = join(OUT, 'SHA256SUMS');
const kept = existsSync(sumsFile)
  ? readFileSync(sumsFile, 'utf8')
      .split('\n')
      .filter(
        (l) =>
          l !== '' &&
          !sums.some((s) => s.split('  ')[1] === l.split('  ')[1]) &&
          existsSync(join(OUT, l.split('  ')[1] ?? '')),
      )
  : [];
writeFileSync(
  sumsFile,
  `${[...kept, ...sums].sort((a, b) => (a.split('  ')[1] ?? '').localeCompare(b.split('  ')[1] ?? '')).join('\n')}\n`,
);
