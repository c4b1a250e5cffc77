// qlik role get: the GET sent and what it prints.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const ROLE = { id: 'r1', name: 'TenantAdmin', type: 'default', permissions: ['a'], links: { self: { href: 'x' } } };

describe('role get', () => {
  it.each([
    [[], `${JSON.stringify({ id: 'r1', name: 'TenantAdmin', type: 'default', permissions: ['a'] }, null, 2)}\n`],
    [['-q'], 'r1\n'],
    [['--raw'], `${JSON.stringify(ROLE)}\n`],
  ])('%j', async (flags, stdout) => {
    const r = await runStubbed(['role', 'get', 'r1', ...flags], (reg) =>
      reg.register('GET', '/api/v1/roles/r1', json(200, ROLE)),
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path: '/api/v1/roles/r1', body: undefined }]);
  });

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['r1', '--filter', 'x'], 'Error: unknown flag: --filter\n'],
  ])('%j → one error line, no request', async (args, error) => {
    const r = await runStubbed(['role', 'get', ...args]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
