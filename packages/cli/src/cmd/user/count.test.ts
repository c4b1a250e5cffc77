// qlik user count: the GET sent and what it prints.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/users/actions/count';

describe('user count', () => {
  it.each([
    [[], `${JSON.stringify({ total: 12 }, null, 2)}\n`],
    [['--raw'], '{"total":12}\n'],
  ])('%j', async (flags, stdout) => {
    const r = await runStubbed(['user', 'count', ...flags], (reg) =>
      reg.register('GET', PATH, json(200, { total: 12 })),
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path: PATH, body: undefined }]);
  });

  it.each([
    [['x'], 'Error: accepts 0 arg(s), received 1\n'],
    [['--tenantId', 't'], 'Error: unknown flag: --tenantId\n'],
    [['--retry', '11'], 'Error: invalid argument "11" for "--retry" flag: must be between 0 and 10\n'],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['user', 'count', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
