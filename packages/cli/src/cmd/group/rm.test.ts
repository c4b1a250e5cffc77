// qlik group rm: the DELETE sent, its answers.
import { describe, expect, it } from 'vitest';
import { empty } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

describe('group rm', () => {
  it('DELETEs; 204 prints its status line', async () => {
    const r = await runStubbed(['group', 'rm', 'g1'], (reg) => reg.register('DELETE', '/api/v1/groups/g1', empty(204)));
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'DELETE', path: '/api/v1/groups/g1', body: undefined }]);
  });

  it('no id: one error line, no request', async () => {
    const r = await runStubbed(['group', 'rm']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});
