// Temporary homes for tests, removed after each test file by the setup file cleanup.ts. Kept apart from run.ts so that
// the setup file, which every test file loads, does not load the whole CLI with it.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/**
 * Remove the temporary homes made so far. Run after every test file by the setup file `cleanup.ts`: a hook registered
 * here would run for the first file only, since files that share a worker share this module.
 */
export async function removeTempHomes(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A temporary directory, removed after the test file. */
export function tempDir(prefix = 'qlik-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A temporary home, removed after the test file. */
export function tempHome(): Promise<string> {
  return Promise.resolve(tempDir('qlik-test-home-'));
}

/** Write `yaml` as the contexts file of `home` (0600, in a 0700 `.qlik`). */
export async function writeContextsFile(home: string, yaml: string): Promise<void> {
  await mkdir(join(home, '.qlik'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, '.qlik', 'contexts.yml'), yaml, { mode: 0o600 });
}

/** A temporary home whose contexts file is `yaml`. */
export async function homeWith(yaml: string): Promise<string> {
  const home = await tempHome();
  await writeContextsFile(home, yaml);
  return home;
}
