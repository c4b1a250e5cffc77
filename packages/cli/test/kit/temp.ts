// Temporary homes for tests, removed after each test file by the setup file cleanup.ts. Kept apart from run.ts so that
// the setup file, which every test file loads, does not load the whole CLI with it.
import { mkdtemp, rm } from 'node:fs/promises';
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

/** A temporary home, removed after the test file. */
export async function tempHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qlik-test-home-'));
  made.push(dir);
  return dir;
}
