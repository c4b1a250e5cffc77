// qlik user invite: the --invitees-* flags make one invitee, -f several; the 207 result list is printed as an array.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, scratchDir, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/users/actions/invite';
const result = { data: [{ status: 'ok', email: 'a@b.c', userId: 'u1' }] };

describe('user invite: flags → the request', () => {
  it.each([
    [['--invitees-email', 'a@b.c'], { invitees: [{ email: 'a@b.c' }] }],
    [
      ['--invitees-email', 'a@b.c', '--invitees-name', 'Ann', '--invitees-language', 'sv', '--invitees-resend'],
      { invitees: [{ email: 'a@b.c', name: 'Ann', language: 'sv', resend: true }] },
    ],
    [['--invitees-email', 'a@b.c', '--invitees-resend=false'], { invitees: [{ email: 'a@b.c', resend: false }] }],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['user', 'invite', ...flags], (reg) => reg.register('POST', PATH, json(207, result)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'POST', path: PATH, body }]);
  });

  it('-f with several invitees', async () => {
    const file = join(await scratchDir(), 'invite.json');
    await writeFile(file, JSON.stringify({ invitees: [{ email: 'a@b.c' }, { email: 'd@e.f' }] }));
    const r = await runStubbed(['user', 'invite', '-f', file], (reg) => reg.register('POST', PATH, json(207, result)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests[0]!.json).toEqual({ invitees: [{ email: 'a@b.c' }, { email: 'd@e.f' }] });
  });

  it.each([
    [
      ['--invitees-resend=maybe'],
      'Error: invalid argument "maybe" for "--invitees-resend" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n',
    ],
    [['-f', '/nonexistent/i.json'], /^Error: --file \/nonexistent\/i\.json: .+\n$/],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['user', 'invite', ...flags]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    if (typeof error === 'string') expect(r.stderr).toBe(error);
    else expect(r.stderr).toMatch(error);
    expect(r.requests).toEqual([]);
  });
});

describe('user invite: answers → output', () => {
  it.each([
    ['207: the results as an array', [], `${JSON.stringify(result.data, null, 2)}\n`],
    ['207 with --raw', ['--raw'], `${JSON.stringify(result)}\n`],
  ])('%s', async (_n, extra, stdout) => {
    const r = await runStubbed(['user', 'invite', '--invitees-email', 'a@b.c', ...extra], (reg) =>
      reg.register('POST', PATH, json(207, result)),
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
  });
});
