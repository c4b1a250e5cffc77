// qlik user create: flags → the POST body; bad input → one error line and no request; answers → output.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const PATH = '/api/v1/users';
const created = { id: 'u9', subject: 's1', status: 'invited', links: { self: { href: 'x' } } };

describe('user create: flags → the request', () => {
  it.each([
    [['--subject', 's1'], { subject: 's1' }],
    [
      [
        '--subject',
        's1',
        '--name',
        'Ann',
        '--email',
        'a@b.c',
        '--picture',
        'https://p',
        '--status',
        'invited',
        '--tenantId',
        't1',
      ],
      { subject: 's1', name: 'Ann', email: 'a@b.c', picture: 'https://p', status: 'invited', tenantId: 't1' },
    ],
    // A role by name or by id: --assignedRoles-name/-id make the one item of assignedRoles.
    [
      ['--subject', 's1', '--assignedRoles-name', 'Manage API keys'],
      { subject: 's1', assignedRoles: [{ name: 'Manage API keys' }] },
    ],
    [
      ['--subject', 's1', '--assignedRoles-id', 'r1', '--assignedRoles-name', 'X'],
      { subject: 's1', assignedRoles: [{ id: 'r1', name: 'X' }] },
    ],
    // The deprecated JSON array form.
    [
      ['--subject', 's1', '--assignedRoles', '[{"name":"TenantAdmin"},{"id":"r2"}]'],
      { subject: 's1', assignedRoles: [{ name: 'TenantAdmin' }, { id: 'r2' }] },
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['user', 'create', ...flags], (reg) => reg.register('POST', PATH, json(201, created)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'POST', path: PATH, body }]);
  });

  it.each([
    [['--name', 'x'], 'Error: required flag(s) "subject" not set\n'],
    [
      ['--subject', 's1', '--status', 'active'],
      'Error: invalid argument "active" for "--status" flag: must be one of "invited"\n',
    ],
    [
      ['--subject', 's1', '--assignedRoles', '{"name":"x"}'],
      'Error: --assignedRoles: expected a JSON array of objects\n',
    ],
    [
      ['--subject', 's1', '--assignedRoles', '[{"id":"a"},{"id":"b"}]', '--assignedRoles-name', 'x'],
      'Error: --assignedRoles-name: "assignedRoles" is given as a list of several items elsewhere; give it in one place\n',
    ],
    [['--subject', 's1', '--nme', 'x'], 'Error: unknown flag: --nme\n'],
    [['--subject', 's1', 'extra'], 'Error: accepts 0 arg(s), received 1\n'],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['user', 'create', ...flags]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(error);
    expect(r.requests).toEqual([]);
  });
});

describe('user create: answers → output', () => {
  it.each([
    ['201: the user without links', [], `${JSON.stringify({ id: 'u9', subject: 's1', status: 'invited' }, null, 2)}\n`],
    ['201 with -q: the id', ['-q'], 'u9\n'],
    ['201 with --raw: the body as sent', ['--raw'], `${JSON.stringify(created)}\n`],
  ])('%s', async (_n, extra, stdout) => {
    const r = await runStubbed(['user', 'create', '--subject', 's1', ...extra], (reg) =>
      reg.register('POST', PATH, json(201, created)),
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
  });
});
