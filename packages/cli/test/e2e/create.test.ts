// `qlik api-key create` as a real process (the built binary against a spawned emulator): what only a process can
// show — pipes whose reader goes away, a full disk, signals and their exit codes. Everything else about create is
// tested in-process in src/cmd/api-key/create.test.ts.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { assertBuilt, emulatorHome, lines, QLIK_JS, qlik, sh, start } from './kit.js';

const emu = useEmulator();
let home: string;

beforeAll(async () => {
  assertBuilt();
  home = await emulatorHome(emu, 'dev');
});
beforeEach(async () => {
  await emu.control('PUT', 'config', { max_keys_per_user: 100 });
});

async function byDescription(description: string) {
  return (await emu.ledger()).filter(
    (e) => e.description === description || e.description.startsWith(`${description} [qlik-cli:`),
  );
}

describe('delivery of the one-time token', () => {
  it('a reader that goes away: plain output ends quietly, a key that could not be printed is removed', async () => {
    const r = await sh(
      [
        // head reads one byte: the JSON was handed to the pipe, the run succeeded.
        `{ qlik api-key create --description epipe-head; echo "exit-a=$?" >&2; } | head -c 1`,
        'echo',
        // A reader that exits before anything is written: the write fails with EPIPE for sure.
        `{ sleep 0.3; qlik api-key ls; echo "exit-b=$?" >&2; } | true`,
        `{ sleep 0.3; qlik api-key create --description epipe-closed; echo "exit-c=$?" >&2; } | true`,
      ].join('\n'),
      { home },
    );
    expect(r.stdout).toBe('{\n');
    const [closed] = await byDescription('epipe-closed');
    expect(closed).toMatchObject({ state: 'deleted' });
    expect(lines(r.stderr)).toEqual([
      'exit-a=0',
      'exit-b=0',
      `Error: stdout could not be written (EPIPE), so the API key could not be delivered; removed API key ${closed!.id} (created by this run, not delivered) (its token is shown only once)`,
      'exit-c=1',
    ]);
    expect(await byDescription('epipe-head')).toEqual([expect.objectContaining({ state: 'active', delivered: true })]);
  });

  it('a full disk (> /dev/full): the key is removed and the run fails', async () => {
    const r = await sh('qlik api-key create --description disk-full > /dev/full', { home });
    expect(r.code).toBe(1);
    const [key] = await byDescription('disk-full');
    expect(key).toMatchObject({ state: 'deleted' });
    expect(r.stderr).toBe(
      `Error: stdout could not be written (ENOSPC), so the API key could not be delivered; removed API key ${key!.id} (created by this run, not delivered) (its token is shown only once)\n`,
    );
  });

  it('gives a slow reader on a pipe the whole JSON document', async () => {
    const r = await sh('qlik api-key create --description slow-reader | { sleep 1; cat; }', { home });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ description: 'slow-reader' });
  });
});

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the create is in flight: what the run made is removed, exit %i', async (signal, code) => {
    // The server commits, then waits 30 s before answering: the signal arrives while the answer is awaited.
    await emu.faults.add({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'slow-first-byte', ms: 30_000 } });
    const run = start(process.execPath, [QLIK_JS, 'api-key', 'create', '--description', `signal ${signal}`], { home });
    const deadline = Date.now() + 10_000;
    while ((await byDescription(`signal ${signal}`)).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    run.child.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(code);
    const [key] = await byDescription(`signal ${signal}`);
    expect(key).toMatchObject({ state: 'deleted' });
    expect(r.stdout).toBe('');
    expect(lines(r.stderr).at(-1)).toBe(
      `Error: interrupted by ${signal}; removed API key ${key!.id} (created by this run, not delivered)`,
    );
  });

  it('a signal during a plain command ends it with 128 + the signal number, and nothing on stdout', async () => {
    await emu.faults.add({ method: 'GET', path: '/api/v1/api-keys', action: { type: 'delay', ms: 30_000 } });
    const run = start(process.execPath, [QLIK_JS, 'api-key', 'ls'], { home });
    await new Promise((r) => setTimeout(r, 700));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: interrupted by SIGTERM\n');
  });
});

describe('exit codes of the binary', () => {
  it('0 on success, 1 on any failure, with nothing but an error line on stderr', async () => {
    const ok = await qlik(['api-key', 'create', '--description', 'exit-0', '-q'], { home });
    expect(ok.code).toBe(0);
    const bad = await qlik(['api-key', 'create', '--expiry', 'P1D'], { home });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: required flag(s) "description" not set\n');
  });
});
