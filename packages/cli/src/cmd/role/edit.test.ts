// qlik role edit: GET, the editable fields in $EDITOR, a PATCH of what changed.
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { editorScript, runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/roles/r1';

describe('role edit', () => {
  it('PATCHes what the editor changed', async () => {
    const editor = await editorScript(`sed 's/"Keys"/"API keys"/' "$1" > "$1.new"\nmv "$1.new" "$1"`);
    const r = await runStubbed(
      ['role', 'edit', 'r1'],
      (reg) => {
        reg.register('GET', P, json(200, { id: 'r1', name: 'Keys', type: 'custom', assignedScopes: ['a'] }));
        reg.register('PATCH', P, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: 'Updated name\n' });
    expect(r.requests.map(sent)[1]).toEqual({
      method: 'PATCH',
      path: P,
      body: [{ op: 'replace', path: '/name', value: 'API keys' }],
    });
  });

  it('no role id: one error line, no request', async () => {
    const r = await runStubbed(['role', 'edit']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});
