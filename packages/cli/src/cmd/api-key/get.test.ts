// qlik api-key get: arguments → the request sent, and the hint for an unknown id. What every REST verb gets from the
// runner (output formats, retries) is tested in src/api/runner.test.ts, on this verb.
import { describe, expect, it } from 'vitest';
import { json, qlikError } from '../../../../../test/kit/httpmock.js';
import { keyRecord, runStubbed, sent } from '../../../../../test/kit/verb.js';

const KEY = keyRecord('k1', { description: 'to get' });

describe('api-key get: arguments → request', () => {
  it.each([
    ['k1', '/api/v1/api-keys/k1'],
    // The id is one path segment, whatever it holds.
    ['a/b?c', '/api/v1/api-keys/a%2Fb%3Fc'],
  ])('%s → GET %s', async (id, path) => {
    const r = await runStubbed(['api-key', 'get', id], (reg) => reg.register('GET', path, json(200, KEY)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['k1', 'k2'], 'Error: accepts 1 arg(s), received 2\n'],
    [
      ['k1', '--retry=x'],
      'Error: invalid argument "x" for "--retry" flag: strconv.ParseInt: parsing "x": invalid syntax\n',
    ],
    [['k1', '--bogus'], 'Error: unknown flag: --bogus\n'],
    // Qlik's CLI suggests `--` for an argument that begins with one `-` (an id like -k1 reads as shorthand flags).
    [
      ['-k1'],
      "Error: unknown shorthand flag: 'k' in -k1\nIf -k1 is an argument and not a flag, put -- before it: qlik api-key get -- -k1\n",
    ],
  ])('%j → the error, no request', async (argv, error) => {
    const r = await runStubbed(['api-key', 'get', ...argv]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});

describe('api-key get: answers → output', () => {
  it('an unknown id: the server error body on stderr, exit 1', async () => {
    const r = await runStubbed(['api-key', 'get', 'nope'], (reg) =>
      reg.register('GET', '/api/v1/api-keys/nope', qlikError(404, 'APIKEYS-4', 'API key was not found')),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: API key was not found (APIKEYS-4)\nHint: list the ids of your keys with: qlik api-key ls -q\n',
    );
  });
});
