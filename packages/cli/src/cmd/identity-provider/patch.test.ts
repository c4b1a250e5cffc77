// qlik identity-provider patch: flags → the JSON Patch (promote-options takes no path); bad patches refused.
import { describe, expect, it } from 'vitest';
import { empty } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/identity-providers/i1';

describe('identity-provider patch', () => {
  it.each([
    [['--op', 'promote-options'], [{ op: 'promote-options' }]],
    [['--path', '/active', '--value', 'false'], [{ op: 'replace', path: '/active', value: false }]],
    [['--path', '/clockToleranceSec', '--value', '30'], [{ op: 'replace', path: '/clockToleranceSec', value: 30 }]],
    [['--path', '/description', '--value', 'Entra'], [{ op: 'replace', path: '/description', value: 'Entra' }]],
    [['--body', '[{"op":"promote-options"}]'], [{ op: 'promote-options' }]],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['identity-provider', 'patch', 'i1', ...flags], (reg) =>
      reg.register('PATCH', P, empty(204)),
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: P, body }]);
  });

  it.each([
    [
      ['--op', 'remove', '--path', '/active', '--value', 'x'],
      /^Error: invalid argument "remove" for "--op" flag: must be one of "replace", "promote-options"\n$/,
    ],
    [
      ['--path', '/protocol', '--value', 'x'],
      /^Error: invalid argument "\/protocol" for "--path" flag: must be one of "\/active", /,
    ],
    [['--body', '[{"op":"replace"}]'], /^Error: --body: operation 0: path must be one of \/active, /],
    [
      ['--op', 'replace'],
      /^Error: required flag\(s\) "path", "value" not set\nHint: or give the whole JSON Patch with --file or --body\n$/,
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['identity-provider', 'patch', 'i1', ...flags]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(error);
    expect(r.requests).toEqual([]);
  });

  it('-v traces a new client secret as **omitted**; the request carries it', async () => {
    const r = await runStubbed(
      [
        'identity-provider',
        'patch',
        'i1',
        '--path',
        '/pendingOptions/clientSecret',
        '--value',
        'n3w-s3cr3t-value',
        '-v',
      ],
      (reg) => reg.register('PATCH', P, empty(204)),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('"path":"/pendingOptions/clientSecret","value":"**omitted**"');
    expect(r.stderr).not.toContain('n3w-s3cr3t-value');
    expect(r.requests[0]!.json).toEqual([
      { op: 'replace', path: '/pendingOptions/clientSecret', value: 'n3w-s3cr3t-value' },
    ]);
  });
});
