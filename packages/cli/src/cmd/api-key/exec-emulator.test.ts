// qlik api-key exec, in-process against the emulator: the command gets a working key in QLIK_API_KEY (and nothing
// else of ours), qlik exits with its code, the key is gone afterwards whatever the command did; a leftover of a run
// whose process is gone is deleted by the next exec. (Signals and kill -9: test/e2e/lifecycle.test.ts.)
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const emu = useEmulator();
let home: string;
beforeEach(async () => {
  home = await homeWithContext(emu.url, { apiKey: emu.dev.apiKey });
});

async function devKeys(): Promise<{ id: string; description: string }[]> {
  const r = await emu.call('GET', `/api/v1/api-keys?sub=${emu.dev.id}&status=active&limit=100`, {
    token: emu.admin.apiKey,
  });
  return r.body.data as { id: string; description: string }[];
}

/** A node script that checks its key against the server and exits 5 when it works, 9 when not. */
const CHECK = `fetch(process.env.QLIK_SERVER + '/api/v1/users/me', { headers: { Authorization: 'Bearer ' + process.env.QLIK_API_KEY }, redirect: 'manual' }).then((r) => process.exit(r.status < 400 ? 5 : 9))`;

describe('api-key exec', () => {
  it('runs the command with a working key in QLIK_API_KEY, exits with its code, deletes the key', async () => {
    const before = await devKeys();
    const out = join(home, 'env.txt');
    const r = await runQlik(
      [
        'api-key',
        'exec',
        '--description',
        'job',
        '--',
        'sh',
        '-c',
        `env > ${out}; exec node -e "${CHECK.replace(/"/g, '\\"')}"`,
      ],
      {
        home,
        env: { QLIK_OAUTH_CLIENT_SECRET: 'do-not-pass', PATH: process.env.PATH },
      },
    );
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toBe('');
    const env = await readFile(out, 'utf8');
    expect(env).toContain(`QLIK_SERVER=${emu.url}`);
    expect(env).not.toContain('do-not-pass');
    expect(env).not.toContain(emu.dev.apiKey);
    expect(await devKeys()).toEqual(before);
    expect(await readdir(join(home, '.qlik', 'exec'))).toEqual([]);
  });

  it('a failing command: its exit code, and the key is deleted', async () => {
    const before = await devKeys();
    const r = await runQlik(['api-key', 'exec', '--', 'sh', '-c', 'exit 42'], {
      home,
      env: { PATH: process.env.PATH },
    });
    expect(r.code).toBe(42);
    expect(await devKeys()).toEqual(before);
  });

  it('a command that does not exist: exit 127, one line, the key is deleted', async () => {
    const before = await devKeys();
    const r = await runQlik(['api-key', 'exec', '--', 'no-such-command-xyz'], {
      home,
      env: { PATH: process.env.PATH },
    });
    expect(r.code).toBe(127);
    expect(r.stderr).toBe('Error: no-such-command-xyz: command not found\n');
    expect(await devKeys()).toEqual(before);
  });

  it('an interrupt is passed on to the command; the key is deleted', async () => {
    const before = await devKeys();
    const ac = new AbortController();
    const { CancelledError } = await import('../../errors/errors.js');
    const marker = join(home, 'started');
    const run = runQlik(
      ['api-key', 'exec', '--', 'sh', '-c', `trap 'exit 143' TERM; touch ${marker}; while :; do sleep 0.05; done`],
      {
        home,
        env: { PATH: process.env.PATH },
        signal: ac.signal,
        realSleep: true,
      },
    );
    for (
      let i = 0;
      i < 200 &&
      !(await readFile(marker).then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    ac.abort(new CancelledError('SIGTERM'));
    const r = await run;
    expect(r.code).toBe(143);
    expect(await devKeys()).toEqual(before);
  });

  it('the key of a run whose process is gone is deleted by the next exec (its tag and record prove it ours)', async () => {
    const left = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'job [qlik-cli:exec.deadRUN1]', expiry: 'PT1H' },
    });
    const other = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'job [qlik-cli:exec.liveRUN2]', expiry: 'PT1H' },
    });
    await mkdir(join(home, '.qlik', 'exec'), { recursive: true });
    await writeFile(
      join(home, '.qlik', 'exec', 'deadRUN1.json'),
      JSON.stringify({ nonce: 'deadRUN1', pid: 999999, host: hostname(), server: emu.url, started: '' }),
    );
    await writeFile(
      join(home, '.qlik', 'exec', 'liveRUN2.json'),
      JSON.stringify({ nonce: 'liveRUN2', pid: process.pid, host: hostname(), server: emu.url, started: '' }),
    );
    const r = await runQlik(['api-key', 'exec', '--', 'true'], { home, env: { PATH: process.env.PATH } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`Deleted API key ${left.body.id}: left behind by an interrupted 'qlik api-key exec'\n`);
    const ids = (await devKeys()).map((k) => k.id);
    expect(ids).not.toContain(left.body.id);
    expect(ids).toContain(other.body.id);
  });

  it('bad input: one line, no key', async () => {
    const before = await devKeys();
    const r = await runQlik(['api-key', 'exec', '--expiry', 'soon', '--', 'true'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: invalid argument "soon" for "--expiry" flag/);
    const r2 = await runQlik(['api-key', 'exec'], { home });
    expect(r2.code).toBe(1);
    expect(await devKeys()).toEqual(before);
  });
});
