// The error line and the hint table (hints.ts), as pure functions: body shapes → the line; facts → the hint.
import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { serverErrorHint, serverErrorLine, shellWord, type CredentialSource } from './hints.js';

const err = (status: number, body: unknown, statusText = 'Status'): HttpError =>
  new HttpError(status, statusText, typeof body === 'string' ? body : JSON.stringify(body));

describe('serverErrorLine', () => {
  it.each<[string, HttpError, string]>([
    [
      'title, detail and code',
      err(400, { errors: [{ code: 'A-1', title: 'Bad', detail: 'the detail' }] }),
      'Bad: the detail (A-1)',
    ],
    ['no detail', err(403, { errors: [{ code: 'A-2', title: 'Forbidden' }] }), 'Forbidden (A-2)'],
    ['no title: the status line', err(404, { errors: [{ status: 404 }] }, 'Not Found'), '404 Not Found'],
    ['a detail equal to the title is not repeated', err(400, { errors: [{ title: 'Same', detail: 'Same' }] }), 'Same'],
    [
      'more than one error',
      err(400, { errors: [{ title: 'One' }, { title: 'Two' }, { title: 'Three' }] }),
      'One; and 2 more (--json shows them)',
    ],
    [
      'an OAuth body',
      err(401, { error: 'invalid_client', error_description: 'bad secret' }),
      'invalid_client: bad secret',
    ],
    ['a body that is not JSON', err(502, '<html>bad gateway</html>', 'Bad Gateway'), '502 Bad Gateway'],
    ['an empty body', err(500, '', 'Internal Server Error'), '500 Internal Server Error'],
    ['line breaks in a detail', err(400, { errors: [{ title: 'T', detail: 'a\nb' }] }), 'T: a b'],
  ])('%s', (_what, e, line) => {
    expect(serverErrorLine(e)).toBe(line);
  });
});

describe('serverErrorHint: who holds the credentials a 401 refused', () => {
  const e401 = err(401, { errors: [{ code: 'HTTP-401', title: 'Unauthorized' }] });
  it.each<[CredentialSource | undefined, string | undefined]>([
    [
      { kind: 'context-api-key', context: 'my ctx' },
      "the API key of context 'my ctx' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update 'my ctx' --api-key -, then rotate it before it expires with: qlik api-key rotate --context 'my ctx'",
    ],
    [
      { kind: 'context-oauth', context: 'bot' },
      "the access token of context 'bot' was refused; check the OAuth client, and replace its secret with: qlik context update bot --oauth-client-secret -",
    ],
    [
      { kind: 'headers' },
      'the Authorization header given with --headers was refused; check the key, or use a context: qlik context create <name> --server <url> --api-key -',
    ],
    [
      { kind: 'config' },
      "the 'api-key' of the -c config file was refused (expired, revoked or wrong); replace it in that file",
    ],
    [
      { kind: 'env' },
      'the credentials from the environment (QLIK_SERVER with QLIK_API_KEY or QLIK_OAUTH_CLIENT_*) were refused; replace them, or unset QLIK_SERVER to use the current context',
    ],
    [
      { kind: 'none' },
      'no credentials were sent; make a context with: qlik context create <name> --server <url> --api-key -',
    ],
    [undefined, undefined],
  ])('%j', (credentials, hint) => {
    expect(serverErrorHint(e401, { command: 'user me', flags: {}, credentials })).toBe(hint);
  });

  it('SCIM keys and keys for others need TenantAdmin; an unknown limit points at config get', () => {
    const scim = err(403, {
      errors: [
        {
          code: 'APIKEYS-5',
          title: 'Requestor not allowed',
          detail: 'Only a TenantAdmin can create SCIM (externalClient) API keys',
        },
      ],
    });
    expect(
      serverErrorHint(scim, {
        command: 'api-key create',
        flags: { subType: 'externalClient', sub: 'SCIM\\idp' },
        credentials: undefined,
      }),
    ).toBe(
      'API keys for other users and SCIM (externalClient) keys need the TenantAdmin role; without --sub the key is your own',
    );
    const quota = err(403, {
      errors: [{ title: 'Forbidden', detail: 'The maximum number of active API keys per user has been reached' }],
    });
    expect(serverErrorHint(quota, { command: 'api-key create', flags: {}, credentials: undefined })).toBe(
      "the tenant's limit of active API keys per user is reached: list them with qlik api-key ls --status active and remove one (qlik api-key rm <id>), or a TenantAdmin raises the limit: qlik api-key config patch --op replace --path /max_keys_per_user --value <n>",
    );
    // The same refusal on another command has no hint.
    expect(serverErrorHint(quota, { command: 'api-key ls', flags: {}, credentials: undefined })).toBeUndefined();
  });
});

describe('shellWord', () => {
  it.each([
    ['prod', 'prod'],
    ['my ctx', "'my ctx'"],
    ["it's", "'it'\\''s'"],
    ['email eq "a@b.c"', `'email eq "a@b.c"'`],
  ])('%s → %s', (word, quoted) => {
    expect(shellWord(word)).toBe(quoted);
  });
});
