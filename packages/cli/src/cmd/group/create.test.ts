// qlik group create: flags → the POST body; bad input → one error line and no request.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/groups';

describe('group create', () => {
  it.each([
    [['--name', 'Admins'], { name: 'Admins' }],
    [
      [
        '--name',
        'Admins',
        '--providerType',
        'custom',
        '--status',
        'active',
        '--description',
        'd',
        '--assignedRoles-name',
        'TenantAdmin',
      ],
      {
        name: 'Admins',
        providerType: 'custom',
        status: 'active',
        description: 'd',
        assignedRoles: [{ name: 'TenantAdmin' }],
      },
    ],
    [
      ['--name', 'A', '--assignedRoles', '[{"id":"r1"},{"id":"r2"}]'],
      { name: 'A', assignedRoles: [{ id: 'r1' }, { id: 'r2' }] },
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['group', 'create', ...flags], (reg) =>
      reg.register('POST', P, json(201, { id: 'g9', ...body })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'POST', path: P, body }]);
    expect(JSON.parse(r.stdout)).toEqual({ id: 'g9', ...body });
  });

  it.each([
    [[], 'Error: required flag(s) "name" not set\n'],
    [
      ['--name', 'A', '--providerType', 'ldap'],
      'Error: invalid argument "ldap" for "--providerType" flag: must be one of "idp", "custom"\n',
    ],
    [
      ['--name', 'A', '--status', 'disabled'],
      'Error: invalid argument "disabled" for "--status" flag: must be one of "active"\n',
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['group', 'create', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
