// qlik group get: the GET sent and what it prints.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const G = {
  id: '000000000000000000000001',
  name: 'com.qlik.Everyone',
  assignedRoles: [],
  links: { self: { href: 'x' } },
};

describe('group get', () => {
  it.each([
    [[], `${JSON.stringify({ id: G.id, name: G.name, assignedRoles: [] }, null, 2)}\n`],
    [['-q'], `${G.id}\n`],
    [['--raw'], `${JSON.stringify(G)}\n`],
  ])('%j', async (flags, stdout) => {
    const path = `/api/v1/groups/${G.id}`;
    const r = await runStubbed(['group', 'get', G.id, ...flags], (reg) => reg.register('GET', path, json(200, G)));
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it('no id: one error line, no request', async () => {
    const r = await runStubbed(['group', 'get']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});
