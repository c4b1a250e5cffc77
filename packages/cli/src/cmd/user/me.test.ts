// qlik user me: GET /api/v1/users/me, following its redirect to the user; JSON without links, or the id with -q.
import { describe, expect, it } from 'vitest';
import { json, qlikError } from '../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER, withoutLinks } from '../../../test/kit/verb.js';

const USER = {
  id: 'u1',
  tenantId: 't1',
  name: 'dev',
  email: 'dev@example.com',
  status: 'active',
  links: { self: { href: `${SERVER}/api/v1/users/u1` } },
};
const redirect = {
  status: 301,
  headers: { location: `${SERVER}/api/v1/users/u1` },
  body: Buffer.from('Moved Permanently'),
};

describe('user me', () => {
  it.each([
    [[], `${JSON.stringify(withoutLinks(USER), null, 2)}\n`],
    [['-q'], 'u1\n'],
    [['--json'], `${JSON.stringify(withoutLinks(USER), null, 2)}\n`],
  ])('%j → follows the redirect and prints the user', async (flags, stdout) => {
    const r = await runStubbed(['user', 'me', ...flags], (reg) => {
      reg.register('GET', '/api/v1/users/me', redirect);
      reg.register('GET', '/api/v1/users/u1', json(200, USER));
    });
    expect(r).toMatchObject({ code: 0, stdout, stderr: '' });
    expect(r.requests.map(sent)).toEqual([
      { method: 'GET', path: '/api/v1/users/me', body: undefined },
      { method: 'GET', path: '/api/v1/users/u1', body: undefined },
    ]);
  });

  it('refuses a redirect to another origin', async () => {
    const r = await runStubbed(['user', 'me'], (reg) =>
      reg.register('GET', '/api/v1/users/me', {
        status: 301,
        headers: { location: 'https://elsewhere.example.com/u1' },
        body: Buffer.alloc(0),
      }),
    );
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error: 301 Moved Permanently: the server redirects GET /api/v1/users/me to https://elsewhere.example.com/u1; not followed: that is another origin (https://elsewhere.example.com), and credentials go only to https://tenant.example.com\n',
    });
  });

  it('a redirect of the same path to another root: not followed, and the hint names the --server to use', async () => {
    const r = await runStubbed(['user', 'me'], (reg) =>
      reg.register('GET', '/api/v1/users/me', {
        status: 308,
        headers: { location: 'https://tenant.eu.example.com/api/v1/users/me' },
        body: Buffer.alloc(0),
      }),
    );
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error: 308 Permanent Redirect: the server redirects GET /api/v1/users/me to https://tenant.eu.example.com/api/v1/users/me; not followed: that is another origin (https://tenant.eu.example.com), and credentials go only to https://tenant.example.com\n' +
        'Hint: if the server moved there, use --server https://tenant.eu.example.com (or store it: qlik context update <name> --server https://tenant.eu.example.com)\n',
    });
    expect(r.requests).toHaveLength(1);
  });

  it('bad credentials: the server body, exit 1', async () => {
    const r = await runStubbed(['user', 'me'], (reg) =>
      reg.register('GET', '/api/v1/users/me', qlikError(401, 'AUTH-1', 'Unauthorized')),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "Error: Unauthorized (AUTH-1)\nHint: the API key of context 'test' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update test --api-key -, then rotate it before it expires with: qlik api-key rotate --context test\n",
    );
  });

  it('an argument: the error, no request', async () => {
    const r = await runStubbed(['user', 'me', 'u1']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error: accepts 0 arg(s), received 1\n', requests: [] });
  });
});
