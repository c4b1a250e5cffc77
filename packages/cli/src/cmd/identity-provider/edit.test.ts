// qlik identity-provider edit: only the non-secret top-level fields reach the editor; a PATCH of what changed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { editorScript, runStubbed, scratchDir, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/identity-providers/i1';

describe('identity-provider edit', () => {
  it('shows description, active, clockToleranceSec (not the options and their secret), PATCHes what changed', async () => {
    const seen = join(await scratchDir(), 'seen-idp.json');
    const editor = await editorScript(
      `cp "$1" "${seen}"\nsed 's/"clockToleranceSec": 5/"clockToleranceSec": 30/' "$1" > "$1.new"\nmv "$1.new" "$1"`,
    );
    const r = await runStubbed(
      ['identity-provider', 'edit', 'i1'],
      (reg) => {
        reg.register(
          'GET',
          P,
          json(200, {
            id: 'i1',
            description: 'Entra',
            active: true,
            clockToleranceSec: 5,
            options: { clientSecret: 's3cr3t' },
          }),
        );
        reg.register('PATCH', P, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: 'Updated clockToleranceSec\n' });
    const shown = await readFile(seen, 'utf8');
    expect(JSON.parse(shown)).toEqual({ description: 'Entra', active: true, clockToleranceSec: 5 });
    expect(r.requests.map(sent)[1]).toEqual({
      method: 'PATCH',
      path: P,
      body: [{ op: 'replace', path: '/clockToleranceSec', value: 30 }],
    });
  });
});
