// qlik group edit: GET, the editable fields in $EDITOR, a PATCH of what changed.
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { editorScript, runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/groups/g1';

describe('group edit', () => {
  it('PATCHes what the editor changed', async () => {
    const editor = await editorScript(`sed 's/"old"/"new"/' "$1" > "$1.new"\nmv "$1.new" "$1"`);
    const r = await runStubbed(
      ['group', 'edit', 'g1'],
      (reg) => {
        reg.register(
          'GET',
          P,
          json(200, { id: 'g1', name: 'g', description: 'old', assignedRoles: [], providerType: 'custom' }),
        );
        reg.register('PATCH', P, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: 'Updated description\n' });
    expect(r.requests.map(sent)[1]).toEqual({
      method: 'PATCH',
      path: P,
      body: [{ op: 'replace', path: '/description', value: 'new' }],
    });
  });
});
