// qlik group settings ls | patch: the requests sent; a system group's id fills the templated path.
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/groups/settings';
const EVERYONE = '000000000000000000000001';

describe('group settings', () => {
  it('ls GETs the settings', async () => {
    const body = { autoCreateGroups: true, syncIdpGroups: true, systemGroups: { [EVERYONE]: { assignedRoles: [] } } };
    const r = await runStubbed(['group', 'settings', 'ls'], (reg) => reg.register('GET', P, json(200, body)));
    expect(r).toMatchObject({ code: 0, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' });
  });

  it.each([
    [
      ['--op', 'replace', '--path', '/autoCreateGroups', '--value', 'false'],
      [{ op: 'replace', path: '/autoCreateGroups', value: false }],
    ],
    [
      ['--path', `/systemGroups/${EVERYONE}/assignedRoles`, '--value-name', 'Keys'],
      [{ op: 'replace', path: `/systemGroups/${EVERYONE}/assignedRoles`, value: [{ name: 'Keys' }] }],
    ],
  ])('patch %j', async (flags, body) => {
    const r = await runStubbed(['group', 'settings', 'patch', ...flags], (reg) => reg.register('PATCH', P, empty(204)));
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: P, body }]);
  });

  it.each([
    [
      ['--path', '/systemGroups/a/b/assignedRoles', '--value', '[]'],
      /^Error: --op\/--path\/--value: operation 0: path must be one of \/autoCreateGroups, /,
    ],
    [['--path', '/other', '--value', 'x'], /^Error: --op\/--path\/--value: operation 0: path must be one of /],
  ])('patch %j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['group', 'settings', 'patch', ...flags]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(error);
    expect(r.requests).toEqual([]);
  });
});
