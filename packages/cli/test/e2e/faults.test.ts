// `api-key create` under the emulator's fault rules: retries, and the guarantee that a run leaves exactly one
// usable key when it succeeds and none when it fails (no duplicate, no orphan), whatever broke.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultRule } from '../../../../test/kit/emulator.js';
import { apiRequests, assertBuilt, emulatorHome, lines, qlik, removeDir, type RunResult } from './kit.js';

let emu: Emulator;
let home: string;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator();
  home = await emulatorHome(emu, 'dev');
});
afterAll(async () => {
  await emu.stop();
  await removeDir(home);
});
beforeEach(async () => {
  await emu.reset();
});

const KEYS = '/api/v1/api-keys';

function onCreate(action: FaultRule['action'], times = 1): Promise<string> {
  return emu.addFault({ method: 'POST', path: KEYS, times, action });
}

function create(description: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
  return qlik(['api-key', 'create', '--description', description, '-q', ...args], { home, env });
}

async function postStatuses(): Promise<number[]> {
  return (await apiRequests(emu)).filter((r) => r.method === 'POST' && r.path === KEYS).map((r) => r.status);
}

/**
 * The invariant: after a successful run exactly one key with this description is active, it is the one printed and
 * its response reached the CLI; after a failed run none is active. Every other key the run made was deleted.
 */
async function expectOutcome(description: string, r: RunResult, succeeded: boolean): Promise<void> {
  const mine = (await emu.ledger()).filter((e) => e.description === description);
  const active = mine.filter((e) => e.state === 'active');
  for (const e of mine) if (e.state !== 'active') expect(e.state).toBe('deleted');
  // The public API agrees with the ledger.
  const listed = await emu.api('GET', `${KEYS}?status=active&limit=100`, { token: emu.dev.apiKey });
  const listedIds = (listed.body.data as { id: string; description: string }[])
    .filter((k) => k.description === description)
    .map((k) => k.id);
  expect(listedIds).toEqual(active.map((e) => e.id));
  if (succeeded) {
    expect(r.code).toBe(0);
    expect(active).toHaveLength(1);
    expect(active[0]!.delivered).toBe(true);
    expect(r.stdout).toBe(`${active[0]!.id}\n`);
  } else {
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(active).toEqual([]);
  }
}

/** The ids of keys the CLI said it removed. */
function removedIds(stderr: string): string[] {
  return [...stderr.matchAll(/^Removed API key (\S+): /gm)].map((m) => m[1]!);
}

async function deletedIds(description: string): Promise<string[]> {
  return (await emu.ledger()).filter((e) => e.description === description && e.state === 'deleted').map((e) => e.id);
}

describe('--raw against a scripted answer', () => {
  it('prints the server text byte for byte (spacing, links), where the default output cleans it', async () => {
    const text = '{"id":"00000000-0000-4000-8000-000000000001",   "token":"tok",\t"links":{"self":{"href":"/x"}}}';
    await onCreate({ type: 'status', status: 201, body: text }, 2);
    const raw = await qlik(['api-key', 'create', '--description', 'scripted', '--raw'], { home });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toBe(`${text}\n`);
    const cooked = await qlik(['api-key', 'create', '--description', 'scripted'], { home });
    expect(cooked.code).toBe(0);
    expect(cooked.stdout).toBe('{\n  "id": "00000000-0000-4000-8000-000000000001",\n  "token": "tok"\n}\n');
  });
});

describe('429 Too Many Requests', () => {
  it('waits at least the retry-after, then succeeds', async () => {
    await onCreate({ type: 'status', status: 429, headers: { 'retry-after': '2' } });
    const r = await create('rate limited', ['--retry', '1']);
    await expectOutcome('rate limited', r, true);
    expect(await postStatuses()).toEqual([429, 201]);
    expect(r.ms).toBeGreaterThanOrEqual(2000);
  });

  it('ends at once when the retry-after is beyond what the CLI waits', async () => {
    await onCreate({ type: 'status', status: 429, headers: { 'retry-after': '120' } });
    const r = await create('patience', ['--retry', '3']);
    await expectOutcome('patience', r, false);
    expect(r.stderr).toBe(
      'Error: rate limited: the server asks to wait 120s before retrying, longer than the 30s this CLI waits; try again later\n',
    );
    expect(await postStatuses()).toEqual([429]);
  });
});

describe('failures before the key is made', () => {
  it('503 (nothing committed): checks, finds nothing, sends again and succeeds', async () => {
    await onCreate({ type: 'status', status: 503 });
    const r = await create('after 503', ['--retry', '2']);
    await expectOutcome('after 503', r, true);
    expect(await postStatuses()).toEqual([503, 201]);
    expect(removedIds(r.stderr)).toEqual([]);
    expect(await deletedIds('after 503')).toEqual([]);
  });

  it('503 without --retry: exit 1 with the server error body, and no key', async () => {
    await onCreate({ type: 'status', status: 503 });
    const r = await create('503 once');
    await expectOutcome('503 once', r, false);
    expect(await postStatuses()).toEqual([503]);
    expect(r.stderr.startsWith('No API key was created\n{\n  "errors": [')).toBe(true);
    expect(r.stderr).toContain('"status": "503"');
  });
});

describe('failures after the key is made (outcome unknown)', () => {
  it.each([
    ['status-after 500', { type: 'status-after', status: 500 }, 500],
    ['reset-after', { type: 'reset-after' }, 0],
    ['truncate-after', { type: 'truncate-after' }, 201],
    ['malformed-after', { type: 'malformed-after' }, 201],
  ] as const)(
    '%s: removes the key whose answer was lost, sends again, and keeps only the delivered one',
    async (name, action, firstStatus) => {
      await onCreate(action);
      const description = `lost: ${name}`;
      const r = await create(description, ['--retry', '1']);
      await expectOutcome(description, r, true);
      expect(await postStatuses()).toEqual([firstStatus, 201]);
      const deleted = await deletedIds(description);
      expect(deleted).toHaveLength(1);
      expect(removedIds(r.stderr)).toEqual(deleted);
      expect(r.stderr).toContain('it was created by an attempt whose response was lost');
    },
  );

  it('drop-token: a 201 without its token is removed at once, then the key is created again', async () => {
    await onCreate({ type: 'drop-token' });
    const r = await create('no token', ['--retry', '1']);
    await expectOutcome('no token', r, true);
    expect(await postStatuses()).toEqual([201, 201]);
    const deleted = await deletedIds('no token');
    expect(removedIds(r.stderr)).toEqual(deleted);
    expect(r.stderr).toContain("the server's answer did not include its token");
  });

  it('status-after 500 without --retry: exit 1, the committed key is removed, none is left', async () => {
    await onCreate({ type: 'status-after', status: 500 });
    const r = await create('500 once');
    await expectOutcome('500 once', r, false);
    expect(await postStatuses()).toEqual([500]);
    expect(removedIds(r.stderr)).toEqual(await deletedIds('500 once'));
    expect(r.stderr).toContain('No API key was created (1 API key created without a usable answer was removed)\n');
  });

  it('malformed-after without --retry: one error line after the removal notice', async () => {
    await onCreate({ type: 'malformed-after' });
    const r = await create('garbled once');
    await expectOutcome('garbled once', r, false);
    const [removed] = await deletedIds('garbled once');
    expect(lines(r.stderr)).toEqual([
      `Removed API key ${removed!}: it was created by an attempt whose response was lost`,
      'Error: the server answered 201 Created but the API key could not be read from it; no API key was created (1 API key created without a usable answer was removed)',
    ]);
  });

  it('a response slower than QLIK_HTTP_TIMEOUT is treated as lost: the key is found, removed, and created again', async () => {
    // The answer would come after 30 s; the CLI gives up after 2.
    await onCreate({ type: 'slow-first-byte', ms: 30_000 });
    const r = await create('slow answer', ['--retry', '1'], { QLIK_HTTP_TIMEOUT: '2' });
    await expectOutcome('slow answer', r, true);
    expect(r.ms).toBeLessThan(30_000);
    const deleted = await deletedIds('slow answer');
    expect(deleted).toHaveLength(1);
    expect(removedIds(r.stderr)).toEqual(deleted);
  });

  it('repeated failures use up --retry and still leave nothing behind', async () => {
    await onCreate({ type: 'reset-after' }, 3);
    const r = await create('always lost', ['--retry', '2']);
    await expectOutcome('always lost', r, false);
    expect(await postStatuses()).toEqual([0, 0, 0]);
    expect(await deletedIds('always lost')).toHaveLength(3);
    expect(lines(r.stderr).at(-1)).toMatch(
      /^Error: request to 127\.0\.0\.1:\d+ failed: connection reset by the server; no API key was created \(3 API keys created without a usable answer were removed\)$/,
    );
  });
});
