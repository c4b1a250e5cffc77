// rotate and exec as real processes (the built binary against an emulator): a kill -9 at moments spread over a
// rotation whose every request is slowed (so that each step gets hit), and exec's signal forwarding and kill -9.
// In-process tests cover each step and failure (src/cmd/api-key/rotate*.test.ts, exec-emulator.test.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { tempHome } from '../../../../test/kit/temp.js';
import { assertBuilt, contextsFile, qlik, QLIK_JS, start } from './kit.js';

const emu = useEmulator();
beforeAll(() => {
  assertBuilt();
});
beforeEach(async () => {
  await emu.faults.clear();
  await emu.setConfig({ max_keys_per_user: 100 });
});

const jti = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function contextToken(home: string): Promise<string> {
  return /Bearer (\S+)/.exec(await readFile(contextsFile(home), 'utf8'))![1]!;
}

async function works(token: string): Promise<boolean> {
  return [200, 301, 302].includes((await emu.call('GET', '/api/v1/users/me', { token })).status);
}

async function activeDevKeys(prefix: string): Promise<{ id: string; description: string }[]> {
  const r = await emu.call('GET', `/api/v1/api-keys?sub=${emu.dev.id}&status=active&limit=100`, { as: emu.admin });
  // The key itself, or one carrying a tag of this CLI after the description.
  return (r.body.data as { id: string; description: string }[]).filter(
    (k) => k.description === prefix || k.description.startsWith(`${prefix} [qlik-cli:`),
  );
}

async function devHome(description: string): Promise<string> {
  const made = await emu.call('POST', '/api/v1/api-keys', {
    token: emu.dev.apiKey,
    body: { description, expiry: 'PT20H' },
  });
  expect(made.status).toBe(201);
  const home = await tempHome();
  const { writeContextsFile } = await import('../../../../test/kit/temp.js');
  await writeContextsFile(
    home,
    `current-context: dev\ncontexts:\n  dev:\n    server: ${emu.url}\n    headers:\n      Authorization: Bearer ${made.body.token as string}\n`,
  );
  return home;
}

describe('rotate killed with SIGKILL at moments spread over the rotation', () => {
  it('the context always holds a working key; a resuming rotate leaves exactly one active key and no orphan', async () => {
    // Every API request takes at least 60 ms: a rotation is ~10 of them.
    await emu.faults.add({ path: '/api/**', times: 0, action: { type: 'slow-first-byte', ms: 60 } });
    const hit = new Set<string>();
    // How long one whole rotation takes here; the kills are spread over it.
    const t0 = Date.now();
    const whole = await qlik(['api-key', 'rotate'], { home: await devHome('lc-whole') });
    expect(whole.code, whole.stderr).toBe(0);
    const span = Date.now() - t0;
    // The first third or so is node starting and reading its files: the moments are spread over the rest.
    const moments = Array.from({ length: 16 }, (_, i) => Math.round(span * (0.35 + (0.65 * (i + 1)) / 16)));
    const journalOf = (home: string): Promise<string | undefined> =>
      readFile(join(home, '.qlik', 'rotations', 'dev.json'), 'utf8').catch(() => undefined);
    for (let i = 0; i < moments.length; i++) {
      const killAt = moments[i]!;
      const d = `lc-${i}-${killAt}`;
      const home = await devHome(d);
      const p = start(process.execPath, [QLIK_JS, 'api-key', 'rotate'], { home });
      await sleep(killAt);
      p.child.kill('SIGKILL');
      await p.done;
      const journal = await journalOf(home);
      hit.add(journal === undefined ? 'none' : (JSON.parse(journal) as { step: string }).step);
      const held = await contextToken(home);
      expect(await works(held), `killed at ${killAt} ms: the context's key must work`).toBe(true);
      const resumed = await qlik(['api-key', 'rotate', '--resume'], { home });
      expect([0, 2], `${killAt} ms: ${resumed.stderr}`).toContain(resumed.code);
      const keys = await activeDevKeys(d);
      const now = await contextToken(home);
      expect(
        keys.map((k) => k.id),
        `killed at ${killAt} ms`,
      ).toEqual([jti(now)]);
      expect(keys[0]!.description).toBe(d);
      expect(await works(now)).toBe(true);
    }
    // The kills landed in more than one step ("none": before the journal was written, or after the run). The steps
    // after storing last ~200 ms of a ~2 s run and are hit by some runs only (the clean-clone CI saw both); the
    // reliability matrix's 200 kills cover them by number.
    expect(hit.size, `${[...hit].join(' ')} (a rotation took ${span} ms)`).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('two concurrent rotates of one context: one rotates, the other refuses in one line', async () => {
    await emu.faults.add({ path: '/api/**', times: 0, action: { type: 'slow-first-byte', ms: 40 } });
    const home = await devHome('cc');
    const [a, b] = await Promise.all([qlik(['api-key', 'rotate'], { home }), qlik(['api-key', 'rotate'], { home })]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(
      /^Error: another 'qlik api-key rotate' of context 'dev' (is running \(pid \d+\)|replaced its key during this one's checks); nothing changed\n$/,
    );
    expect((await activeDevKeys('cc')).map((k) => k.id)).toEqual([jti(await contextToken(home))]);
  }, 60_000);
});

describe('exec as a process', () => {
  const script = (marker: string) => `trap 'exit 99' TERM INT; echo $$ > ${marker}; while :; do sleep 0.05; done`;

  async function waitFor(path: string): Promise<number> {
    for (let i = 0; i < 400; i++) {
      const t = await readFile(path, 'utf8').catch(() => '');
      if (t.trim() !== '') return Number(t.trim());
      await sleep(25);
    }
    throw new Error('the command did not start');
  }

  for (const [signal, code] of [
    ['SIGTERM', 99],
    ['SIGINT', 99],
  ] as const) {
    it(`${signal} is passed on to the command; qlik exits with its code; the key is deleted`, async () => {
      const home = await devHome('seed');
      const marker = join(home, `started-${signal}`);
      const p = start(
        process.execPath,
        [QLIK_JS, 'api-key', 'exec', '--description', 'ex', '--', 'sh', '-c', script(marker)],
        { home },
      );
      await waitFor(marker);
      expect(await activeDevKeys('ex')).toHaveLength(1);
      p.child.kill(signal);
      const r = await p.done;
      expect(r.code, r.stderr).toBe(code);
      expect(await activeDevKeys('ex')).toEqual([]);
    });
  }

  it('kill -9 of qlik: one tagged key that expires by itself; the next exec and audit --fix remove leftovers', async () => {
    const home = await devHome('seed');
    const marker = join(home, 'started-kill');
    const p = start(
      process.execPath,
      [QLIK_JS, 'api-key', 'exec', '--expiry', 'PT10M', '--description', 'ex', '--', 'sh', '-c', script(marker)],
      { home },
    );
    const child = await waitFor(marker);
    p.child.kill('SIGKILL');
    // The command keeps qlik's stdout open: stop it too (a kill -9 of qlik does not reach it).
    process.kill(child, 'SIGKILL');
    await p.done;
    const left = await activeDevKeys('ex');
    expect(left).toHaveLength(1);
    expect(left[0]!.description).toMatch(/^ex \[qlik-cli:exec\.[\w-]+\]$/);
    const key = (await emu.call('GET', `/api/v1/api-keys/${left[0]!.id}`, { as: emu.admin })).body as {
      created: string;
      expiry: string;
    };
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(10 * 60_000);
    // The next exec on this machine removes it (its record names a process that is gone).
    const next = await qlik(['api-key', 'exec', '--', 'true'], { home });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toBe(`Deleted API key ${left[0]!.id}: left behind by an interrupted 'qlik api-key exec'\n`);
    expect(await activeDevKeys('ex')).toEqual([]);
  });

  it('audit --fix (another machine: no record) removes an exec leftover older than 10 minutes', async () => {
    const made = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'ex [qlik-cli:exec.elsewhere1]', expiry: 'PT1H' },
    });
    await emu.setTime({ offsetMs: 11 * 60_000 });
    const admin = await tempHome();
    const { writeContextsFile } = await import('../../../../test/kit/temp.js');
    await writeContextsFile(
      admin,
      `current-context: a\ncontexts:\n  a:\n    server: ${emu.url}\n    headers:\n      Authorization: Bearer ${emu.admin.apiKey}\n`,
    );
    const r = await qlik(['api-key', 'audit', '--fix', '--within', 'PT1M'], { home: admin });
    expect(r.stderr).toContain(`Deleted API key ${made.body.id as string}: left behind by this CLI`);
    expect(await activeDevKeys('ex')).toEqual([]);
  });
});
