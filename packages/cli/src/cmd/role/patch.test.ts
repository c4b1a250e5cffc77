// qlik role patch: flags → the JSON Patch sent; bad patches refused before any request.
import { describe, expect, it } from 'vitest';
import { empty } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/roles/r1';

describe('role patch', () => {
  it.each([
    [['--path', '/name', '--value', '2024'], [{ op: 'replace', path: '/name', value: '2024' }]],
    [
      ['--path', '/assignedScopes', '--value', '["a","b"]'],
      [{ op: 'replace', path: '/assignedScopes', value: ['a', 'b'] }],
    ],
    [
      ['--op', 'add', '--path', '/assignedScopes/-', '--value', 'c'],
      [{ op: 'add', path: '/assignedScopes/-', value: 'c' }],
    ],
    [
      ['--op', 'remove-value', '--path', '/assignedScopes', '--value', '"c"'],
      [{ op: 'remove-value', path: '/assignedScopes', value: 'c' }],
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['role', 'patch', 'r1', ...flags], (reg) => reg.register('PATCH', P, empty(204)));
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: P, body }]);
  });

  it.each([
    [
      ['--path', '/type', '--value', 'x'],
      'Error: invalid argument "/type" for "--path" flag: must be one of "/name", "/description", "/assignedScopes", "/assignedScopes/-"\n',
    ],
    [
      ['--op', 'remove', '--path', '/name', '--value', 'x'],
      'Error: invalid argument "remove" for "--op" flag: must be one of "replace", "add", "remove-value"\n',
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['role', 'patch', 'r1', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
