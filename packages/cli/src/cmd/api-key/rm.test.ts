// qlik api-key rm: the DELETE, the status line of its empty answer, the stderr line saying whether the key was deleted
// or revoked — or, after an attempt whose answer was lost, that it is gone — and owner delete vs admin revoke for real.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { empty, failure, json, qlikError } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';
import { keyRecord, runStubbed, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/api-keys/k1';
const NOT_FOUND = qlikError(404, 'APIKEYS-4', 'API key was not found');
const GONE = 'API key k1 is gone: an earlier attempt whose answer was lost removed it, or it never existed\n';

describe('api-key rm: arguments → request', () => {
  it('sends DELETE for the id (one path segment), then reads the key to say what happened', async () => {
    const r = await runStubbed(['api-key', 'rm', 'a/b'], (reg) => {
      reg.register('DELETE', '/api/v1/api-keys/a%2Fb', empty(204));
      reg.register('GET', '/api/v1/api-keys/a%2Fb', NOT_FOUND);
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([
      { method: 'DELETE', path: '/api/v1/api-keys/a%2Fb', body: undefined },
      { method: 'GET', path: '/api/v1/api-keys/a%2Fb', body: undefined },
    ]);
  });

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['k1', 'k2'], 'Error: accepts 1 arg(s), received 2\n'],
    [['k1', '--retry', '-1'], 'Error: invalid argument "-1" for "--retry" flag: must be between 0 and 10\n'],
  ])('%j → the error, no request', async (argv, error) => {
    const r = await runStubbed(['api-key', 'rm', ...argv]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});

describe('api-key rm: answers → output', () => {
  it.each([
    ['the owner: deleted (the key is then unknown)', [], NOT_FOUND, '204 No Content\n', 'API key k1 deleted\n'],
    [
      'an admin: revoked',
      [],
      json(200, keyRecord('k1', { status: 'revoked' })),
      '204 No Content\n',
      'API key k1 revoked\n',
    ],
    [
      '--json',
      ['--json'],
      NOT_FOUND,
      `${JSON.stringify({ status: 204, title: 'No Content' }, null, 2)}\n`,
      'API key k1 deleted\n',
    ],
    ['-q: nothing on stdout, the stderr line stays', ['-q'], NOT_FOUND, '', 'API key k1 deleted\n'],
    [
      'a key still active afterwards',
      [],
      json(200, keyRecord('k1')),
      '204 No Content\n',
      'API key k1 deleted or revoked\n',
    ],
    ['a follow-up read that fails', [], json(500, {}), '204 No Content\n', 'API key k1 deleted or revoked\n'],
    [
      'a follow-up read that cannot connect',
      [],
      failure('not-sent'),
      '204 No Content\n',
      'API key k1 deleted or revoked\n',
    ],
  ])('%s', async (_name, flags, after, stdout, stderr) => {
    const r = await runStubbed(['api-key', 'rm', 'k1', ...flags], (reg) => {
      reg.register('DELETE', PATH, empty(204));
      reg.register('GET', PATH, after);
    });
    expect(r).toMatchObject({ code: 0, stdout, stderr });
  });

  it('an unknown key: the server body, exit 1, no follow-up read', async () => {
    const r = await runStubbed(['api-key', 'rm', 'k1'], (reg) => reg.register('DELETE', PATH, NOT_FOUND));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: API key was not found (APIKEYS-4)\nHint: list the ids of your keys with: qlik api-key ls -q\n',
    );
  });

  it.each([
    ['a 503', json(503, {}), 'Server error (503 Service Unavailable); retrying in 1 s (1/1)\n'],
    [
      'a reset after sending',
      failure('ambiguous'),
      'Request failed (simulated ambiguous failure); retrying in 1 s (1/1)\n',
    ],
  ])('after %s, a 404 on the retry: "gone", not "deleted", and the real status', async (_name, first, retryLine) => {
    for (const [flags, stdout] of [
      [[], '404 Not Found\n'],
      [['--json'], `${JSON.stringify({ status: 404, title: 'Not Found' }, null, 2)}\n`],
      [['-q'], ''],
    ] as const) {
      const r = await runStubbed(['api-key', 'rm', 'k1', '--retry', '1', ...flags], (reg) => {
        reg.register('DELETE', PATH, first);
        reg.register('DELETE', PATH, NOT_FOUND);
      });
      expect(r).toMatchObject({ code: 0, stdout, stderr: `${retryLine}${GONE}` });
      // Nothing to read afterwards: no GET.
      expect(r.requests.map((q) => q.method)).toEqual(['DELETE', 'DELETE']);
    }
  });

  it.each([
    ['a 429 (nothing was done)', json(429, {}), 'Rate limited (429); retrying in 1 s (1/1)\n'],
    [
      'a refused connection (nothing was sent)',
      failure('not-sent'),
      'Request failed (simulated not-sent failure); retrying in 1 s (1/1)\n',
    ],
  ])('after %s, a 404 on the retry is the error it is', async (_name, first, retryLine) => {
    const r = await runStubbed(['api-key', 'rm', 'k1', '--retry', '1'], (reg) => {
      reg.register('DELETE', PATH, first);
      reg.register('DELETE', PATH, NOT_FOUND);
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(retryLine)).toBe(true);
    expect(r.stderr.slice(retryLine.length)).toBe(
      'Error: API key was not found (APIKEYS-4)\nHint: list the ids of your keys with: qlik api-key ls -q\n',
    );
  });

  it('after a 503, a 204 on the retry: deleted', async () => {
    const r = await runStubbed(['api-key', 'rm', 'k1', '--retry', '1'], (reg) => {
      reg.register('DELETE', PATH, json(503, {}));
      reg.register('DELETE', PATH, empty(204));
      reg.register('GET', PATH, NOT_FOUND);
    });
    expect(r).toMatchObject({
      code: 0,
      stdout: '204 No Content\n',
      stderr: 'Server error (503 Service Unavailable); retrying in 1 s (1/1)\nAPI key k1 deleted\n',
    });
  });
});

describe('api-key rm against the emulator: owner delete vs admin revoke', () => {
  const emu = useEmulator({ reset: false });
  const mint = (description: string) =>
    emu.control<{ id: string; token: string }>('POST', 'keys', { userId: emu.dev.id, description });

  it('the owner deletes the key: it is gone afterwards', async () => {
    const k = await mint('owner removes');
    const r = await runQlik(['api-key', 'rm', k.id], {
      home: await homeWithContext(emu.url, { apiKey: emu.dev.apiKey }),
    });
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: `API key ${k.id} deleted\n` });
    expect((await emu.call('GET', `/api/v1/api-keys/${k.id}`, { as: emu.admin })).status).toBe(404);
  });

  it("an admin revokes someone else's key: it stays, revoked, and its token stops working", async () => {
    const k = await mint('admin revokes');
    expect((await emu.call('GET', '/api/v1/users/me', { token: k.token })).status).toBe(301);
    const r = await runQlik(['api-key', 'rm', k.id], {
      home: await homeWithContext(emu.url, { apiKey: emu.admin.apiKey }),
    });
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: `API key ${k.id} revoked\n` });
    expect((await emu.call('GET', `/api/v1/api-keys/${k.id}`, { as: emu.admin })).body).toMatchObject({
      status: 'revoked',
    });
    expect((await emu.call('GET', '/api/v1/users/me', { token: k.token })).status).toBe(401);
  });

  it('a lost answer to the delete: the retry finds it gone, and the run says so without claiming it', async () => {
    const k = await mint('answer lost');
    await emu.faults.add({
      method: 'DELETE',
      path: `/api/v1/api-keys/${k.id}`,
      times: 1,
      action: { type: 'status-after', status: 503 },
    });
    const r = await runQlik(['api-key', 'rm', k.id, '--retry', '1'], {
      home: await homeWithContext(emu.url, { apiKey: emu.dev.apiKey }),
    });
    expect(r).toMatchObject({
      code: 0,
      stdout: '404 Not Found\n',
      stderr: `Server error (503 Service Unavailable); retrying in 1 s (1/1)\nAPI key ${k.id} is gone: an earlier attempt whose answer was lost removed it, or it never existed\n`,
    });
    expect((await emu.call('GET', `/api/v1/api-keys/${k.id}`, { as: emu.admin })).status).toBe(404);
  });

  it('an unknown key: the server body, exit 1', async () => {
    const r = await runQlik(['api-key', 'rm', '00000000-0000-4000-8000-00000000beef', '--json'], {
      home: await homeWithContext(emu.url, { apiKey: emu.dev.apiKey }),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ errors: [{ status: 404 }] });
  });
});
