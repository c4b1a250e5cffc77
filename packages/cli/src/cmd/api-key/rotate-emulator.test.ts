// qlik api-key rotate end to end, in-process against the emulator: a rotation, the journal, recovery after a run
// stopped at each step (simulated by writing the journal a killed run leaves), the quota, --grace and --finish,
// --deliver-cmd, --id.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';

const emu = useEmulator();

/** A fresh key for the developer, made with the seeded key, and a home whose context `test` holds it. */
async function devContext(
  description = 'ci key',
  expiry = 'PT20H',
): Promise<{ home: string; id: string; token: string }> {
  const res = await emu.call('POST', '/api/v1/api-keys', { token: emu.dev.apiKey, body: { description, expiry } });
  expect(res.status).toBe(201);
  const home = await homeWithContext(emu.url, { apiKey: res.body.token as string });
  return { home, id: res.body.id as string, token: res.body.token as string };
}

async function contextToken(home: string): Promise<string> {
  const text = await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8');
  return /Bearer (\S+)/.exec(text)![1]!;
}

const jti = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;

async function keysOfDev(): Promise<{ id: string; description: string; status: string }[]> {
  const r = await emu.call('GET', `/api/v1/api-keys?sub=${emu.dev.id}&status=active&limit=100`, {
    token: emu.admin.apiKey,
  });
  return r.body.data as { id: string; description: string; status: string }[];
}

async function works(token: string): Promise<boolean> {
  return [200, 301, 302].includes((await emu.call('GET', '/api/v1/users/me', { token })).status);
}

const qlik = (home: string, argv: string[], env: Record<string, string> = {}): Promise<RunResult> =>
  runQlik(['api-key', 'rotate', ...argv], { home, env });
const journal = (home: string, name = 'test') => join(home, '.qlik', 'rotations', `${name}.json`);

/**
 * Writes the journal a run of context `test` leaves when it is stopped: by default a run on this host whose process is
 * gone (pid 999999; on another host a pid cannot be checked and counts as alive), so the next rotate recovers it.
 */
async function writeJournal(home: string, fields: Record<string, unknown>): Promise<void> {
  await mkdir(join(home, '.qlik', 'rotations'), { recursive: true });
  await writeFile(
    journal(home),
    JSON.stringify({
      version: 1,
      context: 'test',
      server: emu.url,
      pid: 999999,
      host: hostname(),
      started: new Date().toISOString(),
      subType: 'user',
      description: 'ci key',
      nonce: '',
      ...fields,
    }),
  );
}

describe('api-key rotate', () => {
  it('replaces the context key: new key works, has the old description and lifetime, old key deleted, no journal left', async () => {
    const { home, id } = await devContext('ci key', 'PT20H');
    const before = (await emu.call('GET', `/api/v1/api-keys/${id}`, { token: emu.admin.apiKey })).body;
    const r = await qlik(home, []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const token = await contextToken(home);
    const newId = jti(token);
    expect(newId).not.toBe(id);
    expect(r.stderr).toBe(`Rotated: context 'test' holds API key ${newId}; the old API key ${id} was deleted\n`);
    expect(await works(token)).toBe(true);
    const after = (await emu.call('GET', `/api/v1/api-keys/${newId}`, { token: emu.admin.apiKey })).body;
    expect(after.description).toBe('ci key');
    expect(Date.parse(after.expiry) - Date.parse(after.created)).toBe(
      Date.parse(before.expiry) - Date.parse(before.created),
    );
    expect((await emu.call('GET', `/api/v1/api-keys/${id}`, { token: emu.admin.apiKey })).status).toBe(404);
    await expect(stat(journal(home))).rejects.toThrow();
    expect(r.stderr).not.toContain(token);
    const expiry = JSON.parse(await readFile(join(home, '.qlik', 'key-expiry.json'), 'utf8'));
    expect(expiry.test.id).toBe(newId);
    expect((await stat(join(home, '.qlik', 'key-expiry.json'))).mode & 0o777).toBe(0o600);
  });

  it('--json: one object with ids and no token', async () => {
    const { home, id } = await devContext();
    const r = await qlik(home, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: 'rotated',
      context: 'test',
      oldKeyId: id,
      newKeyId: jti(await contextToken(home)),
    });
    expect(r.stdout).not.toContain(await contextToken(home));
  });

  it('quota full: one line naming the keys, exit 2, nothing changed; --evict frees the named key', async () => {
    const { home, id, token } = await devContext();
    await emu.call('PATCH', `/api/v1/api-keys/configs/${emu.tenantId}`, {
      as: emu.admin,
      body: [{ op: 'replace', path: '/max_keys_per_user', value: 2 }],
    });
    const keys = await keysOfDev();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const r = await qlik(home, []);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^Error: the quota of 2 API keys is full: .*; free one with 'qlik api-key rm ID', or name one to delete with --evict ID; nothing changed\n$/,
    );
    expect(await contextToken(home)).toBe(token);
    expect(await keysOfDev()).toEqual(keys);
    const other = keys.find((k) => k.id !== id)!.id;
    const bad = await qlik(home, ['--evict', id]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is the key being rotated');
    const ok = await qlik(home, ['--evict', other]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`Deleted API key ${other} (--evict) to make room`);
    expect((await keysOfDev()).map((k) => k.id)).toEqual([jti(await contextToken(home))]);
  });

  it('--grace keeps the old key (exit 3), --finish retires it (exit 0)', async () => {
    const { home, id, token } = await devContext();
    const r = await qlik(home, ['--grace', 'PT1H']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`stays active until`);
    expect(r.stderr).toContain(`'qlik api-key rotate --finish --context test'`);
    expect(await works(token)).toBe(true);
    const j = JSON.parse(await readFile(journal(home), 'utf8'));
    expect(j.step).toBe('grace');
    expect(JSON.stringify(j)).not.toContain(token.split('.')[2]);
    expect((await stat(journal(home))).mode & 0o777).toBe(0o600);
    const f = await qlik(home, ['--finish']);
    expect(f.code, f.stderr).toBe(0);
    expect(await works(token)).toBe(false);
    expect((await emu.call('GET', `/api/v1/api-keys/${id}`, { token: emu.admin.apiKey })).status).toBe(404);
    const again = await qlik(home, ['--finish']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('No rotation to resume or finish; nothing changed\n');
  });

  it('--deliver-cmd gets the token on stdin only; a failing command stops before retiring (exit 3), --resume finishes', async () => {
    const { home, token } = await devContext();
    const out = join(home, 'delivered');
    const fail = await qlik(home, ['--deliver-cmd', `cat > ${out}; echo "argv:$*" >&2; env > ${out}.env; exit 7`]);
    expect(fail.code).toBe(3);
    expect(fail.stderr).toContain('--deliver-cmd exited with 7');
    expect(fail.stderr).toContain("'qlik api-key rotate --resume --context test'");
    const newToken = await contextToken(home);
    expect((await readFile(out, 'utf8')).trim()).toBe(newToken);
    expect(await readFile(`${out}.env`, 'utf8')).not.toContain(newToken);
    expect(await works(token)).toBe(true);
    // Fix the command (it is recorded in the journal): resume runs it again.
    const j = JSON.parse(await readFile(journal(home), 'utf8'));
    await writeFile(journal(home), JSON.stringify({ ...j, deliverCmd: `cat > ${out}` }));
    const ok = await qlik(home, ['--resume']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await works(token)).toBe(false);
    expect(await works(newToken)).toBe(true);
  });

  for (const step of ['preflight', 'creating', 'created'] as const) {
    it(`a run killed at "${step}" is undone by the next rotate, which then rotates: one key, no orphan`, async () => {
      const { home, id, token } = await devContext();
      let extra: Record<string, unknown> = {};
      if (step !== 'preflight') {
        // What the killed run made: a key tagged with its nonce.
        const made = await emu.call('POST', '/api/v1/api-keys', {
          token,
          body: { description: 'ci key [qlik-cli:rot.abcDEF123]', expiry: 'P1D' },
        });
        extra = { nonce: 'abcDEF123', ...(step === 'created' ? { newKeyId: made.body.id } : {}) };
      }
      await writeJournal(home, { step, oldKeyId: id, ...extra });
      const r = await qlik(home, []);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        step === 'preflight' ? /^An interrupted rotation had not created anything/ : /^Undid an interrupted rotation/,
      );
      const keys = (await keysOfDev()).filter((k) => k.description.startsWith('ci key'));
      expect(keys.map((k) => k.id)).toEqual([jti(await contextToken(home))]);
      expect(keys[0]!.description).toBe('ci key');
    });
  }

  it('a run killed after storing is finished by --resume: untagged, old key deleted', async () => {
    const { home, id, token } = await devContext();
    const made = await emu.call('POST', '/api/v1/api-keys', {
      token,
      body: { description: 'ci key [qlik-cli:rot.zzz]', expiry: 'P1D' },
    });
    await writeFile(
      join(home, '.qlik', 'contexts.yml'),
      (await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).replace(token, made.body.token),
    );
    // The journal still says "created": the context decides.
    await writeJournal(home, { step: 'created', nonce: 'zzz', newKeyId: made.body.id, oldKeyId: id });
    const r = await qlik(home, ['--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(await works(token)).toBe(false);
    const keys = (await keysOfDev()).filter((k) => k.description.startsWith('ci key'));
    expect(keys).toEqual([expect.objectContaining({ id: made.body.id, description: 'ci key' })]);
  });

  it('a journal that says "stored" while the context still holds the old key (killed between the two writes): undone', async () => {
    const { home, id, token } = await devContext();
    const made = await emu.call('POST', '/api/v1/api-keys', {
      token,
      body: { description: 'ci key [qlik-cli:rot.yyy]', expiry: 'P1D' },
    });
    await writeJournal(home, { step: 'stored', nonce: 'yyy', newKeyId: made.body.id, oldKeyId: id });
    const r = await qlik(home, ['--resume']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `Undid an interrupted rotation: deleted API key ${made.body.id as string} (created by it, never stored); API key ${id} is unchanged\n`,
    );
    expect(await contextToken(home)).toBe(token);
    expect(await works(token)).toBe(true);
    expect((await keysOfDev()).filter((k) => k.description.startsWith('ci key')).map((k) => k.id)).toEqual([id]);
  });

  it('refuses in one line while another live rotate holds the journal', async () => {
    const { home, token } = await devContext();
    // A live process (this test's parent) on this host holds it.
    await writeJournal(home, {
      pid: process.ppid,
      started: '',
      step: 'creating',
      nonce: 'x',
      oldKeyId: 'a',
      description: '',
    });
    const r = await qlik(home, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `Error: another 'qlik api-key rotate' of context 'test' is running (pid ${process.ppid}); nothing changed\n`,
    );
    expect(await contextToken(home)).toBe(token);
  });

  it('--id rotates another key the caller owns and prints the new token once', async () => {
    const { home } = await devContext();
    const other = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'robot', expiry: 'PT5H' },
    });
    const r = await qlik(home, ['--id', other.body.id]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('rotated');
    expect(await works(out.token)).toBe(true);
    expect(await works(other.body.token)).toBe(false);
  });

  it('a context whose key was revoked: the hint says it cannot rotate itself and names what works, nothing written', async () => {
    const { home, id } = await devContext();
    expect((await emu.call('DELETE', `/api/v1/api-keys/${id}`, { token: emu.admin.apiKey })).status).toBe(204);
    const before = await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8');
    const r = await qlik(home, []);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Error: /);
    expect(lines[1]).toBe(
      "Hint: the API key of context 'test' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update test --api-key -, then rotate it before it expires with: qlik api-key rotate --context test",
    );
    expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toBe(before);
    await expect(stat(journal(home))).rejects.toThrow();
  });

  it('bad flags: one line, no request', async () => {
    const { home } = await devContext();
    for (const [argv, msg] of [
      [['--grace', 'soon'], 'Error: invalid argument "soon" for "--grace" flag: not an ISO 8601 duration'],
      [['--finish', '--grace', 'PT1H'], 'Error: --finish and --resume complete an earlier rotation'],
      [['--evict', 'a b'], 'Error: invalid argument "a b" for "--evict" flag: not an API key ID'],
    ] as const) {
      const r = await qlik(home, [...argv]);
      expect(r.code).toBe(1);
      expect(r.stderr.startsWith(msg), r.stderr).toBe(true);
    }
  });
});
