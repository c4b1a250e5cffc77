// qlik group patch: flags → the JSON Patch sent (roles replaced as a whole); bad patches refused.
import { describe, expect, it } from 'vitest';
import { empty } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/groups/g1';

describe('group patch', () => {
  it.each([
    [
      ['--path', 'assignedRoles', '--value-name', 'TenantAdmin'],
      [{ op: 'replace', path: 'assignedRoles', value: [{ name: 'TenantAdmin' }] }],
    ],
    [
      ['--path', '/assignedRoles', '--value-id', 'r1'],
      [{ op: 'replace', path: '/assignedRoles', value: [{ id: 'r1' }] }],
    ],
    [
      ['--path', 'assignedRoles', '--value', '[{"name":"A"},{"name":"B"}]'],
      [{ op: 'replace', path: 'assignedRoles', value: [{ name: 'A' }, { name: 'B' }] }],
    ],
    [['--path', 'name', '--value', '42'], [{ op: 'replace', path: 'name', value: '42' }]],
    [['--path', 'description', '--value', 'd'], [{ op: 'replace', path: 'description', value: 'd' }]],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['group', 'patch', 'g1', ...flags], (reg) => reg.register('PATCH', P, empty(204)));
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: P, body }]);
  });

  it.each([
    [
      ['--op', 'add', '--path', 'name', '--value', 'x'],
      'Error: invalid argument "add" for "--op" flag: must be one of "replace"\n',
    ],
    [
      ['--path', 'status', '--value', 'x'],
      'Error: invalid argument "status" for "--path" flag: must be one of "assignedRoles", "name", "description", "/assignedRoles", "/name", "/description"\n',
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['group', 'patch', 'g1', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
