// In-process runs of the CLI (wrangler's runWrangler): the real main() with test IO, a temporary home, and either a
// stub registry (httpmock.ts) or the real transport (against an emulator started in the test). Retry waits are
// recorded instead of slept, unless a test asks for real time.
import { newFactory } from '../../packages/cli/src/cmdutil/factory.js';
import type { Transport } from '../../packages/cli/src/http/transport.js';
import { testIO } from '../../packages/cli/src/iostreams/testio.js';
import { main } from '../../packages/cli/src/main.js';
import { homeWith, tempHome } from './temp.js';

export { tempHome } from './temp.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Waits the run asked for, in ms (retries), when sleeping was simulated. */
  sleeps: number[];
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  home?: string;
  stdin?: string;
  stdoutTTY?: boolean;
  stdinTTY?: boolean;
  /** The network: a stub registry; omitted, the real transport. */
  transport?: Transport;
  /** Really wait between retries (default: record the waits and continue at once). */
  realSleep?: boolean;
  /** Abort the run (as a signal would). */
  signal?: AbortSignal;
  /** Stands in for stdout (e.g. a stream that fails every write). */
  stdout?: import('node:stream').Writable;
}

export async function runQlik(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const io = testIO({
    stdoutTTY: opts.stdoutTTY ?? false,
    stdinTTY: opts.stdinTTY ?? false,
    ...(opts.stdout ? { stdout: opts.stdout } : {}),
  });
  if (opts.stdin !== undefined) io.setStdin(opts.stdin);
  else io.setStdin('');
  const home = opts.home ?? (await tempHome());
  const env = { QLIK_CLI_USER_HOME_DIR: home, ...(opts.env ?? {}) };
  const sleeps: number[] = [];
  const f = newFactory({
    io,
    env,
    home,
    ...(opts.transport ? { transport: opts.transport } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.realSleep
      ? {}
      : {
          sleep: (ms: number, signal?: AbortSignal) => {
            sleeps.push(ms);
            return signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
          },
        }),
  });
  const code = await main(argv, f);
  return { code, stdout: io.stdout(), stderr: io.stderr(), sleeps };
}

/** A temporary home whose contexts.yml has one current context `test` for `server`, with an API key. */
export async function homeWithContext(server: string, opts: { apiKey?: string; extra?: string } = {}): Promise<string> {
  const lines = [
    'current-context: test',
    'contexts:',
    '  test:',
    `    server: ${server}`,
    '    headers:',
    `      Authorization: Bearer ${opts.apiKey ?? 'test-api-key-0123456789'}`,
  ];
  return homeWith(`${lines.join('\n')}\n${opts.extra ?? ''}`);
}

/** `qlik context create <name>` for an OAuth client whose secret comes from stdin (`--oauth-client-secret -`). */
export function oauthContextArgv(name: string, server: string, clientId: string): string[] {
  return ['context', 'create', name, '--server', server, '--oauth-client-id', clientId, '--oauth-client-secret', '-'];
}

/**
 * A temporary home whose current context `name` uses an OAuth client, made as a user would: `context create` with
 * the secret on stdin, then `context use`.
 */
export async function homeWithOAuthContext(
  server: string,
  clientId: string,
  secret: string,
  name = 'emu',
): Promise<string> {
  const home = await tempHome();
  const steps: [string[], string][] = [
    [oauthContextArgv(name, server, clientId), `${secret}\n`],
    [['context', 'use', name], ''],
  ];
  for (const [argv, stdin] of steps) {
    const r = await runQlik(argv, { home, stdin });
    if (r.code !== 0) throw new Error(`qlik ${argv.slice(0, 2).join(' ')} failed (${r.code}): ${r.stderr}`);
  }
  return home;
}
