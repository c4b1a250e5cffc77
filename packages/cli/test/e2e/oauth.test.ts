// OAuth contexts as real processes (issue #11): what only a real process shows. The client secret given with
// `--oauth-client-secret -` never sits in /proc/<pid>/cmdline (nor environ); 20 parallel `qlik` processes on a cold
// token cache all succeed and share a token (the emulator's request log counts the token requests), with -v, and
// neither the secret nor the access token reaches any stderr, `context get` or any process's argv; a bad secret
// ends a real process with exit 1 and one line. (The token flows themselves are tested in-process:
// src/http/oauth-emulator.test.ts.)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientInfo } from '@qlik-ts/emulator';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { oauthContextArgv } from '../../../../test/kit/run.js';
import { tempHome } from '../../../../test/kit/temp.js';
import { assertBuilt, qlik, QLIK_JS, start } from './kit.js';

const emu = useEmulator({ reset: false });
let m2m: OAuthClientInfo;

beforeAll(() => {
  assertBuilt();
  m2m = emu.oauthClient('m2m');
});

/**
 * NUL-separated argv and environment of a running process, once it runs the CLI (before its exec the forked child
 * still shows the test worker's); undefined when it has exited first.
 */
async function procText(pid: number): Promise<{ cmdline: string; environ: string } | undefined> {
  for (let i = 0; i < 2000; i++) {
    let cmdline: string;
    try {
      cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return undefined;
    }
    if (cmdline.includes(QLIK_JS)) {
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => undefined);
      return environ === undefined ? undefined : { cmdline, environ };
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`process ${pid} never showed the CLI in its cmdline`);
}

/** `context create` with the secret on stdin, its argv read while it waits for stdin; then `context use`. */
async function createContext(home: string, secret: string): Promise<string> {
  const argv = [QLIK_JS, ...oauthContextArgv('emu', emu.url, m2m.clientId)];
  const { child, done } = start(process.execPath, argv, { home, keepStdinOpen: true });
  // It waits for the secret on stdin, so it is still running.
  const proc = (await procText(child.pid!))!;
  child.stdin!.end(`${secret}\n`);
  const r = await done;
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe("Context 'emu' created\n");
  expect(proc.cmdline).toContain('--oauth-client-secret\0-\0');
  expect((await qlik(['context', 'use', 'emu'], { home })).code).toBe(0);
  return proc.cmdline + proc.environ;
}

describe('an OAuth context in real processes', () => {
  it('20 parallel runs on a cold cache, with -v: all succeed, at most a few token requests, no secret anywhere', async () => {
    const home = await tempHome();
    const seen = [await createContext(home, m2m.clientSecret)];
    const before = (await emu.requests()).at(-1)?.seq ?? 0;

    const runs = Array.from({ length: 20 }, () => start(process.execPath, [QLIK_JS, 'user', 'me', '-v'], { home }));
    const procs = (await Promise.all(runs.map((r) => procText(r.child.pid!)))).filter((p) => p !== undefined);
    // Most are caught running (a process that is already gone cannot be read).
    expect(procs.length).toBeGreaterThan(0);
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: m2m.userId });
    }
    const log = (await emu.requests()).filter((q) => q.seq > before);
    const tokenRequests = log.filter((q) => q.path === '/oauth/token');
    // A lock around fetch-and-store: the first run fetches, the others find its token in the cache.
    expect(tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(tokenRequests.length).toBeLessThanOrEqual(3);
    expect(log.filter((q) => q.status === 401)).toEqual([]);

    const cache = JSON.parse(await readFile(join(home, '.qlik', 'oauth-tokens.json'), 'utf8')) as {
      tokens: Record<string, { accessToken: string }>;
    };
    const accessTokens = Object.values(cache.tokens).map((t) => t.accessToken);
    expect(accessTokens).toHaveLength(1);
    const get = await qlik(['context', 'get'], { home });
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toContain('oauth-client-secret: **omitted**');

    const texts = [
      ...results.flatMap((r) => [r.stderr, r.stdout]),
      get.stdout,
      get.stderr,
      ...seen,
      ...procs.map((p) => p.cmdline + p.environ),
    ];
    // The -v traces are there, redacted.
    expect(results.some((r) => r.stderr.includes('"client_secret":"**omitted**"'))).toBe(true);
    for (const secret of [m2m.clientSecret, ...accessTokens, ...accessTokens.map((t) => t.split('.')[2]!)]) {
      for (const text of texts) expect(text.includes(secret), `a secret in: ${text.slice(0, 200)}`).toBe(false);
    }
  });

  it('a bad secret: exit 1, one line naming the context and the server, the secret nowhere', async () => {
    const home = await tempHome();
    const wrong = 'wrong-secret-1234567890abcdef';
    const seen = await createContext(home, wrong);
    const r = await qlik(['api-key', 'ls', '-v', '--retry', '2'], { home });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const last = r.stderr.trimEnd().split('\n').at(-1);
    expect(last).toBe(
      `Error: context 'emu': the OAuth client was rejected by ${emu.url} (401): Unauthorized - The client credentials are invalid`,
    );
    // -v shows the one token request (and no second one).
    expect(r.stderr.match(/POST \S+\/oauth\/token/g)).toHaveLength(1);
    expect(r.stderr + seen).not.toContain(wrong);
  });
});
