// qlik api-key patch: --op/--path/--value, --body, -f FILE and -f - → the JSON Patch sent; bad patches refused before
// any request; the status line of the empty answer.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, json, qlikError } from '../../../../../test/kit/httpmock.js';
import { lines, runStubbed, scratchDir, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/api-keys/k1';
const replace = (value: unknown) => ({ op: 'replace', path: '/description', value });

describe('api-key patch: flags → the JSON Patch sent', () => {
  it.each([
    [['--op', 'replace', '--path', '/description', '--value', 'new'], [replace('new')]],
    // --op defaults to replace.
    [['--path', '/description', '--value', 'new'], [replace('new')]],
    // Repeated: applied in order.
    [
      ['--op', 'replace', '--path', '/description', '--value', 'first', '--path', '/description', '--value', 'second'],
      [replace('first'), replace('second')],
    ],
    // The description is a string, even when it reads as JSON.
    [['--path', '/description', '--value', '10'], [replace('10')]],
    [['--path', '/description', '--value', ''], [replace('')]],
    [['--body', '[{"op":"replace","path":"/description","value":"from body"}]'], [replace('from body')]],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['api-key', 'patch', 'k1', ...flags], (reg) => reg.register('PATCH', PATH, empty(204)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'PATCH', path: PATH, body }]);
    expect(r.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('-f FILE and -f - (stdin)', async () => {
    const file = join(await scratchDir(), 'patch.json');
    await writeFile(file, '[{"op":"replace","path":"/description","value":"from file"}]');
    const a = await runStubbed(['api-key', 'patch', 'k1', '-f', file], (reg) =>
      reg.register('PATCH', PATH, empty(204)),
    );
    expect(a.requests.map((q) => q.json)).toEqual([[replace('from file')]]);
    const b = await runStubbed(
      ['api-key', 'patch', 'k1', '-f', '-'],
      (reg) => reg.register('PATCH', PATH, empty(204)),
      {
        stdin: '[{"op":"replace","path":"/description","value":"from stdin"}]',
      },
    );
    expect(b.requests.map((q) => q.json)).toEqual([[replace('from stdin')]]);
    for (const r of [a, b]) expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: '' });
  });

  it.each([
    [
      ['--path', '/status', '--value', 'x'],
      'Error: invalid argument "/status" for "--path" flag: must be one of "/description"\n',
    ],
    [
      ['--op', 'add', '--path', '/description', '--value', 'x'],
      'Error: invalid argument "add" for "--op" flag: must be one of "replace"\n',
    ],
    [
      ['--path', '/description'],
      'Error: --path was given 1 time(s) but --value 0 time(s); give one --value per --path\n',
    ],
    [
      ['--op', 'replace', '--op', 'replace', '--path', '/description', '--value', 'x'],
      'Error: --op was given more times (2) than --path (1)\n',
    ],
    [['--body', 'not json'], 'Error: --body: invalid JSON at line 1, column 1: invalid symbol\n'],
    [['--body', '{"op":"replace"}'], 'Error: --body: a JSON Patch must be an array of operations\n'],
    [['--body', '[{"op":"remove","path":"/description"}]'], 'Error: --body: operation 0: op must be one of replace\n'],
    [
      ['--body', '[{"op":"replace","path":"/status","value":"x"}]'],
      'Error: --body: operation 0: path must be one of /description\n',
    ],
    [['--body', '[7]'], 'Error: --body: operation 0 is not an object\n'],
    [
      ['--body', '[]', '--path', '/description', '--value', 'x'],
      'Error: use only one of --file, --body, or --op/--path/--value\n',
    ],
    [
      [],
      'Error: required flag(s) "op", "path", "value" not set\nHint: or give the whole JSON Patch with --file or --body\n',
    ],
    [['-f', '/nonexistent/patch.json'], /^Error: --file \/nonexistent\/patch\.json: .+\n$/],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['api-key', 'patch', 'k1', ...flags]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr).filter((l) => !l.startsWith('Hint: '))).toHaveLength(1);
    if (typeof error === 'string') expect(r.stderr).toBe(error);
    else expect(r.stderr).toMatch(error);
    expect(r.requests).toEqual([]);
  });

  it('an empty -f - : one error line, no request', async () => {
    const r = await runStubbed(['api-key', 'patch', 'k1', '-f', '-'], undefined, { stdin: '' });
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: --file stdin: is empty; expected JSON\n',
      requests: [],
    });
  });
});

describe('api-key patch: answers → output', () => {
  const flags = ['--path', '/description', '--value', 'x'];

  it.each([
    ['204', [], '204 No Content\n'],
    ['204 with --json', ['--json'], `${JSON.stringify({ status: 204, title: 'No Content' }, null, 2)}\n`],
    ['204 with -q', ['-q'], ''],
    ['204 with --raw', ['--raw'], '204 No Content\n'],
  ])('%s', async (_name, extra, stdout) => {
    const r = await runStubbed(['api-key', 'patch', 'k1', ...flags, ...extra], (reg) =>
      reg.register('PATCH', PATH, empty(204)),
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
  });

  it('an unknown key: the server body, exit 1', async () => {
    const r = await runStubbed(['api-key', 'patch', 'k1', ...flags], (reg) =>
      reg.register('PATCH', PATH, qlikError(404, 'APIKEYS-4', 'API key was not found')),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: API key was not found (APIKEYS-4)\nHint: list the ids of your keys with: qlik api-key ls -q\n',
    );
  });

  it('a PATCH is idempotent: a 503 is retried with --retry', async () => {
    const r = await runStubbed(['api-key', 'patch', 'k1', ...flags, '--retry', '1'], (reg) => {
      reg.register('PATCH', PATH, json(503, {}));
      reg.register('PATCH', PATH, empty(204));
    });
    expect(r).toMatchObject({
      code: 0,
      stdout: '204 No Content\n',
      stderr: 'Server error (503 Service Unavailable); retrying in 1 s (1/1)\n',
    });
  });
});
