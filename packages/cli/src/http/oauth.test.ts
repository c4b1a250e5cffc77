// OAuth machine-to-machine contexts, in-process against a stub registry: the token request, the token cache (reuse,
// expiry, a changed secret), one renewal after a 401, rejected credentials in one line, retries of the token request,
// and no secret in any trace.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure, json, qlikError, StubRegistry, type RecordedRequest } from '../../../../test/kit/httpmock.js';
import { runQlik, type RunOptions } from '../../../../test/kit/run.js';
import { homeWith } from '../../../../test/kit/temp.js';

const SERVER = 'https://tenant.example.com';
const ME = { id: 'bot-1', name: 'Automation bot' };

async function oauthHome(fields: Record<string, string> = {}): Promise<string> {
  const extra = Object.entries(fields).map(([k, v]) => `    ${k}: ${v}`);
  return homeWith(
    [
      'current-context: oauth',
      'contexts:',
      '  oauth:',
      `    server: ${SERVER}`,
      '    oauth-client-id: client-1',
      '    oauth-client-secret: s3cret-client-value',
      ...extra,
      '',
    ].join('\n'),
  );
}

let tokens = 0;
function tokenAnswer(extra: Record<string, unknown> = {}) {
  tokens += 1;
  return json(200, {
    access_token: `eyJhbGciOiJFUzM4NCJ9.eyJ0b2tlbiI6${tokens}In0.c2lnbmF0dXJl${tokens}`,
    token_type: 'bearer',
    expires_in: 21600,
    ...extra,
  });
}

const me = (home: string, reg: StubRegistry, opts: RunOptions = {}) =>
  runQlik(['user', 'me'], { home, transport: reg, ...opts });
const bearer = (req: RecordedRequest) => req.headers.authorization;

describe('OAuth contexts', () => {
  it('gets a token with client credentials (JSON body) and sends it as a bearer; the next run reuses the cache', async () => {
    const home = await oauthHome();
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME), 2);
    const first = await me(home, reg);
    expect(first.code, first.stderr).toBe(0);
    const [token, call] = reg.requests;
    expect(token!.json).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: 's3cret-client-value',
    });
    expect(token!.headers['content-type']).toBe('application/json');
    expect(token!.headers.authorization).toBeUndefined();
    expect(bearer(call!)).toMatch(/^Bearer eyJ/);
    const cache = join(home, '.qlik', 'oauth-tokens.json');
    expect((await stat(cache)).mode & 0o777).toBe(0o600);
    expect(await readFile(cache, 'utf8')).not.toContain('s3cret-client-value');
    const second = await me(home, reg);
    expect(second.code, second.stderr).toBe(0);
    reg.verify();
    expect(reg.requests.filter((q) => q.path === '/oauth/token')).toHaveLength(1);
    expect(bearer(reg.requests[2]!)).toBe(bearer(call!));
  });

  it('sends the context scope when it has one', async () => {
    const home = await oauthHome({ 'oauth-scope': 'admin_classic user_default' });
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME));
    await me(home, reg);
    expect(reg.requests[0]!.json).toMatchObject({ scope: 'admin_classic user_default' });
  });

  it('a 401 with a cached token: the token is dropped, a new one fetched, the request sent once more', async () => {
    const home = await oauthHome();
    const warm = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME));
    await me(home, warm);
    const reg = new StubRegistry()
      .register('GET', '/api/v1/users/me', qlikError(401, 'HTTP-401', 'Unauthorized'))
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME));
    const r = await me(home, reg);
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    expect(bearer(reg.requests[0]!)).not.toBe(bearer(reg.requests[2]!));
  });

  it('a 401 with a token fetched moments ago stands: no loop', async () => {
    const home = await oauthHome();
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', qlikError(401, 'HTTP-401', 'Unauthorized'));
    const r = await me(home, reg);
    expect(r.code).toBe(1);
    reg.verify();
    expect(r.stderr).toBe(
      "Error: Unauthorized (HTTP-401)\nHint: the access token of context 'oauth' was refused; check the OAuth client, and replace its secret with: qlik context update oauth --oauth-client-secret -\n",
    );
  });

  it('renews a token that has expired (or is about to) and one issued for another secret', async () => {
    const home = await oauthHome();
    const cache = join(home, '.qlik', 'oauth-tokens.json');
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer({ expires_in: 30 }))
      .register('GET', '/api/v1/users/me', json(200, ME));
    await me(home, reg);
    // 30 s is inside the renewal margin: the next run fetches again.
    const again = new StubRegistry()
      .register('POST', '/oauth/token', () =>
        tokenAnswer({ expires_at: new Date(Date.now() + 3_600_000).toISOString() }),
      )
      .register('GET', '/api/v1/users/me', json(200, ME));
    await me(home, again);
    again.verify();
    const text = await readFile(cache, 'utf8');
    await writeFile(
      join(home, '.qlik', 'contexts.yml'),
      (await readFile(join(home, '.qlik', 'contexts.yml'), 'utf8')).replace(
        's3cret-client-value',
        'rotated-secret-value',
      ),
    );
    const rotated = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME));
    await me(home, rotated);
    rotated.verify();
    expect(text).not.toContain('rotated-secret-value');
  });

  it('rejected client credentials: one line naming the context and the server, exit 1, no retry loop', async () => {
    const home = await oauthHome();
    const reg = new StubRegistry().register(
      'POST',
      '/oauth/token',
      json(401, {
        errors: [
          {
            code: 'OAUTH-1',
            title: 'Invalid client credentials',
            detail: 'client authentication failed',
            status: '401',
          },
        ],
      }),
    );
    const r = await me(home, reg);
    expect(r.code).toBe(1);
    reg.verify();
    expect(r.stderr).toBe(
      `Error: context 'oauth': the OAuth client was rejected by ${SERVER} (401): Invalid client credentials - client authentication failed\n`,
    );
  });

  it('retries the token request on 503 and on a reset (it is safe to repeat) under --retry', async () => {
    const home = await oauthHome();
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', qlikError(503, 'HTTP-503', 'Unavailable'))
      .register('POST', '/oauth/token', failure('ambiguous'))
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME));
    const r = await runQlik(['user', 'me', '--retry', '2'], { home, transport: reg });
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
  });

  it('-v shows neither the client secret nor the access token', async () => {
    const home = await oauthHome();
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', () => tokenAnswer())
      .register('GET', '/api/v1/users/me', json(200, ME));
    const r = await runQlik(['user', 'me', '-v'], { home, transport: reg });
    expect(r.code).toBe(0);
    const token = bearer(reg.requests[1]!)!.slice('Bearer '.length);
    expect(r.stderr).toContain('POST https://tenant.example.com/oauth/token');
    expect(r.stderr).toContain('"client_secret":"**omitted**"');
    expect(r.stderr).toContain('"access_token":"**omitted**"');
    for (const secret of ['s3cret-client-value', token, token.split('.')[2]!]) expect(r.stderr).not.toContain(secret);
  });

  it('a --server elsewhere gets neither the client nor a token, and stderr says so', async () => {
    const home = await oauthHome();
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', qlikError(401, 'HTTP-401', 'Unauthorized'));
    const r = await runQlik(['user', 'me', '--server', 'https://other.example.com'], { home, transport: reg });
    reg.verify();
    expect(reg.requests.map((q) => `${q.url.origin}${q.path}`)).toEqual(['https://other.example.com/api/v1/users/me']);
    expect(reg.requests[0]!.headers.authorization).toBeUndefined();
    expect(r.stderr.split('\n')[0]).toBe(
      `Warning: not sending the credentials of context 'oauth' to https://other.example.com: they belong to ${SERVER} (--server points elsewhere)`,
    );
  });
});
