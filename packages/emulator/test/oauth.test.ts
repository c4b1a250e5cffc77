// OAuth M2M (#11): POST /oauth/token (JSON and form bodies, client_credentials and user
// impersonation), the ES384 access token and its claims, tokens on /api/ routes as their user, exp
// against the emulator clock, /oauth/revoke, /api/v1/oauth-tokens, the control API, API keys
// created with an M2M token (--m2m-api-keys), rate limits, and secrets kept out of every log.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importJWK, jwtVerify, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, useEmulator, type CallResponse } from '../../../test/kit/emulator.js';
import type { OAuthClientInfo } from '../src/index.js';
import { expectError, jwtPart, ISO_MS } from './util.js';

const IMPERSONATION = 'urn:qlik:oauth:user-impersonation';
const lines: string[] = [];
const emu = useEmulator({ log: (line) => lines.push(line) });
let m2m: OAuthClientInfo;
/** A client that may impersonate users. */
let imp: OAuthClientInfo;

beforeAll(async () => {
  m2m = emu.oauthClient('m2m');
  const view = await emu.addOAuthClient({
    name: 'impersonator',
    allowedGrantTypes: ['client_credentials', IMPERSONATION],
    allowedScopes: ['user_default'],
  });
  imp = emu.oauthClient('impersonator');
  expect(view).toMatchObject({ ...imp, allowedScopes: ['user_default'], tokenLifetimeSeconds: 21600 });
});

function tokenRequest(body: unknown, headers: Record<string, string> = {}): Promise<CallResponse> {
  return emu.call('POST', '/oauth/token', { token: '', body, headers });
}

async function accessToken(client: OAuthClientInfo = m2m, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await tokenRequest({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    ...extra,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.access_token as string;
}

function form(fields: Record<string, string>): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/** An OAuth error: the {"errors":[…]} shape with a string status, never RFC 6749's {"error"}. */
function expectOAuthError(res: CallResponse, status: number, code: string): { detail: string } {
  const error = expectError(res, status, code);
  expect(error.status).toBe(String(status));
  expect(res.body.error).toBeUndefined();
  return error as { detail: string };
}

describe('POST /oauth/token', () => {
  it('issues an ES384 JWT for client_credentials with Qlik’s fields and claims', async () => {
    const before = Date.now();
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: m2m.clientSecret,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body)).toEqual(['access_token', 'scope', 'token_type', 'expires_at', 'expires_in']);
    expect(res.body).toMatchObject({ token_type: 'bearer', scope: 'user_default admin_classic', expires_in: 21600 });
    const token = res.body.access_token as string;
    expect(jwtPart(token, 0)).toBe('{"alg":"ES384","typ":"JWT"}');
    const payload = JSON.parse(jwtPart(token, 1)) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(['subType', 'purpose', 'jti', 'iat', 'exp', 'aud', 'iss']);
    expect(payload).toMatchObject({ subType: 'user', purpose: 'accessToken', aud: emu.url, iss: 'qlik.api' });
    expect(payload['jti']).toMatch(/^[0-9a-f]{24}$/);
    const iat = payload['iat'] as number;
    expect(iat * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(payload['exp']).toBe(iat + 21600);
    expect(res.body.expires_at).toMatch(ISO_MS);
    expect(Date.parse(res.body.expires_at as string)).toBe((iat + 21600) * 1000);
    const { keys } = await emu.control<{ keys: JWK[] }>('GET', 'jwks');
    const verified = await jwtVerify(token, await importJWK(keys[0]!, 'ES384'), { issuer: 'qlik.api' });
    expect(verified.payload.jti).toBe(payload['jti']);
  });

  it('takes form-urlencoded bodies and a space- or comma-separated scope', async () => {
    const { body, headers } = form({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: m2m.clientSecret,
      scope: 'admin_classic',
    });
    const res = await tokenRequest(body, headers);
    expect(res.status, res.text).toBe(200);
    expect(res.body.scope).toBe('admin_classic');
    const both = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: m2m.clientSecret,
      scope: 'user_default,admin_classic',
    });
    expect(both.body.scope).toBe('user_default admin_classic');
  });

  it.each<[string, () => unknown, number, string, RegExp]>([
    [
      'no grant_type',
      () => ({ client_id: m2m.clientId, client_secret: m2m.clientSecret }),
      400,
      'OAUTH-1',
      /"grant_type" is required/,
    ],
    [
      'an unknown grant',
      () => ({ grant_type: 'password', client_id: m2m.clientId, client_secret: m2m.clientSecret }),
      400,
      'OAUTH-1',
      /must be client_credentials/,
    ],
    [
      'refresh_token',
      () => ({ grant_type: 'refresh_token', refresh_token: 'x', client_secret: m2m.clientSecret }),
      400,
      'OAUTH-1',
      /not emulated/,
    ],
    [
      'no client_secret',
      () => ({ grant_type: 'client_credentials', client_id: m2m.clientId }),
      400,
      'OAUTH-1',
      /"client_secret" is required/,
    ],
    [
      'a client_secret that is a number',
      () => ({ grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: 5 }),
      400,
      'OAUTH-1',
      /must be a string/,
    ],
    [
      'a wrong secret',
      () => ({ grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: 'wrong-secret' }),
      401,
      'OAUTH-2',
      /client credentials are invalid/,
    ],
    [
      'an unknown client',
      () => ({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: m2m.clientSecret }),
      401,
      'OAUTH-2',
      /client credentials are invalid/,
    ],
    [
      'a scope the client lacks',
      () => ({
        grant_type: 'client_credentials',
        client_id: m2m.clientId,
        client_secret: m2m.clientSecret,
        scope: 'user_default offline_access',
      }),
      400,
      'OAUTH-1',
      /not allowed the scope "offline_access"/,
    ],
    [
      'impersonation by a client_credentials-only client',
      () => ({
        grant_type: IMPERSONATION,
        client_id: m2m.clientId,
        client_secret: m2m.clientSecret,
        user_lookup: { field: 'userId', value: emu.dev.id },
      }),
      400,
      'OAUTH-1',
      /not allowed the grant type/,
    ],
    [
      'client_assertion',
      () => ({
        grant_type: 'client_credentials',
        client_id: m2m.clientId,
        client_assertion: 'x',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      }),
      400,
      'OAUTH-1',
      /not emulated/,
    ],
    ['a JSON array', () => [1], 400, 'OAUTH-1', /must be a JSON object/],
  ])('answers %s with %i', async (_name, body, status, code, detail) => {
    const error = expectOAuthError(await tokenRequest(body()), status, code);
    expect(error.detail).toMatch(detail);
  });

  it('never quotes the body back, even when it is not JSON', async () => {
    const body = `{"client_secret":"${m2m.clientSecret}"`;
    const res = await tokenRequest(body, { 'content-type': 'application/json' });
    expect(expectOAuthError(res, 400, 'OAUTH-1').detail).toBe('The request body is not valid JSON');
    expect(res.text).not.toContain(m2m.clientSecret);
    const wrongType = await tokenRequest('x', { 'content-type': 'text/plain' });
    expect(expectOAuthError(wrongType, 400, 'OAUTH-1').detail).toMatch(
      /application\/json or application\/x-www-form-urlencoded/,
    );
  });

  it('refuses a disabled bot user with 403', async () => {
    const off = await emu.addOAuthClient({ name: 'switched-off', status: 'disabled' });
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: off.clientId,
      client_secret: off.clientSecret,
    });
    expect(expectOAuthError(res, 403, 'OAUTH-3').detail).toBe('The user is disabled');
  });
});

describe('access tokens on the API', () => {
  it('authenticate as the client’s bot user, a TenantAdmin', async () => {
    const token = await accessToken();
    const me = await emu.call('GET', '/api/v1/users/me', { token });
    expect(me.status).toBe(301);
    expect(me.headers['location']).toBe(`${emu.url}/api/v1/users/${m2m.userId}`);
    const user = await emu.call('GET', `/api/v1/users/${m2m.userId}`, { token });
    expect(user.body).toMatchObject({
      id: m2m.userId,
      name: 'm2m',
      status: 'active',
      assignedRoles: [{ name: 'TenantAdmin' }],
    });
    expect(user.body.email).toBeUndefined();
    // A TenantAdmin sees everyone's keys and may change the config.
    const keys = await emu.call('GET', '/api/v1/api-keys?limit=100', { token });
    expect(keys.body.data.map((k: { sub: string }) => k.sub).sort()).toEqual(
      [emu.admin.id, emu.dev.id, emu.viewer.id].sort(),
    );
    const patch = await emu.call('PATCH', `/api/v1/api-keys/configs/${emu.tenantId}`, {
      token,
      body: [{ op: 'replace', path: '/max_keys_per_user', value: 9 }],
    });
    expect(patch.status).toBe(204);
  });

  it('stop working once exp has passed on the emulator clock', async () => {
    const token = await accessToken();
    // exp is in whole seconds (iat rounded down), so "just before" keeps a margin for a slow machine.
    await emu.setTime({ offsetMs: 21_500_000 });
    expect((await emu.call('GET', '/api/v1/users/me', { token })).status).toBe(301);
    await emu.setTime({ offsetMs: 21_600_000 });
    expectError(await emu.call('GET', '/api/v1/users/me', { token }), 401, 'HTTP-401');
    // Expiry is a point in time: with the clock moved back, the token is valid again.
    await emu.setTime({ offsetMs: 0 });
    expect((await emu.call('GET', '/api/v1/users/me', { token })).status).toBe(301);
  });

  it('honour a client’s token lifetime', async () => {
    const short = await emu.addOAuthClient({ name: 'short-lived', tokenLifetimeSeconds: 60 });
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: short.clientId,
      client_secret: short.clientSecret,
    });
    expect(res.body.expires_in).toBe(60);
    await emu.setTime({ offsetMs: 61_000 });
    expect((await emu.call('GET', '/api/v1/users/me', { token: res.body.access_token })).status).toBe(401);
  });

  it('are refused when their payload or signature was tampered with', async () => {
    const token = await accessToken();
    const [h, p, s] = token.split('.');
    const forged = `${h}.${Buffer.from(jwtPart(token, 1).replace('"user"', '"admin"')).toString('base64url')}.${s}`;
    expect((await emu.call('GET', '/api/v1/users/me', { token: forged })).status).toBe(401);
    expect((await emu.call('GET', '/api/v1/users/me', { token: `${h}.${p}.AAAA` })).status).toBe(401);
  });
});

describe('user impersonation', () => {
  it('acts as the user found by userId or subject, with that user’s roles', async () => {
    const byId = await tokenRequest({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      user_lookup: { field: 'userId', value: emu.viewer.id },
    });
    expect(byId.status, byId.text).toBe(200);
    expect(byId.body.scope).toBe('user_default');
    const asViewer = byId.body.access_token as string;
    expect((await emu.call('GET', '/api/v1/users/me', { token: asViewer })).headers['location']).toBe(
      `${emu.url}/api/v1/users/${emu.viewer.id}`,
    );
    // The viewer has no "Manage API keys" permission, so neither has the token.
    expectError(
      await emu.call('POST', '/api/v1/api-keys', { token: asViewer, body: { description: 'x' } }),
      403,
      'APIKEYS-5',
    );

    const subject = (await emu.call('GET', `/api/v1/users/${emu.dev.id}`, { as: emu.admin })).body.subject as string;
    const { body, headers } = form({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      'user_lookup[field]': 'subject',
      'user_lookup[value]': subject,
    });
    const bySubject = await tokenRequest(body, headers);
    expect(bySubject.status, bySubject.text).toBe(200);
    const asDev = bySubject.body.access_token as string;
    const created = await emu.call('POST', '/api/v1/api-keys', {
      token: asDev,
      body: { description: 'dev via oauth' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sub: emu.dev.id, createdByUser: emu.dev.id });
    const json = form({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      user_lookup: JSON.stringify({ field: 'userId', value: emu.dev.id }),
    });
    expect((await tokenRequest(json.body, json.headers)).status).toBe(200);
  });

  it.each<[string, () => unknown, number, RegExp]>([
    ['no user_lookup', () => ({}), 400, /"user_lookup" is required/],
    [
      'an email lookup',
      () => ({ user_lookup: { field: 'email', value: 'dev@example.com' } }),
      400,
      /must be "subject" or "userId"/,
    ],
    [
      'an unknown user',
      () => ({ user_lookup: { field: 'userId', value: '0123456789abcdef01234567' } }),
      400,
      /does not match a user/,
    ],
    ['an empty value', () => ({ user_lookup: { field: 'subject', value: '' } }), 400, /non-empty string/],
  ])('refuses %s', async (_name, extra, status, detail) => {
    const res = await tokenRequest({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      ...(extra() as object),
    });
    expect(expectOAuthError(res, status, 'OAUTH-1').detail).toMatch(detail);
  });

  it('refuses a disabled user with 403', async () => {
    const off = await emu.addUser({ name: 'gone', status: 'disabled' });
    const res = await tokenRequest({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      user_lookup: { field: 'userId', value: off.id },
    });
    expectOAuthError(res, 403, 'OAUTH-3');
  });
});

describe('revoking and expiring', () => {
  it('POST /oauth/revoke revokes at once; unknown tokens are no error', async () => {
    const token = await accessToken();
    expect((await emu.call('GET', '/api/v1/users/me', { token })).status).toBe(301);
    const res = await emu.call('POST', '/oauth/revoke', {
      token: '',
      body: { token, token_type_hint: 'access_token' },
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect((await emu.call('GET', '/api/v1/users/me', { token })).status).toBe(401);
    const other = await accessToken();
    const { body, headers } = form({ token: other });
    expect((await emu.call('POST', '/oauth/revoke', { token: '', body, headers })).status).toBe(200);
    expect((await emu.call('GET', '/api/v1/users/me', { token: other })).status).toBe(401);
    expect((await emu.call('POST', '/oauth/revoke', { token: '', body: { token: 'not-a-token' } })).status).toBe(200);
    expectOAuthError(await emu.call('POST', '/oauth/revoke', { token: '', body: {} }), 400, 'OAUTH-1');
    expectOAuthError(
      await emu.call('POST', '/oauth/revoke', { token: '', body: { token, token_type_hint: 'x' } }),
      400,
      'OAUTH-1',
    );
  });

  it('the control API expires or revokes by client, user or id, and shows every token', async () => {
    const a = await accessToken();
    const b = await accessToken(imp);
    const c = await accessToken(imp);
    expect(await emu.expireOAuthTokens({ clientId: imp.clientId })).toBe(2);
    expect(await emu.expireOAuthTokens({ clientId: imp.clientId })).toBe(0);
    expect((await emu.call('GET', '/api/v1/users/me', { token: b })).status).toBe(401);
    expect((await emu.call('GET', '/api/v1/users/me', { token: c })).status).toBe(401);
    expect((await emu.call('GET', '/api/v1/users/me', { token: a })).status).toBe(301);
    const tokens = await emu.oauthTokens();
    expect(tokens.map((t) => [t.clientId, t.state])).toEqual([
      [m2m.clientId, 'active'],
      [imp.clientId, 'expired'],
      [imp.clientId, 'expired'],
    ]);
    expect(tokens[0]).toMatchObject({
      userId: m2m.userId,
      grantType: 'client_credentials',
      scope: 'user_default admin_classic',
    });
    expect(tokens[0]!.lastUsed).toMatch(ISO_MS);
    expect(JSON.stringify(tokens)).not.toContain(a);
    expect(await emu.revokeOAuthTokens({ id: tokens[0]!.id })).toBe(1);
    expect((await emu.call('GET', '/api/v1/users/me', { token: a })).status).toBe(401);
    const d = await accessToken();
    expect(await emu.revokeOAuthTokens()).toBe(1);
    expect((await emu.call('GET', '/api/v1/users/me', { token: d })).status).toBe(401);
    await expect(emu.control('POST', 'oauth/tokens/revoke', { who: 'x' })).rejects.toThrow(/Unknown field "who"/);
  });

  it('reset forgets tokens but keeps the clients', async () => {
    const token = await accessToken(imp);
    await emu.reset();
    expect(await emu.oauthTokens()).toEqual([]);
    expect((await emu.call('GET', '/api/v1/users/me', { token })).status).toBe(401);
    expect(
      (await emu.control<{ clients: { name: string }[] }>('GET', 'oauth/clients')).clients.map((c) => c.name),
    ).toEqual(expect.arrayContaining(['m2m', 'impersonator']));
    expect(await accessToken(imp)).toEqual(expect.any(String));
  });
});

describe('/api/v1/oauth-tokens', () => {
  async function impersonate(userId: string): Promise<string> {
    const res = await tokenRequest({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      user_lookup: { field: 'userId', value: userId },
    });
    return res.body.access_token as string;
  }

  it('lists active tokens: everyone’s for a TenantAdmin, one’s own otherwise', async () => {
    const bot = await accessToken();
    await impersonate(emu.dev.id);
    await impersonate(emu.dev.id);
    await impersonate(emu.viewer.id);
    const expired = await impersonate(emu.viewer.id);
    await emu.call('POST', '/oauth/revoke', { token: '', body: { token: expired } });
    const all = await emu.call('GET', '/api/v1/oauth-tokens', { token: bot });
    expect(all.status).toBe(200);
    expect(Object.keys(all.body)).toEqual(['data', 'links']);
    expect(all.body.data.map((t: { userId: string }) => t.userId)).toEqual([
      m2m.userId,
      emu.dev.id,
      emu.dev.id,
      emu.viewer.id,
    ]);
    for (const t of all.body.data)
      expect(Object.keys(t).every((k) => ['id', 'userId', 'tenantId', 'lastUsed'].includes(k))).toBe(true);
    expect(all.body.data[0]).toMatchObject({ tenantId: emu.tenantId, lastUsed: expect.stringMatching(ISO_MS) });
    const devs = await emu.call('GET', '/api/v1/oauth-tokens', { token: emu.dev.apiKey });
    expect(devs.body.data.map((t: { userId: string }) => t.userId)).toEqual([emu.dev.id, emu.dev.id]);
    // Another user's id matches nothing for a non-admin (the endpoint documents no 403).
    expect(
      (await emu.call('GET', `/api/v1/oauth-tokens?userId=${emu.viewer.id}`, { token: emu.dev.apiKey })).body.data,
    ).toEqual([]);
    expect(
      (await emu.call('GET', `/api/v1/oauth-tokens?userId=${emu.viewer.id}`, { as: emu.admin })).body.data,
    ).toHaveLength(1);
    const sorted = await emu.call('GET', '/api/v1/oauth-tokens?sort=userId', { as: emu.admin });
    const userIds = sorted.body.data.map((t: { userId: string }) => t.userId) as string[];
    expect(userIds).toEqual([...userIds].sort());
  });

  it('pages with page and limit', async () => {
    for (let i = 0; i < 5; i++) await accessToken();
    const first = await emu.call('GET', '/api/v1/oauth-tokens?limit=2', { as: emu.admin });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.links.self.href).toBe(`${emu.url}/api/v1/oauth-tokens?limit=2&page=1`);
    expect(first.body.links.prev).toBeUndefined();
    const second = await emu.call('GET', first.body.links.next.href, { as: emu.admin });
    const third = await emu.call('GET', second.body.links.next.href, { as: emu.admin });
    expect(third.body.data).toHaveLength(1);
    expect(third.body.links.next).toBeUndefined();
    expect(third.body.links.prev.href).toBe(`${emu.url}/api/v1/oauth-tokens?limit=2&page=2`);
    const ids = [first, second, third].flatMap((r) => (r.body.data as { id: string }[]).map((t) => t.id));
    expect(new Set(ids).size).toBe(5);
    for (const query of ['limit=0', 'limit=101', 'page=0', 'page=x', 'sort=id']) {
      expectOAuthError(await emu.call('GET', `/api/v1/oauth-tokens?${query}`, { as: emu.admin }), 400, 'OAUTH-6');
    }
  });

  it('DELETE revokes (204); another user’s token needs TenantAdmin', async () => {
    const botToken = await accessToken();
    const devToken = await impersonate(emu.dev.id);
    const list = (await emu.call('GET', '/api/v1/oauth-tokens', { as: emu.admin })).body.data as {
      id: string;
      userId: string;
    }[];
    const botId = list.find((t) => t.userId === m2m.userId)!.id;
    const devId = list.find((t) => t.userId === emu.dev.id)!.id;
    expectOAuthError(
      await emu.call('DELETE', `/api/v1/oauth-tokens/${botId}`, { token: emu.dev.apiKey }),
      403,
      'OAUTH-5',
    );
    expect((await emu.call('DELETE', `/api/v1/oauth-tokens/${devId}`, { token: emu.dev.apiKey })).status).toBe(204);
    expect((await emu.call('GET', '/api/v1/users/me', { token: devToken })).status).toBe(401);
    expectOAuthError(
      await emu.call('DELETE', `/api/v1/oauth-tokens/${devId}`, { token: emu.dev.apiKey }),
      404,
      'OAUTH-4',
    );
    expectOAuthError(await emu.call('DELETE', '/api/v1/oauth-tokens/nope', { as: emu.admin }), 404, 'OAUTH-4');
    // The bot revokes its own token with itself.
    expect((await emu.call('DELETE', `/api/v1/oauth-tokens/${botId}`, { token: botToken })).status).toBe(204);
    expect((await emu.call('GET', '/api/v1/users/me', { token: botToken })).status).toBe(401);
  });
});

describe('API keys created with an M2M token (--m2m-api-keys)', () => {
  it('for-users (default): keys for other users only, not for the bot itself', async () => {
    expect(await emu.control('GET', 'oauth/settings')).toEqual({ m2mApiKeys: 'for-users' });
    const token = await accessToken();
    const own = expectError(
      await emu.call('POST', '/api/v1/api-keys', { token, body: { description: 'bot' } }),
      403,
      'APIKEYS-5',
    );
    expect(own.detail).toMatch(/bot user of an OAuth client cannot own API keys/);
    expectError(
      await emu.call('POST', '/api/v1/api-keys', { token, body: { description: 'bot', sub: m2m.userId } }),
      403,
      'APIKEYS-5',
    );
    const forDev = await emu.call('POST', '/api/v1/api-keys', {
      token,
      body: { description: 'for dev', sub: emu.dev.id },
    });
    expect(forDev.status, forDev.text).toBe(201);
    expect(forDev.body).toMatchObject({ sub: emu.dev.id, createdByUser: m2m.userId });
    expect((await emu.call('GET', '/api/v1/users/me', { token: forDev.body.token })).headers['location']).toContain(
      emu.dev.id,
    );
    expect(await emu.ledger()).toMatchObject([{ description: 'for dev', createdByUser: m2m.userId, delivered: true }]);
  });

  it('allow and deny, set through the control API; reset restores the option', async () => {
    const token = await accessToken();
    expect(await emu.setOAuthSettings({ m2mApiKeys: 'allow' })).toEqual({ m2mApiKeys: 'allow' });
    const own = await emu.call('POST', '/api/v1/api-keys', { token, body: { description: 'bot own' } });
    expect(own.status).toBe(201);
    expect(own.body.sub).toBe(m2m.userId);
    await emu.setOAuthSettings({ m2mApiKeys: 'deny' });
    const denied = expectError(
      await emu.call('POST', '/api/v1/api-keys', { token, body: { description: 'x', sub: emu.dev.id } }),
      403,
      'APIKEYS-5',
    );
    expect(denied.detail).toMatch(/machine-to-machine/);
    // Impersonation tokens act as their user, whatever the setting.
    const asDev = await tokenRequest({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      user_lookup: { field: 'userId', value: emu.dev.id },
    });
    expect(
      (await emu.call('POST', '/api/v1/api-keys', { token: asDev.body.access_token, body: { description: 'dev' } }))
        .status,
    ).toBe(201);
    await expect(emu.setOAuthSettings({ m2mApiKeys: 'sometimes' as never })).rejects.toThrow(
      /must be one of: allow, for-users, deny/,
    );
    await emu.reset();
    expect(await emu.control('GET', 'oauth/settings')).toEqual({ m2mApiKeys: 'for-users' });
  });

  it('the m2mApiKeys option (and --m2m-api-keys) sets the starting mode', async () => {
    const other = await startEmulator({ m2mApiKeys: 'allow', seed: { oauthClients: [] } });
    try {
      expect(other.oauthClients).toEqual([]);
      expect(await other.control('GET', 'oauth/settings')).toEqual({ m2mApiKeys: 'allow' });
      await other.reset();
      expect(await other.control('GET', 'oauth/settings')).toEqual({ m2mApiKeys: 'allow' });
    } finally {
      await other.stop();
    }
    const bin = fileURLToPath(new URL('../bin/qlik-emulator.js', import.meta.url));
    const bad = spawnSync(process.execPath, [bin, '--m2m-api-keys', 'sometimes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'qlik-emulator: invalid --m2m-api-keys "sometimes": expected allow, for-users, deny (see --help)\n',
    );
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.stdout).toContain('--m2m-api-keys MODE');
  });
});

describe('rate limits and secrets', () => {
  it('POST /oauth/token counts in tier 2, per client', async () => {
    await emu.control('PUT', 'rate-limits', { enabled: true, tier2PerMinute: 2, windowSeconds: 60 });
    await accessToken();
    await accessToken();
    const limited = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: m2m.clientSecret,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors[0].code).toBe('HTTP-429');
    // Another client has its own budget.
    expect(await accessToken(imp)).toEqual(expect.any(String));
  });

  it('fault rules apply to /oauth/token like any route', async () => {
    await emu.faults.add({ method: 'POST', path: '/oauth/token', action: { type: 'status', status: 503 } });
    const failed = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: m2m.clientSecret,
    });
    expect(failed.status).toBe(503);
    expect(await emu.oauthTokens()).toEqual([]);
    await emu.faults.add({ method: 'POST', path: '/oauth/token', action: { type: 'reset-after' } });
    await expect(
      tokenRequest({ grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: m2m.clientSecret }),
    ).rejects.toThrow();
    // The token was issued although its answer was lost.
    expect((await emu.oauthTokens()).map((t) => t.state)).toEqual(['active']);
    expect((await emu.requests()).map((r) => r.status)).toEqual([503, 0]);
  });

  it('keeps client secrets and access tokens out of the request log and the log lines', async () => {
    lines.length = 0;
    const token = await accessToken();
    await emu.call('GET', '/api/v1/users/me', { token });
    await emu.call('POST', `/oauth/token?client_secret=${m2m.clientSecret}`, {
      token: '',
      body: { grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: 'wrong' },
    });
    await emu.call('POST', '/oauth/revoke', { token: '', body: { token } });
    const log = await emu.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /oauth/token 200',
      'GET /api/v1/users/me 301',
      'POST /oauth/token 401',
      'POST /oauth/revoke 200',
    ]);
    expect(log[2]!.query).toEqual({ client_secret: '**omitted**' });
    const everything = JSON.stringify(log) + lines.join('\n');
    expect(lines.some((l) => l.startsWith('POST /oauth/token 200 '))).toBe(true);
    for (const secret of [m2m.clientSecret, token, token.split('.')[2]!]) expect(everything).not.toContain(secret);
  });
});

describe('seeded clients and --data', () => {
  it('keeps clients and live tokens across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qlik-emulator-oauth-'));
    try {
      const data = join(dir, 'state.db');
      const seed = {
        oauthClients: [
          {
            name: 'ci',
            clientId: 'ci-client',
            clientSecret: 'ci-secret-123',
            roles: ['ManageApiKeys'],
            tokenLifetimeSeconds: 3600,
          },
        ],
      };
      const first = await startEmulator({ data, seed });
      expect(first.oauthClients).toEqual([
        { clientId: 'ci-client', clientSecret: 'ci-secret-123', userId: expect.any(String), name: 'ci' },
      ]);
      const res = await first.call('POST', '/oauth/token', {
        token: '',
        body: { grant_type: 'client_credentials', client_id: 'ci-client', client_secret: 'ci-secret-123' },
      });
      expect(res.body.expires_in).toBe(3600);
      await first.stop();
      const second = await startEmulator({ data });
      try {
        expect(second.oauthClients).toEqual(first.oauthClients);
        const me = await second.call('GET', '/api/v1/users/me', { token: res.body.access_token });
        expect(me.headers['location']).toBe(`${second.url}/api/v1/users/${first.oauthClients[0]!.userId}`);
        // A ManageApiKeys bot is not a TenantAdmin: it lists its own keys only.
        expect((await second.call('GET', '/api/v1/api-keys', { token: res.body.access_token })).body.data).toEqual([]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad client descriptions naming the field', async () => {
    await expect(emu.addOAuthClient({ name: 'x', allowedGrantTypes: ['password' as never] })).rejects.toThrow(
      /\(at \/allowedGrantTypes\)/,
    );
    await expect(emu.addOAuthClient({ name: 'x', tokenLifetimeSeconds: 0 })).rejects.toThrow(
      /\(at \/tokenLifetimeSeconds\)/,
    );
    await expect(emu.addOAuthClient({ name: 'x', clientId: m2m.clientId })).rejects.toThrow(
      /"clientId" is already taken/,
    );
    await expect(emu.addOAuthClient({ name: 'x', clientSecret: 'short' })).rejects.toThrow(/\(at \/clientSecret\)/);
    await expect(
      startEmulator({
        seed: {
          oauthClients: [
            { name: 'a', clientId: 'same' },
            { name: 'b', clientId: 'same' },
          ],
        },
      }),
    ).rejects.toThrow(/"clientId" "same" is used twice/);
  });
});

describe('client authentication: HTTP Basic, and who pays for a wrong secret (issue 18: 22)', () => {
  const basic = (id: string, secret: string): string =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  /** The answer with what differs between two tokens (the token and its expiry) taken out. */
  const shape = (res: CallResponse): unknown => ({
    status: res.status,
    keys: Object.keys(res.body ?? {}),
    scope: res.body?.scope,
    cache: res.headers['cache-control'],
  });

  it('accepts the credentials in a JSON body, a form body and with Basic auth, answered alike', async () => {
    const inJson = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: m2m.clientSecret,
    });
    const inForm = await tokenRequest(
      `grant_type=client_credentials&client_id=${m2m.clientId}&client_secret=${m2m.clientSecret}`,
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    const withBasic = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basic(m2m.clientId, m2m.clientSecret) },
    );
    // As @qlik/sdk sends it: Basic, plus the client id in the body.
    const sdkStyle = await tokenRequest(
      { grant_type: 'client_credentials', client_id: m2m.clientId, scope: 'user_default' },
      { authorization: basic(m2m.clientId, m2m.clientSecret) },
    );
    expect(inJson.status).toBe(200);
    expect(shape(inForm)).toEqual(shape(inJson));
    expect(shape(withBasic)).toEqual(shape(inJson));
    expect(sdkStyle.status).toBe(200);
    const wrongInBody = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: m2m.clientId,
      client_secret: 'wrong-secret',
    });
    const wrongBasic = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basic(m2m.clientId, 'wrong-secret') },
    );
    expectError(wrongInBody, 401, 'OAUTH-2');
    expect({ ...wrongBasic.body, traceId: '' }).toEqual({ ...wrongInBody.body, traceId: '' });
  });

  it('refuses a secret sent twice and a Basic client id the body contradicts', async () => {
    const twice = await tokenRequest(
      { grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: m2m.clientSecret },
      { authorization: basic(m2m.clientId, m2m.clientSecret) },
    );
    expect(expectError(twice, 400, 'OAUTH-1').detail).toMatch(/not both/);
    const other = await tokenRequest(
      { grant_type: 'client_credentials', client_id: imp.clientId },
      { authorization: basic(m2m.clientId, m2m.clientSecret) },
    );
    expect(expectError(other, 400, 'OAUTH-1').detail).toMatch(/not the one in the Authorization header/);
  });

  it.skipIf(process.platform !== 'linux')(
    'wrong secrets (from another address) do not use up the client budget; the failing peer is limited',
    async () => {
      await emu.control('PUT', 'rate-limits', { enabled: true, tier2PerMinute: 3, windowSeconds: 60 });
      // 16 wrong secrets from 127.0.0.2 (Linux routes all of 127/8 to loopback).
      const statuses: number[] = [];
      for (let i = 0; i < 16; i += 1) statuses.push(await postFrom('127.0.0.2', m2m.clientId, 'wrong-secret'));
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual(Array(13).fill(429));
      // The right secret from this address still works: its budget was never charged.
      expect(await accessToken()).toEqual(expect.any(String));
    },
  );
});

/** POST /oauth/token from a given local address; resolves with the status. */
function postFrom(localAddress: string, clientId: string, secret: string): Promise<number> {
  const body = JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  const url = new URL('/oauth/token', emu.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('--m2m-api-keys whatever the grant type (issue 18: 19)', () => {
  async function impersonateBot(): Promise<string> {
    const res = await tokenRequest({
      grant_type: IMPERSONATION,
      client_id: imp.clientId,
      client_secret: imp.clientSecret,
      user_lookup: { field: 'userId', value: m2m.userId },
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }
  const create = (token: string, sub?: string): Promise<CallResponse> =>
    emu.call('POST', '/api/v1/api-keys', {
      token,
      body: { description: 'bot key', expiry: 'PT1H', ...(sub === undefined ? {} : { sub }) },
    });

  it('deny: an impersonation token for the bot cannot mint the bot a key', async () => {
    await emu.setOAuthSettings({ m2mApiKeys: 'deny' });
    expectError(await create(await impersonateBot()), 403, 'APIKEYS-5');
    // Nor can an admin's API key make one for the bot; a key for a person is still fine.
    expectError(await create(emu.admin.apiKey, m2m.userId), 403, 'APIKEYS-5');
    expect((await create(emu.admin.apiKey, emu.dev.id)).status).toBe(201);
  });

  it('for-users: no bot mints a key for another bot (nor for itself through impersonation)', async () => {
    const botToken = await accessToken(m2m);
    expectError(await create(botToken, imp.userId), 403, 'APIKEYS-5');
    expectError(await create(await impersonateBot()), 403, 'APIKEYS-5');
    expect((await create(botToken, emu.dev.id)).status).toBe(201);
  });
});
