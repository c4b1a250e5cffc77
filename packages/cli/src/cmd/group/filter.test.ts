// qlik group filter: the filter in the body, the rest in the query; retried like a read.
import { describe, expect, it } from 'vitest';
import { json, qlikError } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/groups/actions/filter';

describe('group filter', () => {
  it.each([
    [['--filter', 'name eq "a"'], P, { filter: 'name eq "a"' }],
    [
      ['--filter', 'name eq "a"', '--sort', '+name', '--limit', '5', '--next', 'c1'],
      `${P}?next=c1&sort=%2Bname&limit=5`,
      { filter: 'name eq "a"' },
    ],
  ])('%j', async (flags, path, body) => {
    const r = await runStubbed(['group', 'filter', ...flags], (reg) =>
      reg.register('POST', path, json(200, { data: [{ id: 'g1' }], links: {} })),
    );
    expect(r).toMatchObject({ code: 0, stdout: `${JSON.stringify([{ id: 'g1' }], null, 2)}\n`, stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'POST', path, body }]);
  });

  it('a 503 is retried with --retry (a filter only reads)', async () => {
    const r = await runStubbed(['group', 'filter', '--filter', 'x', '--retry', '1'], (reg) => {
      reg.register('POST', P, qlikError(503, 'HTTP-503', 'Unavailable'));
      reg.register('POST', P, json(200, { data: [], links: {} }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests).toHaveLength(2);
  });

  it.each([
    [['--sort', 'id'], 'Error: invalid argument "id" for "--sort" flag: must be one of "name", "+name", "-name"\n'],
    [['--limit', '0'], 'Error: invalid argument "0" for "--limit" flag: must be at least 1\n'],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['group', 'filter', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
