// qlik user rm: the DELETE sent, its answers.
import { describe, expect, it } from 'vitest';
import { empty } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

describe('user rm', () => {
  it.each([
    ['u1', '/api/v1/users/u1'],
    ['a/b c', '/api/v1/users/a%2Fb%20c'],
  ])('%s → DELETE %s, 204 printed as the status line', async (id, path) => {
    const r = await runStubbed(['user', 'rm', id], (reg) => reg.register('DELETE', path, empty(204)));
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'DELETE', path, body: undefined }]);
  });

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['a', 'b'], 'Error: accepts 1 arg(s), received 2\n'],
    [['a', '--value', 'x'], 'Error: unknown flag: --value\n'],
  ])('%j → one error line, no request', async (args, error) => {
    const r = await runStubbed(['user', 'rm', ...args]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
