// qlik api-key config patch: --value is sent as JSON when it reads as JSON (10 → a number), else as a string;
// with or without the tenant id.
import { describe, expect, it } from 'vitest';
import { empty, qlikError } from '../../../../../../test/kit/httpmock.js';
import { currentTenant, runStubbed, sent } from '../../../../../../test/kit/verb.js';

const CONFIG_PATH = '/api/v1/api-keys/configs/t1';

describe('api-key config patch: flags → the JSON Patch sent', () => {
  it.each([
    [['--path', '/max_keys_per_user', '--value', '10'], [{ op: 'replace', path: '/max_keys_per_user', value: 10 }]],
    [
      ['--path', '/max_api_key_expiry', '--value', 'PT48H'],
      [{ op: 'replace', path: '/max_api_key_expiry', value: 'PT48H' }],
    ],
    [
      ['--path', '/scim_externalClient_expiry', '--value', '"P30D"'],
      [{ op: 'replace', path: '/scim_externalClient_expiry', value: 'P30D' }],
    ],
    [
      ['--path', '/max_keys_per_user', '--value', '3', '--path', '/max_api_key_expiry', '--value', 'P1D'],
      [
        { op: 'replace', path: '/max_keys_per_user', value: 3 },
        { op: 'replace', path: '/max_api_key_expiry', value: 'P1D' },
      ],
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['api-key', 'config', 'patch', 't1', ...flags], (reg) =>
      reg.register('PATCH', CONFIG_PATH, empty(204)),
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: CONFIG_PATH, body }]);
  });

  it('without the tenant id: the current tenant', async () => {
    const r = await runStubbed(
      ['api-key', 'config', 'patch', '--path', '/max_keys_per_user', '--value', '10'],
      (reg) => {
        currentTenant(reg);
        reg.register('PATCH', CONFIG_PATH, empty(204));
      },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /api/v1/tenants/me',
      'GET /api/v1/tenants/t1',
      `PATCH ${CONFIG_PATH}`,
    ]);
  });

  it.each([
    [
      ['--path', '/api_keys_enabled', '--value', 'true'],
      'Error: invalid argument "/api_keys_enabled" for "--path" flag: must be one of "/max_api_key_expiry", "/max_keys_per_user", "/scim_externalClient_expiry"\n',
    ],
    [
      ['--value', '3'],
      'Error: required flag(s) "op", "path" not set\nHint: or give the whole JSON Patch with --file or --body\n',
    ],
  ])('%j → the error, no request (not even for the tenant)', async (flags, stderr) => {
    const r = await runStubbed(['api-key', 'config', 'patch', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr, requests: [] });
  });

  it('-q and --json for the empty answer', async () => {
    const flags = ['t1', '--path', '/max_keys_per_user', '--value', '4'];
    const q = await runStubbed(['api-key', 'config', 'patch', ...flags, '-q'], (reg) =>
      reg.register('PATCH', CONFIG_PATH, empty(204)),
    );
    expect(q).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const j = await runStubbed(['api-key', 'config', 'patch', ...flags, '--json'], (reg) =>
      reg.register('PATCH', CONFIG_PATH, empty(204)),
    );
    expect(JSON.parse(j.stdout)).toEqual({ status: 204, title: 'No Content' });
  });

  it('a caller without the right: the server body, exit 1', async () => {
    const r = await runStubbed(
      ['api-key', 'config', 'patch', 't1', '--path', '/max_keys_per_user', '--value', '3'],
      (reg) => reg.register('PATCH', CONFIG_PATH, qlikError(403, 'APIKEYS-9', 'Forbidden')),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: Forbidden (APIKEYS-9)\n');
  });
});
