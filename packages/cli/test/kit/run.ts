// In-process runs of the CLI (wrangler's runWrangler): the real main() with captured IO and a temporary home.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newFactory } from '../../src/cmdutil/factory.js';
import { testIO } from '../../src/iostreams/iostreams.js';
import { main } from '../../src/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function tempHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'qlik-test-home-'));
}

export async function runQlik(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; home?: string; stdin?: string; stdoutTTY?: boolean } = {},
): Promise<RunResult> {
  const io = testIO({ stdoutTTY: opts.stdoutTTY ?? false });
  if (opts.stdin !== undefined) io.setStdin(opts.stdin);
  const home = opts.home ?? (await tempHome());
  const env = { QLIK_CLI_USER_HOME_DIR: home, ...(opts.env ?? {}) };
  const code = await main(argv, newFactory({ io, env, home }));
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
