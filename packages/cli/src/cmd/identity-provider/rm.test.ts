// qlik identity-provider rm: the DELETE sent; the tenant's interactive IdP cannot be deleted (400).
import { describe, expect, it } from 'vitest';
import { empty } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/identity-providers/i1';

describe('identity-provider rm', () => {
  it('DELETEs; 204 prints its status line', async () => {
    const r = await runStubbed(['identity-provider', 'rm', 'i1'], (reg) => reg.register('DELETE', P, empty(204)));
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'DELETE', path: P, body: undefined }]);
  });

  it('no id: one error line, no request', async () => {
    const r = await runStubbed(['identity-provider', 'rm']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});
