// qlik user rm end to end, in-process against the emulator, when the DELETE's answer is lost (the emulator deletes the
// user, then resets the connection): the retry finds the user gone (404), and rm reports the user removed, as
// api-key rm does, instead of printing the 404 as if it had failed.
import { beforeAll, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const emu = useEmulator();
let home: string;
beforeAll(async () => {
  home = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
});

it('a lost answer to the DELETE: the retry finds the user gone; exit 0 and a line saying the user is gone', async () => {
  const user = await emu.addUser({ name: 'leaver', email: 'leaver@example.com' });
  await emu.faults.add({ method: 'DELETE', path: '/api/v1/users/*', action: { type: 'reset-after' } });
  const r = await runQlik(['user', 'rm', user.id, '--retry', '2'], { home });
  expect(r.code, r.stderr).toBe(0);
  // The status the server gave the retry, as api-key rm shows it; the line after it says what it means.
  expect(r.stdout).toBe('404 Not Found\n');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toEqual([
    expect.stringMatching(
      /^Request failed \(request to .* failed: connection reset by the server\); retrying in 1 s \(1\/2\)$/,
    ),
    `User ${user.id} is gone: an earlier attempt whose answer was lost removed it, or it never existed`,
  ]);
  // The emulator executed the first DELETE (no answer) and answered the retry 404.
  const deletes = (await emu.requests()).filter((q) => q.method === 'DELETE');
  expect(deletes.map((q) => q.status)).toEqual([0, 404]);
  expect((await emu.call('GET', `/api/v1/users/${user.id}`, { token: emu.admin.apiKey })).status).toBe(404);
});

it("a plain rm: Qlik's output only; an rm of a user that does not exist is still an error", async () => {
  const user = await emu.addUser({ name: 'stayer', email: 'stayer@example.com' });
  const r = await runQlik(['user', 'rm', user.id], { home });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('204 No Content\n');
  expect(r.stderr).toBe('');
  const again = await runQlik(['user', 'rm', user.id, '--retry', '2'], { home });
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/^Error: .*404|^Error: Not found/);
  expect(again.stderr).not.toContain('is gone');
});
