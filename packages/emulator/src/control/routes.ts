// The test-control API under /__emulator/ (no auth, JSON in and out). Not part of Qlik's API.
import { isoMs } from '../shared/clock.js';
import type { App, Ctx, Route } from '../http/context.js';
import { controlBodyErrors, errors } from '../shared/errors.js';
import { emptyReply, jsonReply, type Reply } from '../http/reply.js';
import type { StartupInfo } from '../shared/info.js';
import {
  apiKeyErrors,
  buildKey,
  expiryAfter,
  keysStore,
  keyStatus,
  maxExpiryFor,
  parseConfigObject,
  presentKey,
  type KeyStatus,
  type LedgerRow,
} from '../services/api-keys/index.js';
import {
  addOAuthClient,
  oauthClientInfos,
  oauthStore,
  parseOAuthClient,
  presentClient,
  presentTokenForControl,
  type OAuthTokenMatch,
} from '../services/oauth/index.js';
import { M2M_API_KEY_MODES } from '../shared/settings.js';
import { BOOTSTRAP_DESCRIPTION, addUser, addUsers, parseSeedRole, parseSeedUser, userInfos } from './seed.js';
import { presentRole, RoleDirectory } from '../services/roles/index.js';
import { usersStore } from '../services/users/index.js';
import { getTenant } from '../services/tenants/index.js';
import type { SubType } from '../store/store.js';
import { idpControlRoutes, resetIdentityProviders } from '../services/identity-providers/index.js';
import { resetGroups } from '../services/groups/index.js';
import { resetScim } from '../services/scim/index.js';
import {
  checkDuration,
  objectBody,
  optionalEnum,
  optionalNumber,
  optionalString,
  requiredString,
  type Fail,
} from '../shared/validate.js';

const fail: Fail = (detail, at) => errors.control(detail, at);

/** The startup line's content (also GET /__emulator/info). */
export function startupInfo(app: App): StartupInfo {
  return {
    url: app.url,
    tenantId: app.tenantId,
    users: userInfos(app.store, app.tenantId),
    oauthClients: oauthClientInfos(app.store, app.tenantId),
    ...(app.caCert === undefined ? {} : { caCert: app.caCert }),
  };
}

function info(ctx: Ctx): Reply {
  return jsonReply(200, startupInfo(ctx.app));
}

function reset(ctx: Ctx): Reply {
  const { app } = ctx;
  keysStore(app.store).reset(app.tenantId, app.defaultConfig, BOOTSTRAP_DESCRIPTION);
  app.faults.clear();
  app.requestLog.clear();
  app.rateLimiter.reset();
  app.clock.setOffset(0);
  resetOAuth(app);
  resetIdentityProviders(app.store, app.tenantId);
  resetGroups(app.store, app.tenantId);
  resetScim(app.store, app.tenantId);
  return emptyReply();
}

async function createUser(ctx: Ctx): Promise<Reply> {
  const input = parseSeedUser(await ctx.readJson(controlBodyErrors), fail);
  ctx.app.roles.ensure(input.roles, ctx.app.clock.now());
  return jsonReply(201, await addUser(ctx.app, ctx.app.tenantId, input));
}

/** Mints a key for a user, bypassing permissions, the quota and the expiry maximum. */
async function mintKey(ctx: Ctx): Promise<Reply> {
  const { app } = ctx;
  const obj = objectBody(
    await ctx.readJson(controlBodyErrors),
    ['userId', 'description', 'expiry', 'subType', 'sub'],
    fail,
  );
  const userId = requiredString(obj, 'userId', fail);
  if (!app.store.getUser(app.tenantId, userId)) throw fail('"userId" does not reference an existing user', '/userId');
  const subType = optionalEnum(obj, 'subType', ['user', 'externalClient'] as const, fail) ?? 'user';
  const sub = optionalString(obj, 'sub', fail, true) ?? (subType === 'user' ? userId : undefined);
  if (sub === undefined) throw fail('"sub" is required for externalClient keys', '/sub');
  const now = app.clock.now();
  const config = keysStore(app.store).getConfig(app.tenantId);
  if (!config) throw apiKeyErrors.configNotFound();
  const duration =
    obj['expiry'] === undefined ? maxExpiryFor(config, subType) : checkDuration(obj['expiry'], '/expiry', fail, now);
  const { record, token } = await buildKey(app, {
    description: optionalString(obj, 'description', fail, true) ?? 'minted by qlik-emulator',
    sub,
    subType,
    createdByUser: userId,
    expiry: expiryAfter(now, duration),
    now,
  });
  keysStore(app.store).insertKey(record);
  return jsonReply(201, { ...presentKey(record, now), token });
}

function getConfig(ctx: Ctx): Reply {
  return jsonReply(200, keysStore(ctx.app.store).getConfig(ctx.app.tenantId));
}

async function putConfig(ctx: Ctx): Promise<Reply> {
  const { app } = ctx;
  const patch = parseConfigObject(await ctx.readJson(controlBodyErrors), app.clock.now(), fail);
  return jsonReply(200, keysStore(app.store).updateConfig(app.tenantId, patch));
}

function getRateLimits(ctx: Ctx): Reply {
  return jsonReply(200, ctx.app.rateLimiter.settings);
}

async function putRateLimits(ctx: Ctx): Promise<Reply> {
  const obj = objectBody(
    await ctx.readJson(controlBodyErrors),
    ['enabled', 'tier1PerMinute', 'tier2PerMinute', 'windowSeconds'],
    fail,
  );
  if (obj['enabled'] !== undefined && typeof obj['enabled'] !== 'boolean')
    throw fail('"enabled" must be a boolean', '/enabled');
  const range = { min: 1, max: 1e9, integer: true };
  const patch = {
    ...(obj['enabled'] === undefined ? {} : { enabled: obj['enabled'] }),
    ...optionalField('tier1PerMinute', optionalNumber(obj, 'tier1PerMinute', fail, range)),
    ...optionalField('tier2PerMinute', optionalNumber(obj, 'tier2PerMinute', fail, range)),
    ...optionalField(
      'windowSeconds',
      optionalNumber(obj, 'windowSeconds', fail, { min: 1, max: 86_400, integer: true }),
    ),
  };
  return jsonReply(200, ctx.app.rateLimiter.configure(patch));
}

function optionalField<K extends string>(name: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, number>);
}

function timeView(ctx: Ctx): { offsetMs: number; now: string } {
  return { offsetMs: ctx.app.clock.offset, now: isoMs(ctx.app.clock.now()) };
}

function getTime(ctx: Ctx): Reply {
  return jsonReply(200, timeView(ctx));
}

async function setTime(ctx: Ctx): Promise<Reply> {
  const obj = objectBody(await ctx.readJson(controlBodyErrors), ['offsetMs'], fail);
  const offset = optionalNumber(obj, 'offsetMs', fail, { min: -1e13, max: 1e13, integer: true });
  if (offset === undefined) throw fail('"offsetMs" is required', '/offsetMs');
  ctx.app.clock.setOffset(offset);
  return jsonReply(200, timeView(ctx));
}

/** A key created through POST /api/v1/api-keys, as GET /__emulator/ledger shows it. */
export interface LedgerEntry {
  id: string;
  description: string;
  sub: string;
  subType: SubType;
  createdByUser: string;
  /** ISO 8601 with milliseconds. */
  created: string;
  /** The request-log sequence number of the create. */
  requestSeq: number;
  /** True only when the full, unmangled 201 reached the client. */
  delivered: boolean;
  state: KeyStatus | 'deleted';
}

function ledgerEntry(row: LedgerRow, now: number): LedgerEntry {
  const { key } = row;
  return {
    id: key.id,
    description: key.description,
    sub: key.sub,
    subType: key.subType,
    createdByUser: key.createdByUser,
    created: isoMs(key.created),
    requestSeq: row.requestSeq,
    delivered: row.delivered,
    state: key.deletedAt === null ? keyStatus(key, now) : 'deleted',
  };
}

function ledger(ctx: Ctx): Reply {
  const now = ctx.app.clock.now();
  return jsonReply(200, {
    entries: keysStore(ctx.app.store)
      .ledger(ctx.app.tenantId)
      .map((row) => ledgerEntry(row, now)),
  });
}

function requests(ctx: Ctx): Reply {
  return jsonReply(200, { requests: ctx.app.requestLog.list() });
}

function clearRequests(ctx: Ctx): Reply {
  ctx.app.requestLog.clear();
  return emptyReply();
}

async function addFault(ctx: Ctx): Promise<Reply> {
  return jsonReply(201, ctx.app.faults.add(await ctx.readJson(controlBodyErrors)));
}

function listFaults(ctx: Ctx): Reply {
  return jsonReply(200, { faults: ctx.app.faults.list() });
}

function clearFaults(ctx: Ctx): Reply {
  ctx.app.faults.clear();
  return emptyReply();
}

function jwks(ctx: Ctx): Reply {
  return jsonReply(200, { keys: [{ ...ctx.app.tokens.publicJwk, alg: 'ES384', use: 'sig' }] });
}

// ---- users in bulk (#12) ----

const MAX_BATCH = 10_000;

/** `{users: [...]}`: many users at once (for paging tests), each with a bootstrap key, in one transaction. */
async function createUsers(ctx: Ctx): Promise<Reply> {
  const obj = objectBody(await ctx.readJson(controlBodyErrors), ['users'], fail);
  const list = obj['users'];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH)
    throw fail(`"users" must be an array of 1-${MAX_BATCH} users`, '/users');
  const inputs = list.map((u: unknown, i) => parseSeedUser(u, fail, `/users/${i}`));
  ctx.app.roles.ensure(
    inputs.flatMap((u) => u.roles),
    ctx.app.clock.now(),
  );
  return jsonReply(201, { users: await addUsers(ctx.app, ctx.app.tenantId, inputs) });
}

// ---- OAuth (#11) ----

/** Reset: issued tokens are forgotten (clients stay, as users do) and the settings return to the options. */
function resetOAuth(app: App): void {
  oauthStore(app.store).deleteTokens(app.tenantId);
  app.oauthSettings = { m2mApiKeys: app.options.m2mApiKeys };
}

function listClients(ctx: Ctx): Reply {
  return jsonReply(200, { clients: oauthStore(ctx.app.store).listClients(ctx.app.tenantId).map(presentClient) });
}

async function createClient(ctx: Ctx): Promise<Reply> {
  const { app } = ctx;
  const input = parseOAuthClient(await ctx.readJson(controlBodyErrors), fail);
  return jsonReply(201, addOAuthClient(app.store, app.tenantId, input, app.clock.now(), fail));
}

function listTokens(ctx: Ctx): Reply {
  const now = ctx.app.clock.now();
  const tokens = oauthStore(ctx.app.store)
    .listTokens(ctx.app.tenantId)
    .map((t) => presentTokenForControl(t, now));
  return jsonReply(200, { tokens });
}

/** `{id?, clientId?, userId?}`: the live tokens that match all given fields (an empty body: all of them). */
async function tokenMatch(ctx: Ctx): Promise<OAuthTokenMatch> {
  const text = await ctx.readText();
  const obj = objectBody(
    text.trim() === '' ? {} : await ctx.readJson(controlBodyErrors),
    ['id', 'clientId', 'userId'],
    fail,
  );
  const match: OAuthTokenMatch = {};
  for (const name of ['id', 'clientId', 'userId'] as const) {
    const value = optionalString(obj, name, fail, true);
    if (value !== undefined) match[name] = value;
  }
  return match;
}

async function expireTokens(ctx: Ctx): Promise<Reply> {
  const { app } = ctx;
  const count = oauthStore(app.store).expireTokens(app.tenantId, await tokenMatch(ctx), app.clock.now());
  return jsonReply(200, { count });
}

async function revokeTokens(ctx: Ctx): Promise<Reply> {
  const { app } = ctx;
  const count = oauthStore(app.store).revokeTokens(app.tenantId, await tokenMatch(ctx), app.clock.now());
  return jsonReply(200, { count });
}

function getOAuthSettings(ctx: Ctx): Reply {
  return jsonReply(200, ctx.app.oauthSettings);
}

async function putOAuthSettings(ctx: Ctx): Promise<Reply> {
  const obj = objectBody(await ctx.readJson(controlBodyErrors), ['m2mApiKeys'], fail);
  const mode = optionalEnum(obj, 'm2mApiKeys', M2M_API_KEY_MODES, fail);
  if (mode !== undefined) ctx.app.oauthSettings = { ...ctx.app.oauthSettings, m2mApiKeys: mode };
  return jsonReply(200, ctx.app.oauthSettings);
}

// ---- roles (#21) ----

function roleDirectory(app: App): RoleDirectory {
  if (!(app.roles instanceof RoleDirectory)) throw errors.internal();
  return app.roles;
}

/** Creates a custom role (or updates the description and scopes of the custom role of that name). */
async function defineRole(ctx: Ctx): Promise<Reply> {
  const input = parseSeedRole(await ctx.readJson(controlBodyErrors), fail);
  const role = roleDirectory(ctx.app).define(input, ctx.app.clock.now());
  if (!role) throw fail(`"${input.name}" is a default role, which cannot be changed`, '/name');
  const created = getTenant(ctx.app.store)?.created ?? 0;
  return jsonReply(201, presentRole(role, ctx.app.tenantId, created, ctx.baseUrl));
}

/** Sets a user's roles by name (names that are not roles yet become custom roles, as in a seed). */
async function putUserRoles(ctx: Ctx): Promise<Reply> {
  const obj = objectBody(await ctx.readJson(controlBodyErrors), ['roles'], fail);
  const roles = obj['roles'];
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string' && r !== ''))
    throw fail('"roles" must be an array of role names', '/roles');
  const user = ctx.app.store.getUser(ctx.app.tenantId, ctx.params['id'] ?? '');
  if (!user) throw fail('no user has this id', '');
  const now = ctx.app.clock.now();
  ctx.app.roles.ensure(roles, now);
  usersStore(ctx.app.store).update({ ...user, roles: [...new Set(roles)], lastUpdatedAt: now });
  return jsonReply(200, { id: user.id, roles: [...new Set(roles)] });
}

export const controlRoutes: Route<Ctx>[] = [
  { method: 'POST', path: '/__emulator/roles', handler: defineRole },
  { method: 'PUT', path: '/__emulator/users/:id/roles', handler: putUserRoles },
  { method: 'GET', path: '/__emulator/oauth/clients', handler: listClients },
  { method: 'POST', path: '/__emulator/oauth/clients', handler: createClient },
  { method: 'GET', path: '/__emulator/oauth/tokens', handler: listTokens },
  { method: 'POST', path: '/__emulator/oauth/tokens/expire', handler: expireTokens },
  { method: 'POST', path: '/__emulator/oauth/tokens/revoke', handler: revokeTokens },
  { method: 'GET', path: '/__emulator/oauth/settings', handler: getOAuthSettings },
  { method: 'PUT', path: '/__emulator/oauth/settings', handler: putOAuthSettings },
  { method: 'POST', path: '/__emulator/users/batch', handler: createUsers },
  { method: 'GET', path: '/__emulator/info', handler: info },
  { method: 'POST', path: '/__emulator/reset', handler: reset },
  { method: 'POST', path: '/__emulator/users', handler: createUser },
  { method: 'POST', path: '/__emulator/keys', handler: mintKey },
  { method: 'GET', path: '/__emulator/config', handler: getConfig },
  { method: 'PUT', path: '/__emulator/config', handler: putConfig },
  { method: 'GET', path: '/__emulator/rate-limits', handler: getRateLimits },
  { method: 'PUT', path: '/__emulator/rate-limits', handler: putRateLimits },
  { method: 'GET', path: '/__emulator/time', handler: getTime },
  { method: 'POST', path: '/__emulator/time', handler: setTime },
  { method: 'GET', path: '/__emulator/ledger', handler: ledger },
  { method: 'GET', path: '/__emulator/requests', handler: requests },
  { method: 'DELETE', path: '/__emulator/requests', handler: clearRequests },
  { method: 'POST', path: '/__emulator/faults', handler: addFault },
  { method: 'GET', path: '/__emulator/faults', handler: listFaults },
  { method: 'DELETE', path: '/__emulator/faults', handler: clearFaults },
  { method: 'GET', path: '/__emulator/jwks', handler: jwks },
  ...idpControlRoutes,
];
