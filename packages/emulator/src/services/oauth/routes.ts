// POST /oauth/token and POST /oauth/revoke on the tenant host (not under /api/, no bearer token).
// Bodies are JSON or application/x-www-form-urlencoded, as Qlik's OAuth API takes both. Nothing a
// client sent is echoed in an error, so a secret can never come back in a response or a log line.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isoMs } from '../../shared/clock.js';
import type { Ctx, Route } from '../../http/context.js';
import { errors } from './errors.js';
import { jsonReply, type Reply } from '../../http/reply.js';
import { newObjectId } from '../../shared/ids.js';
import { CLIENT_CREDENTIALS, USER_IMPERSONATION } from './clients.js';
import type { UserRecord } from '../../store/store.js';
import { oauthStore, type OAuthClientRecord } from './store.js';
import { isPlainObject } from '../../shared/validate.js';
import { mediaType, printable } from '../../shared/text.js';

type Params = Record<string, unknown>;

const NOT_EMULATED_GRANTS = [
  'refresh_token',
  'authorization_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:qlik:oauth:anonymous-embed',
];

/** `user_lookup` in a form: a JSON object, or `user_lookup[field]` / `user_lookup[value]`. */
function formParams(text: string): Params {
  const form = new URLSearchParams(text);
  const out: Params = {};
  for (const name of new Set(form.keys())) out[name] = form.get(name);
  const lookup = out['user_lookup'];
  if (typeof lookup === 'string') {
    try {
      out['user_lookup'] = JSON.parse(lookup) as unknown;
    } catch {
      throw errors.oauthBadRequest('"user_lookup" must be a JSON object');
    }
  } else if (out['user_lookup[field]'] !== undefined || out['user_lookup[value]'] !== undefined) {
    out['user_lookup'] = { field: out['user_lookup[field]'], value: out['user_lookup[value]'] };
  }
  return out;
}

async function readParams(ctx: Ctx): Promise<Params> {
  const type = mediaType(ctx.headers['content-type']);
  const text = await ctx.readText();
  if (type === 'application/x-www-form-urlencoded') return formParams(text);
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json'))
    throw errors.oauthBadRequest('The body must be application/json or application/x-www-form-urlencoded');
  const body = await ctx.readJson(errors.body);
  if (!isPlainObject(body)) throw errors.oauthBadRequest('The request body must be a JSON object');
  return body;
}

function requiredParam(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw errors.oauthBadRequest(`"${name}" is required`);
  if (typeof value !== 'string') throw errors.oauthBadRequest(`"${name}" must be a string`);
  return value;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function rateLimit(ctx: Ctx, identity: string): void {
  const wait = ctx.app.rateLimiter.hit(`${ctx.app.tenantId}:oauth:${identity}`, 2, ctx.app.clock.now());
  if (wait !== undefined) throw errors.rateLimited(wait);
}

/**
 * Failed client authentications are counted per peer (the client's address), in tier 2 with --rate-limit: a peer
 * over its budget gets 429 before its credentials are looked at. A client's own budget is charged only once its
 * secret checked out, so wrong secrets from anyone cannot lock the right one out (issue 18: 22).
 */
const failedKey = (ctx: Ctx): string => `${ctx.app.tenantId}:oauth-failed:${ctx.peer}`;

function refuseFailingPeer(ctx: Ctx): void {
  const wait = ctx.app.rateLimiter.check(failedKey(ctx), 2, ctx.app.clock.now());
  if (wait !== undefined) throw errors.rateLimited(wait);
}

function authenticationFailed(ctx: Ctx): never {
  ctx.app.rateLimiter.hit(failedKey(ctx), 2, ctx.app.clock.now());
  throw errors.oauthBadClient();
}

/**
 * The client's credentials: in the body (`client_id`, `client_secret`) or with HTTP Basic authentication
 * (RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(id):urlencode(secret))`), answered alike. A secret sent
 * both ways is a 400, as the RFC allows one method per request.
 */
function clientCredentials(ctx: Ctx, params: Params): { clientId: string; secret: string } {
  const header = ctx.headers.authorization;
  const basic = header === undefined ? undefined : /^basic\s+(\S*)\s*$/i.exec(header);
  // Another scheme (a bearer token left on by a client library) is not client authentication: the body decides.
  if (basic === undefined || basic === null)
    return { clientId: requiredParam(params, 'client_id'), secret: requiredParam(params, 'client_secret') };
  if (params['client_secret'] !== undefined)
    throw errors.oauthBadRequest('Send the client secret once: in the Authorization header or in the body, not both');
  const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw errors.oauthBadRequest('The Basic credentials must be client_id:client_secret');
  let clientId: string;
  let secret: string;
  try {
    const form = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    clientId = form(decoded.slice(0, colon));
    secret = form(decoded.slice(colon + 1));
  } catch {
    throw errors.oauthBadRequest('The Basic credentials are not correctly encoded');
  }
  if (clientId === '') throw errors.oauthBadRequest('"client_id" is required');
  if (secret === '') throw errors.oauthBadRequest('"client_secret" is required');
  const inBody = params['client_id'];
  if (inBody !== undefined && inBody !== clientId)
    throw errors.oauthBadRequest('"client_id" in the body is not the one in the Authorization header');
  return { clientId, secret };
}

/** The granted scopes: those asked for (space- or comma-separated), each allowed to the client; all allowed ones when none. */
function grantedScopes(params: Params, client: OAuthClientRecord): string[] {
  const raw = params['scope'];
  if (raw === undefined || raw === null || raw === '') return client.allowedScopes;
  if (typeof raw !== 'string') throw errors.oauthBadRequest('"scope" must be a string');
  const asked = [...new Set(raw.split(/[\s,]+/).filter((s) => s !== ''))];
  if (asked.length === 0) return client.allowedScopes;
  const refused = asked.filter((s) => !client.allowedScopes.includes(s));
  if (refused.length > 0) {
    const shown = refused.slice(0, 3).map((s) => JSON.stringify(printable(s).slice(0, 60)));
    throw errors.oauthBadRequest(`The client is not allowed the scope ${shown.join(', ')}`);
  }
  return asked;
}

function impersonated(ctx: Ctx, params: Params): UserRecord {
  const lookup = params['user_lookup'];
  if (lookup === undefined) throw errors.oauthBadRequest('"user_lookup" is required for user impersonation');
  if (!isPlainObject(lookup)) throw errors.oauthBadRequest('"user_lookup" must be an object {"field", "value"}');
  const { field, value } = lookup as Params;
  if (field !== 'subject' && field !== 'userId')
    throw errors.oauthBadRequest('"user_lookup.field" must be "subject" or "userId"');
  if (typeof value !== 'string' || value === '')
    throw errors.oauthBadRequest('"user_lookup.value" must be a non-empty string');
  const { store, tenantId } = ctx.app;
  const user = field === 'userId' ? store.getUser(tenantId, value) : store.getUserBySubject(tenantId, value);
  if (!user) throw errors.oauthBadRequest('"user_lookup" does not match a user of the tenant');
  return user;
}

async function token(ctx: Ctx): Promise<Reply> {
  const params = await readParams(ctx);
  const grant = requiredParam(params, 'grant_type');
  if (NOT_EMULATED_GRANTS.includes(grant))
    throw errors.oauthBadRequest(
      `The grant type "${grant}" is not emulated (only client_credentials and user impersonation)`,
    );
  if (grant !== CLIENT_CREDENTIALS && grant !== USER_IMPERSONATION)
    throw errors.oauthBadRequest('"grant_type" must be client_credentials or urn:qlik:oauth:user-impersonation');
  if (params['client_assertion'] !== undefined)
    throw errors.oauthBadRequest('JWT client authentication (client_assertion) is not emulated; send client_secret');
  const { clientId, secret } = clientCredentials(ctx, params);
  refuseFailingPeer(ctx);
  const { app } = ctx;
  const client = oauthStore(app.store).getClient(app.tenantId, clientId);
  if (!client || !sameSecret(secret, client.clientSecret)) authenticationFailed(ctx);
  rateLimit(ctx, clientId);
  if (!client.allowedGrantTypes.includes(grant))
    throw errors.oauthBadRequest(`The client is not allowed the grant type "${grant}"`);
  const scopes = grantedScopes(params, client);
  const user =
    grant === USER_IMPERSONATION ? impersonated(ctx, params) : app.store.getUser(app.tenantId, client.userId);
  if (!user) throw errors.oauthBadClient();
  if (user.status !== 'active') throw errors.oauthUserDisabled(user.status);

  const now = app.clock.now();
  const id = newObjectId(now);
  const iat = Math.floor(now / 1000);
  const exp = iat + client.tokenLifetime;
  const accessToken = await app.tokens.signAccessToken({ jti: id, iat, exp, aud: ctx.baseUrl });
  oauthStore(app.store).insertToken({
    id,
    tenantId: app.tenantId,
    clientId: client.clientId,
    userId: user.id,
    scope: scopes.join(' '),
    grantType: grant,
    issuedAt: now,
    expiresAt: exp * 1000,
    revoked: false,
    lastUsed: null,
  });
  // The field order of qlik.dev's example response.
  return jsonReply(
    200,
    {
      access_token: accessToken,
      scope: scopes.join(' '),
      token_type: 'bearer',
      expires_at: isoMs(exp * 1000),
      expires_in: client.tokenLifetime,
    },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}

/** Revokes an access token; as RFC 7009 says, an unknown or invalid token is no error (200 all the same). */
async function revoke(ctx: Ctx): Promise<Reply> {
  const params = await readParams(ctx);
  const value = requiredParam(params, 'token');
  const hint = params['token_type_hint'];
  if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token')
    throw errors.oauthBadRequest('"token_type_hint" must be access_token or refresh_token');
  const { app } = ctx;
  const now = app.clock.now();
  const claims = await app.tokens.verifyAccessToken(value, now);
  const record = claims && app.store.getOAuthToken(app.tenantId, claims.jti);
  rateLimit(ctx, record?.clientId ?? 'revoke');
  if (record) oauthStore(app.store).revokeTokens(app.tenantId, { id: record.id }, now);
  return { status: 200, headers: { 'cache-control': 'no-store' } };
}

export const oauthRoutes: Route<Ctx>[] = [
  { method: 'POST', path: '/oauth/token', handler: token },
  { method: 'POST', path: '/oauth/revoke', handler: revoke },
];
