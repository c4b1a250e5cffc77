// qlik role create: flags → the POST body; bad input → one error line and no request.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/roles';

describe('role create', () => {
  it.each([
    [['--name', 'Keys'], { name: 'Keys' }],
    // --assignedScopes is pflag's stringSlice: comma-separated, repeatable, CSV quoting.
    [
      ['--name', 'Keys', '--description', 'Manage API keys', '--assignedScopes', 'a,b', '--assignedScopes', '"c,d"'],
      { name: 'Keys', description: 'Manage API keys', assignedScopes: ['a', 'b', 'c,d'] },
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['role', 'create', ...flags], (reg) =>
      reg.register('POST', P, json(201, { id: 'r9', ...body })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'POST', path: P, body }]);
    expect(JSON.parse(r.stdout)).toEqual({ id: 'r9', ...body });
  });

  it.each([
    [[], 'Error: required flag(s) "name" not set\n'],
    [
      ['--name', 'x', '--assignedScopes', 'a"b'],
      'Error: invalid argument "a\\"b" for "--assignedScopes" flag: bare " in non-quoted-field\n',
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['role', 'create', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
