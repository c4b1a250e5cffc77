// qlik api-key rotate --id of a SCIM key, end to end in-process against the emulator (issue #22): a TenantAdmin
// context rotates the key of `SCIM\<IdP id>` (subType externalClient). The new key is created through the safe
// create, verified by the SCIM service's ServiceProviderConfig, delivered with --deliver-cmd (token on stdin: it is
// stored in no context) or, without one, printed once; then the old key is retired. After it the old key is refused by
// the SCIM service and the new one answers.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';

const SCIM = '/api/v1/scim/v2';

const emu = useEmulator();

/** A home whose context holds the admin's key, and a SCIM key of the first IdP made through the CLI. */
async function scimKey(): Promise<{ home: string; idpId: string; id: string; token: string }> {
  const home = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
  const idps = await runQlik(['identity-provider', 'ls', '-q'], { home });
  expect(idps.code, idps.stderr).toBe(0);
  const idpId = idps.stdout.trim().split('\n')[0] ?? '';
  const created = await runQlik(
    [
      'api-key',
      'create',
      '--description',
      'entra provisioning',
      '--expiry',
      'P365D',
      '--sub',
      `SCIM\\${idpId}`,
      '--subType',
      'externalClient',
    ],
    { home },
  );
  expect(created.code, created.stderr).toBe(0);
  const key = JSON.parse(created.stdout) as { id: string; token: string };
  return { home, idpId, id: key.id, token: key.token };
}

const serviceProviderConfig = (token: string) => emu.call('GET', `${SCIM}/ServiceProviderConfig`, { token });
const scimUsers = (token: string) => emu.call('GET', `${SCIM}/Users`, { token });

async function activeScimKeys(idpId: string): Promise<{ id: string; description: string; expiry: string }[]> {
  const r = await emu.call('GET', `/api/v1/api-keys?subType=externalClient&status=active&limit=100`, {
    token: emu.admin.apiKey,
  });
  expect(r.status, r.text).toBe(200);
  return (r.body.data as { id: string; sub: string; description: string; expiry: string }[]).filter(
    (k) => k.sub === `SCIM\\${idpId}`,
  );
}

const rotate = (home: string, argv: string[]): Promise<RunResult> => runQlik(['api-key', 'rotate', ...argv], { home });

it('--deliver-cmd: the new SCIM key reaches the command on stdin only, the old one is refused, the new one works', async () => {
  const { home, idpId, id, token } = await scimKey();
  expect((await serviceProviderConfig(token)).status).toBe(200);
  const sink = join(home, 'delivered');
  const r = await rotate(home, [
    '--id',
    id,
    '--deliver-cmd',
    `cat > '${sink}'; { echo "argc:$#"; env; } > '${sink}.env'`,
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  const delivered = (await readFile(sink, 'utf8')).trim();
  expect(delivered).toMatch(/^eyJ/);
  expect(r.stderr).not.toContain(delivered);
  const env = await readFile(`${sink}.env`, 'utf8');
  expect(env).toContain('argc:0');
  expect(env).not.toContain(delivered);
  expect(r.stderr).toMatch(new RegExp(`Rotated: the new key is API key [0-9a-f-]+; the old API key ${id} was deleted`));

  // After it: the old key is refused by the SCIM service (its own error shape), the new one answers.
  const refused = await scimUsers(token);
  expect(refused.status).toBe(401);
  expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
  expect((await serviceProviderConfig(delivered)).status).toBe(200);
  expect((await scimUsers(delivered)).status).toBe(200);

  // One active SCIM key for the IdP: the new one, untagged, with the old description and lifetime.
  const keys = await activeScimKeys(idpId);
  expect(keys).toHaveLength(1);
  expect(keys[0]!.id).not.toBe(id);
  expect(keys[0]!.description).toBe('entra provisioning');
  const days = (Date.parse(keys[0]!.expiry) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(364);
  expect(days).toBeLessThanOrEqual(365);
  // The journal is gone and the admin's context still holds the admin's key.
  expect(await readdir(join(home, '.qlik', 'rotations'))).toEqual([]);
  expect(await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).toContain(emu.admin.apiKey);
});

it('without --deliver-cmd: the new token is printed once on stdout (the key is in no context)', async () => {
  const { home, idpId, id, token } = await scimKey();
  const r = await rotate(home, ['--id', id]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { status: string; oldKeyId: string; newKeyId: string; token: string };
  expect(out).toMatchObject({ status: 'rotated', oldKeyId: id });
  expect(r.stdout.split(out.token)).toHaveLength(2);
  expect(r.stderr).not.toContain(out.token);
  expect((await scimUsers(token)).status).toBe(401);
  expect((await scimUsers(out.token)).status).toBe(200);
  expect((await activeScimKeys(idpId)).map((k) => k.id)).toEqual([out.newKeyId]);
});

it('--deliver-cmd fails: exit 2, the new key is deleted (its token is held nowhere else), the old key still works', async () => {
  const { home, idpId, id, token } = await scimKey();
  const sink = join(home, 'delivered');
  const r = await rotate(home, ['--id', id, '--deliver-cmd', `cat > '${sink}'; exit 7`]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(
    new RegExp(
      `^Error: --deliver-cmd exited with 7: the new API key [0-9a-f-]+ was deleted, since its token is held nowhere else; the API key ${id} is unchanged; fix the command and rotate again\n$`,
    ),
  );
  const delivered = (await readFile(sink, 'utf8')).trim();
  expect((await serviceProviderConfig(delivered)).status).toBe(401);
  expect((await scimUsers(token)).status).toBe(200);
  expect((await activeScimKeys(idpId)).map((k) => k.id)).toEqual([id]);
  expect(await readdir(join(home, '.qlik', 'rotations'))).toEqual([]);
  // The next try with a working command rotates.
  const ok = await rotate(home, ['--id', id, '--deliver-cmd', `cat > '${sink}'`]);
  expect(ok.code, ok.stderr).toBe(0);
  expect((await scimUsers((await readFile(sink, 'utf8')).trim())).status).toBe(200);
  expect((await scimUsers(token)).status).toBe(401);
});

it('retiring the old key fails: the token is still printed once (exit 3), --resume retires the old key', async () => {
  const { home, idpId, id, token } = await scimKey();
  await emu.faults.add({
    method: 'DELETE',
    path: `/api/v1/api-keys/${id}`,
    times: 0,
    action: { type: 'status', status: 500 },
  });
  const r = await rotate(home, ['--id', id, '--retry', '0']);
  expect(r.code, r.stderr).toBe(3);
  const out = JSON.parse(r.stdout) as { status: string; newKeyId: string; token: string };
  expect(out).toMatchObject({ status: 'old-key-active', oldKeyId: id });
  expect(r.stderr).toContain(`run 'qlik api-key rotate --resume --id ${id}'`);
  expect(r.stderr).not.toContain(out.token);
  expect((await scimUsers(out.token)).status).toBe(200);
  expect((await scimUsers(token)).status).toBe(200);
  // Untagged already: audit --fix would not take it for an orphan.
  expect((await activeScimKeys(idpId)).find((k) => k.id === out.newKeyId)?.description).toBe('entra provisioning');

  await emu.faults.clear();
  const resumed = await rotate(home, ['--resume', '--id', id]);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).toBe('');
  expect((await scimUsers(token)).status).toBe(401);
  expect((await scimUsers(out.token)).status).toBe(200);
  expect((await activeScimKeys(idpId)).map((k) => k.id)).toEqual([out.newKeyId]);
  expect(await readdir(join(home, '.qlik', 'rotations'))).toEqual([]);
});

it('a run killed after the create, before its token reached anyone: the resume deletes that key, the old one stays', async () => {
  const { home, idpId, id, token } = await scimKey();
  // What the killed run made: a SCIM key tagged with its nonce; its journal says "stored" (token not yet delivered).
  const made = await emu.call('POST', '/api/v1/api-keys', {
    token: emu.admin.apiKey,
    body: {
      description: 'entra provisioning [qlik-cli:rot.scimNonce1]',
      expiry: 'P365D',
      sub: `SCIM\\${idpId}`,
      subType: 'externalClient',
    },
  });
  expect(made.status, made.text).toBe(201);
  await mkdir(join(home, '.qlik', 'rotations'), { recursive: true });
  await writeFile(
    join(home, '.qlik', 'rotations', `key.${id}.json`),
    JSON.stringify({
      version: 1,
      context: '',
      server: emu.url,
      pid: 999999,
      host: hostname(),
      started: new Date().toISOString(),
      step: 'stored',
      nonce: 'scimNonce1',
      oldKeyId: id,
      newKeyId: made.body.id,
      subType: 'externalClient',
      description: 'entra provisioning',
      deliverCmd: 'cat > /dev/null',
    }),
  );
  const r = await rotate(home, ['--resume', '--id', id]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toBe(
    `Undid an interrupted rotation: deleted API key ${made.body.id as string} (created by it, its token never delivered); API key ${id} is unchanged\n`,
  );
  expect((await scimUsers(token)).status).toBe(200);
  expect((await activeScimKeys(idpId)).map((k) => k.id)).toEqual([id]);
});
