// qlik user edit: GET, the editable fields in $EDITOR, a PATCH of what changed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { editorScript, runStubbed, scratchDir, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/users/u1';
const USER = {
  id: 'u1',
  subject: 's1',
  name: 'Ann',
  email: 'a@b.c',
  status: 'active',
  assignedRoles: [{ id: 'r1', name: 'TenantAdmin' }],
  links: { self: { href: 'x' } },
};

describe('user edit', () => {
  it('shows the editable fields only, and PATCHes what changed', async () => {
    const seen = join(await scratchDir(), 'seen-user.json');
    const editor = await editorScript(`cp "$1" "${seen}"\nsed 's/"Ann"/"Anna"/' "$1" > "$1.new"\nmv "$1.new" "$1"`);
    const r = await runStubbed(
      ['user', 'edit', 'u1'],
      (reg) => {
        reg.register('GET', PATH, json(200, USER));
        reg.register('PATCH', PATH, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: 'Updated name\n' });
    expect(JSON.parse(await readFile(seen, 'utf8'))).toEqual({
      name: 'Ann',
      status: 'active',
      assignedRoles: [{ id: 'r1', name: 'TenantAdmin' }],
    });
    expect(r.requests.map(sent)).toEqual([
      { method: 'GET', path: PATH, body: undefined },
      { method: 'PATCH', path: PATH, body: [{ op: 'replace', path: '/name', value: 'Anna' }] },
    ]);
  });

  it('no user id: one error line, no request', async () => {
    const r = await runStubbed(['user', 'edit']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});
