// qlik user patch: --op/--path/--value, --value-id/--value-name, --body and -f → the JSON Patch sent; bad patches refused
// before any request; 204 and 207 answers.
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/users/u1';

describe('user patch: flags → the JSON Patch sent', () => {
  it.each([
    [['--path', '/name', '--value', 'Ann'], [{ op: 'replace', path: '/name', value: 'Ann' }]],
    // A name stays a string even when it reads as JSON; roles and groups are JSON.
    [['--path', '/name', '--value', '2024'], [{ op: 'replace', path: '/name', value: '2024' }]],
    [['--path', '/status', '--value', 'disabled'], [{ op: 'replace', path: '/status', value: 'disabled' }]],
    [
      ['--op', 'renew', '--path', '/inviteExpiry', '--value', 'true'],
      [{ op: 'renew', path: '/inviteExpiry', value: true }],
    ],
    [['--path', '/preferredLocale', '--value', 'true'], [{ op: 'replace', path: '/preferredLocale', value: 'true' }]],
    [
      ['--path', '/assignedRoles', '--value', '[{"name":"TenantAdmin"}]'],
      [{ op: 'replace', path: '/assignedRoles', value: [{ name: 'TenantAdmin' }] }],
    ],
    // A role by name or id with --value-name/--value-id: a one-item list with replace, one object otherwise.
    [
      ['--path', '/assignedRoles', '--value-name', 'Manage API keys'],
      [{ op: 'replace', path: '/assignedRoles', value: [{ name: 'Manage API keys' }] }],
    ],
    [
      ['--op', 'add', '--path', '/assignedRoles/-', '--value-id', 'r1'],
      [{ op: 'add', path: '/assignedRoles/-', value: { id: 'r1' } }],
    ],
    [
      ['--op', 'remove-value', '--path', '/assignedRoles', '--value-id', 'r1'],
      [{ op: 'remove-value', path: '/assignedRoles', value: { id: 'r1' } }],
    ],
    [
      ['--path', '/assignedGroups', '--value-name', 'g', '--value-providerType', 'custom'],
      [{ op: 'replace', path: '/assignedGroups', value: [{ name: 'g', providerType: 'custom' }] }],
    ],
    // Several operations, in order.
    [
      [
        '--path',
        '/name',
        '--value',
        'A',
        '--op',
        'replace',
        '--op',
        'replace',
        '--path',
        '/preferredLocale',
        '--value',
        'sv',
      ],
      [
        { op: 'replace', path: '/name', value: 'A' },
        { op: 'replace', path: '/preferredLocale', value: 'sv' },
      ],
    ],
    [
      ['--body', '[{"op":"add","path":"/assignedRoles/-","value":{"name":"TenantAdmin"}}]'],
      [{ op: 'add', path: '/assignedRoles/-', value: { name: 'TenantAdmin' } }],
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['user', 'patch', 'u1', ...flags], (reg) => reg.register('PATCH', PATH, empty(204)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: PATH, body }]);
  });

  it.each([
    [
      ['--path', '/email', '--value', 'x'],
      /^Error: invalid argument "\/email" for "--path" flag: must be one of "\/name", /,
    ],
    [
      ['--op', 'move', '--path', '/name', '--value', 'x'],
      /^Error: invalid argument "move" for "--op" flag: must be one of "replace", /,
    ],
    [
      ['--path', '/assignedRoles', '--value', '[]', '--value-id', 'r1'],
      /^Error: --value-id, --value-name, --value-providerType build the value of one --path; give them with one --path and no --value\n$/,
    ],
    [
      ['--path', '/assignedRoles', '--value-providerType', 'ldap'],
      /^Error: invalid argument "ldap" for "--value-providerType" flag: must be one of "idp", "custom"\n$/,
    ],
    [
      ['--body', '[{"op":"replace","path":"/email","value":"x"}]'],
      /^Error: --body: operation 0: path must be one of \/name, /,
    ],
    [
      ['--value', 'x'],
      /^Error: required flag\(s\) "op", "path" not set\nHint: or give the whole JSON Patch with --file or --body\n$/,
    ],
    [
      ['--path', '/name', '--value', 'x', '--body', '[]'],
      /^Error: use only one of --file, --body, or --op\/--path\/--value\n$/,
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['user', 'patch', 'u1', ...flags]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(error);
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('Hint: '))).toHaveLength(2);
    expect(r.requests).toEqual([]);
  });

  it('no user id: Cobra’s argument error, no request', async () => {
    const r = await runStubbed(['user', 'patch', '--path', '/name', '--value', 'x']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});

describe('user patch: answers → output', () => {
  const flags = ['--path', '/name', '--value', 'x'];
  it.each([
    ['204', [], empty(204), '204 No Content\n'],
    ['204 with -q', ['-q'], empty(204), ''],
    // 207: some operations failed; the server's list of them is printed.
    [
      '207',
      [],
      json(207, { data: [{ code: 'USERS-1', status: 400 }] }),
      `${JSON.stringify({ data: [{ code: 'USERS-1', status: 400 }] }, null, 2)}\n`,
    ],
  ])('%s', async (_n, extra, answer, stdout) => {
    const r = await runStubbed(['user', 'patch', 'u1', ...flags, ...extra], (reg) =>
      reg.register('PATCH', PATH, answer),
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
  });
});
