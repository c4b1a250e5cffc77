// /api/v1/api-keys: list, create, get, patch (description), delete or revoke.
import { requireUser, type Principal } from '../../http/auth.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { errors } from './errors.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import { isKeyId } from '../../shared/ids.js';
import { buildKey, presentKey, resolveExpiry } from './keys.js';
import { checkM2mApiKey } from './m2m.js';
import type { KeyRecord, UserRecord } from '../../store/store.js';
import { keysStore } from './store.js';
import { parseCreateBody, parseKeyPatch, parseKeyListQuery, type CreateKeyInput, type ListParams } from './parse.js';
import { idpOfScimSubject, scimSubjectRefusal } from '../identity-providers/index.js';

/** SCIM subjects: `SCIM\<idp id>`, written with one or two backslashes. */
const SCIM_SUB_RE = /^SCIM\\{1,2}[^\\\s]+$/;

/** The key's owner: its subject for user keys, its creator for SCIM keys. */
function isOwner(key: KeyRecord, user: UserRecord): boolean {
  return key.subType === 'externalClient' ? key.createdByUser === user.id : key.sub === user.id;
}

function canSee(principal: Principal, user: UserRecord, key: KeyRecord): boolean {
  return principal.perms.admin || key.sub === user.id || key.createdByUser === user.id;
}

/** The live key named by the path, or 404 (also for ids that are not UUIDs). */
function findKey(ctx: ApiCtx): KeyRecord {
  const id = ctx.params['id'] ?? '';
  const key = isKeyId(id) ? ctx.app.store.getKey(ctx.app.tenantId, id) : undefined;
  if (!key) throw errors.keyNotFound();
  return key;
}

// ---- list ----

function pageHref(ctx: ApiCtx, q: ListParams, cursor?: [name: string, id: string]): { href: string } {
  const params = new URLSearchParams({ limit: String(q.limit), sort: q.sort });
  if (q.status !== undefined) params.set('status', q.status);
  if (q.sub !== undefined) params.set('sub', q.sub);
  if (q.createdByUser !== undefined) params.set('createdByUser', q.createdByUser);
  if (cursor) params.set(cursor[0], cursor[1]);
  return { href: `${ctx.baseUrl}/api/v1/api-keys?${params.toString()}` };
}

function cursorName(direction: 'after' | 'before'): string {
  return direction === 'after' ? 'startingAfter' : 'endingBefore';
}

function listKeys(ctx: ApiCtx): Reply {
  const user = requireUser(ctx.principal);
  const q = parseKeyListQuery(ctx.url.searchParams, ctx.app.options.strict);
  const admin = ctx.principal.perms.admin;
  for (const name of ['createdByUser', 'sub'] as const) {
    if (!admin && q[name] !== undefined && q[name] !== user.id) {
      throw errors.listForbidden(`Only a TenantAdmin can list API keys of other users ("${name}")`, name);
    }
  }
  const now = ctx.app.clock.now();
  const { cursor, createdByUser, sub, status } = q;
  const page = keysStore(ctx.app.store).listKeys({
    tenantId: ctx.app.tenantId,
    now,
    ...(admin ? {} : { visibleTo: user.id }),
    ...(createdByUser === undefined ? {} : { createdByUser }),
    ...(sub === undefined ? {} : { sub }),
    ...(status === undefined ? {} : { status }),
    ...(cursor === undefined ? {} : { cursor }),
    sortField: q.sortField,
    descending: q.descending,
    limit: q.limit,
  });
  if (!page) {
    const name = cursorName(cursor?.direction ?? 'after');
    throw errors.invalidQuery(`"${name}" does not reference an existing API key`, name);
  }
  const first = page.keys[0];
  const last = page.keys[page.keys.length - 1];
  const links: Record<string, { href: string }> = {
    self: pageHref(ctx, q, cursor && [cursorName(cursor.direction), cursor.id]),
  };
  if (page.hasNext && last) links['next'] = pageHref(ctx, q, ['startingAfter', last.id]);
  if (page.hasPrev && first) links['prev'] = pageHref(ctx, q, ['endingBefore', first.id]);
  return jsonReply(200, { data: page.keys.map((k) => presentKey(k, now)), links });
}

// ---- create ----

/** Who the new key is for, after the permission and existence checks. */
function resolveSubject(ctx: ApiCtx, input: CreateKeyInput, user: UserRecord): string {
  const admin = ctx.principal.perms.admin;
  if (input.subType === 'externalClient') {
    if (!admin) throw errors.createForbidden('Only a TenantAdmin can create SCIM (externalClient) API keys');
    if (input.sub === undefined || !SCIM_SUB_RE.test(input.sub)) {
      throw errors.invalidBody('"sub" must be SCIM\\<IdP ID> for externalClient keys', '/sub');
    }
    const refusal = scimSubjectRefusal(ctx.app.store, ctx.app.tenantId, idpOfScimSubject(input.sub) ?? '');
    if (refusal !== undefined) throw errors.invalidBody(refusal, '/sub');
    return input.sub;
  }
  if (input.sub === undefined || input.sub === user.id) return user.id;
  if (!admin) throw errors.createForbidden('Only a TenantAdmin can create API keys for other users');
  const target = ctx.app.store.getUser(ctx.app.tenantId, input.sub);
  if (!target || target.status === 'deleted')
    throw errors.invalidBody('"sub" does not reference an existing user', '/sub');
  return target.id;
}

async function createKey(ctx: ApiCtx): Promise<Reply> {
  const user = requireUser(ctx.principal);
  const { app } = ctx;
  const now = app.clock.now();
  const input = parseCreateBody(await ctx.readJson(errors.body), now);
  if (!ctx.principal.perms.manageApiKeys) throw errors.createForbidden('The "Manage API keys" permission is required');
  const sub = resolveSubject(ctx, input, user);
  const subjectIsBot = app.store.getUser(app.tenantId, sub)?.clientId !== undefined;
  checkM2mApiKey(ctx.principal, subjectIsBot, app.oauthSettings.m2mApiKeys);
  const config = keysStore(app.store).getConfig(app.tenantId);
  if (!config) throw errors.configNotFound();
  const expiry = resolveExpiry(now, config, input.subType, input.expiry, app.options.clampExpiry);
  const { record, token } = await buildKey(app, {
    description: input.description,
    sub,
    subType: input.subType,
    createdByUser: user.id,
    expiry,
    now,
  });
  const quota = input.subType === 'user' ? config.max_keys_per_user : undefined;
  const created = keysStore(app.store).createKey(record, quota, ctx.seq);
  if (!created.ok) throw errors.quotaReached(config.max_keys_per_user);
  return { status: 201, json: { ...presentKey(record, now), token }, ledgerKeyId: record.id };
}

// ---- get / patch / delete ----

function getKey(ctx: ApiCtx): Reply {
  const key = findKey(ctx);
  if (!canSee(ctx.principal, requireUser(ctx.principal), key)) throw errors.readForbidden();
  return jsonReply(200, presentKey(key, ctx.app.clock.now()));
}

async function patchKey(ctx: ApiCtx): Promise<Reply> {
  const key = findKey(ctx);
  if (!canSee(ctx.principal, requireUser(ctx.principal), key)) throw errors.updateForbidden();
  if (!ctx.principal.perms.manageApiKeys) throw errors.updateForbidden('The "Manage API keys" permission is required');
  const description = parseKeyPatch(await ctx.readJson(errors.body));
  if (!keysStore(ctx.app.store).updateDescription(ctx.app.tenantId, key.id, description, ctx.app.clock.now()))
    throw errors.keyNotFound();
  return emptyReply();
}

function deleteKey(ctx: ApiCtx): Reply {
  const key = findKey(ctx);
  const user = requireUser(ctx.principal);
  const { store, tenantId, clock } = ctx.app;
  if (isOwner(key, user)) {
    if (!ctx.principal.perms.manageApiKeys)
      throw errors.deleteForbidden('The "Manage API keys" permission is required');
    keysStore(store).deleteKey(tenantId, key.id, clock.now());
    return emptyReply();
  }
  if (!ctx.principal.perms.admin) throw errors.deleteForbidden();
  keysStore(store).revokeKey(tenantId, key.id, clock.now());
  return emptyReply();
}

export const apiKeyRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/api-keys', handler: listKeys },
  { method: 'POST', path: '/api/v1/api-keys', handler: createKey },
  { method: 'GET', path: '/api/v1/api-keys/:id', handler: getKey },
  { method: 'PATCH', path: '/api/v1/api-keys/:id', handler: patchKey },
  { method: 'DELETE', path: '/api/v1/api-keys/:id', handler: deleteKey },
];
