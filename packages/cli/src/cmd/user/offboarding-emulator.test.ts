// The offboarding path of issue #21's "Done when", end to end with the CLI in-process against the emulator:
// user create → user patch (active, and the "Manage API keys" role) → api-key create --sub for that user → their key
// works → user rm → the key answers 401 and `api-key ls --sub` shows it revoked.
import { beforeAll, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';

const emu = useEmulator({ reset: false });
let admin: string;

beforeAll(async () => {
  admin = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
});

const qlik = (argv: string[], home = admin): Promise<RunResult> => runQlik(argv, { home });

function ok(r: RunResult): RunResult {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

it('creates a user, gives them the role, makes them a key, and removing the user revokes it', async () => {
  const created = JSON.parse(
    ok(
      await qlik([
        'user',
        'create',
        '--subject',
        'idp|leaver',
        '--name',
        'Leaver',
        '--email',
        'leaver@corp.example',
        '--json',
      ]),
    ).stdout,
  ) as { id: string; status: string };
  expect(created.status).toBe('invited');
  ok(await qlik(['user', 'patch', created.id, '--op', 'replace', '--path', '/status', '--value', 'active']));
  ok(
    await qlik([
      'user',
      'patch',
      created.id,
      '--op',
      'add',
      '--path',
      '/assignedRoles/-',
      '--value-name',
      'ManageApiKeys',
    ]),
  );
  const user = JSON.parse(ok(await qlik(['user', 'get', created.id, '--json'])).stdout) as {
    status: string;
    assignedRoles: { name: string }[];
  };
  expect(user.status).toBe('active');
  expect(user.assignedRoles.map((r) => r.name)).toEqual(['ManageApiKeys']);

  const key = JSON.parse(
    ok(await qlik(['api-key', 'create', '--sub', created.id, '--description', 'leaver key', '--json'])).stdout,
  ) as { id: string; token: string; sub: string };
  expect(key.sub).toBe(created.id);
  const theirs = await homeWithContext(emu.url, { apiKey: key.token });
  expect(JSON.parse(ok(await qlik(['user', 'me', '--json'], theirs)).stdout)).toMatchObject({ id: created.id });

  ok(await qlik(['user', 'rm', created.id]));
  const refused = await qlik(['user', 'me', '--json'], theirs);
  expect(refused.code).toBe(1);
  expect((await emu.call('GET', '/api/v1/users/me', { token: key.token })).status).toBe(401);
  const listed = JSON.parse(ok(await qlik(['api-key', 'ls', '--sub', created.id, '--json'])).stdout) as {
    id: string;
    status: string;
  }[];
  expect(listed.find((k) => k.id === key.id)?.status).toBe('revoked');
  expect(listed.every((k) => k.status === 'revoked')).toBe(true);
});
