// /api/v1/groups: list (filter, sort, next/prev, totalResults, systemGroups), the filter action, create, get,
// patch (assignedRoles, name, description), delete, and /settings. Any user of the tenant may read groups
// (as the users API); assignedRoles are shown to a TenantAdmin only ("Must have access to roles to view"),
// and every change needs the TenantAdmin role.
import { requireUser } from '../../http/auth.js';
import { isoMs } from '../../shared/clock.js';
import { getTenant } from '../tenants/index.js';
import type { ApiCtx, RoleResolver, Route } from '../../http/context.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import { newObjectId } from '../../shared/ids.js';
import { listPage } from '../../shared/list-query.js';
import { groupErrors } from './errors.js';
import {
  EVERYONE_ID,
  matchesGroup,
  parseCreateGroup,
  parseFilterBody,
  parseGroupPatch,
  parseGroupQuery,
  parseSettingsPatch,
  type GroupQuery,
} from './parse.js';
import { groupStore, isNameConflict, type GroupRecord } from './store.js';

const BASE = '/api/v1/groups';
const SETTINGS_META = 'group_settings';

function requireAdmin(ctx: ApiCtx): void {
  requireUser(ctx.principal);
  if (!ctx.principal.perms.admin) throw groupErrors.forbidden();
}

/** Role references resolve through the roles service. */
function tenantRoles(ctx: ApiCtx): (ref: { id?: string; name?: string }) => string | undefined {
  return (ref) => ctx.app.roles.resolve(ref);
}

function presentGroup(
  g: GroupRecord,
  baseUrl: string,
  rolesVisible: boolean,
  roles: RoleResolver,
): Record<string, unknown> {
  return {
    id: g.id,
    tenantId: g.tenantId,
    name: g.name,
    ...(g.description === undefined ? {} : { description: g.description }),
    status: g.status,
    providerType: g.providerType,
    ...(rolesVisible ? { assignedRoles: g.roles.map((r) => roles.describe(r)) } : {}),
    createdAt: isoMs(g.createdAt),
    lastUpdatedAt: isoMs(g.lastUpdatedAt),
    ...(g.createdBy === undefined ? {} : { createdBy: g.createdBy }),
    ...(g.updatedBy === undefined ? {} : { updatedBy: g.updatedBy }),
    links: { self: { href: `${baseUrl}${BASE}/${g.id}` } },
  };
}

function sortValue(g: GroupRecord, field: GroupQuery['sortField']): string | number {
  switch (field) {
    case 'name':
      return g.name.toLowerCase();
    case 'createdAt':
      return g.createdAt;
    case 'lastUpdatedAt':
      return g.lastUpdatedAt;
    default:
      return g[field];
  }
}

function filterValues(g: GroupRecord): Record<string, string> {
  return {
    id: g.id,
    name: g.name,
    status: g.status,
    providertype: g.providerType,
    createdat: isoMs(g.createdAt),
    lastupdatedat: isoMs(g.lastUpdatedAt),
  };
}

interface Settings {
  autoCreateGroups: boolean;
  syncIdpGroups: boolean;
  everyoneRoles: string[];
  lastUpdated: number;
}

function readSettings(ctx: ApiCtx): Settings {
  const saved = ctx.app.store.getMeta(SETTINGS_META);
  const tenant = getTenant(ctx.app.store);
  const defaults: Settings = {
    autoCreateGroups: true,
    syncIdpGroups: true,
    everyoneRoles: [],
    lastUpdated: tenant?.created ?? 0,
  };
  return saved === undefined ? defaults : { ...defaults, ...(JSON.parse(saved) as Partial<Settings>) };
}

function everyone(ctx: ApiCtx, rolesVisible: boolean): Record<string, unknown> {
  const settings = readSettings(ctx);
  const created = getTenant(ctx.app.store)?.created ?? 0;
  return {
    id: EVERYONE_ID,
    tenantId: ctx.app.tenantId,
    name: 'com.qlik.Everyone',
    status: 'active',
    ...(rolesVisible ? { assignedRoles: settings.everyoneRoles.map((r) => ctx.app.roles.describe(r)) } : {}),
    createdAt: isoMs(created),
    lastUpdatedAt: isoMs(settings.lastUpdated),
    links: { self: { href: `${ctx.baseUrl}${BASE}/${EVERYONE_ID}` } },
  };
}

function page(ctx: ApiCtx, path: string, q: GroupQuery): Reply {
  const admin = ctx.principal.perms.admin;
  if (q.systemGroups) {
    return jsonReply(200, {
      data: [everyone(ctx, admin)],
      links: { self: { href: `${ctx.baseUrl}${path}?systemGroups=true` } },
    });
  }
  const sign = q.descending ? -1 : 1;
  const all = groupStore(ctx.app.store)
    .list(ctx.app.tenantId)
    .filter((g) => !q.filter || matchesGroup(filterValues(g), q.filter))
    .sort((a, b) => {
      const x = sortValue(a, q.sortField);
      const y = sortValue(b, q.sortField);
      return (x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
    });
  const { items: slice, links } = listPage(
    all,
    (g) => g.id,
    q,
    (parameter) => groupErrors.badQuery(`"${parameter}" does not reference an existing group`, parameter),
    { href: `${ctx.baseUrl}${path}`, params: q.linkParams, query: ctx.url.searchParams, tag: q.sortField },
  );
  return jsonReply(200, {
    data: slice.map((g) => presentGroup(g, ctx.baseUrl, admin, ctx.app.roles)),
    links,
    ...(q.totalResults ? { totalResults: all.length } : {}),
  });
}

function listGroups(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  return page(ctx, BASE, parseGroupQuery(ctx.url.searchParams, ctx.app.options.strict, false));
}

async function filterGroups(ctx: ApiCtx): Promise<Reply> {
  requireUser(ctx.principal);
  const q = parseGroupQuery(ctx.url.searchParams, ctx.app.options.strict, true);
  const filter = parseFilterBody(await ctx.readJson(groupErrors.body, { optional: true }));
  if (filter) q.filter = filter;
  return page(ctx, `${BASE}/actions/filter`, q);
}

function findGroup(ctx: ApiCtx): GroupRecord {
  const group = groupStore(ctx.app.store).get(ctx.app.tenantId, ctx.params['groupId'] ?? '');
  if (!group) throw groupErrors.notFound();
  return group;
}

function getGroup(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  if (ctx.params['groupId'] === EVERYONE_ID) return jsonReply(200, everyone(ctx, ctx.principal.perms.admin));
  return jsonReply(200, presentGroup(findGroup(ctx), ctx.baseUrl, ctx.principal.perms.admin, ctx.app.roles));
}

async function createGroup(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const input = parseCreateGroup(await ctx.readJson(groupErrors.body), tenantRoles(ctx));
  const now = ctx.app.clock.now();
  const me = requireUser(ctx.principal).id;
  const group: GroupRecord = {
    id: newObjectId(now),
    tenantId: ctx.app.tenantId,
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    status: 'active',
    providerType: input.providerType,
    roles: input.roles,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy: me,
    updatedBy: me,
  };
  try {
    groupStore(ctx.app.store).insert(group);
  } catch (e) {
    if (isNameConflict(e)) throw groupErrors.conflict(input.name);
    throw e;
  }
  return jsonReply(201, presentGroup(group, ctx.baseUrl, true, ctx.app.roles));
}

async function patchGroup(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const group = findGroup(ctx);
  const ops = parseGroupPatch(await ctx.readJson(groupErrors.body), tenantRoles(ctx));
  const next: GroupRecord = structuredClone(group);
  for (const [i, op] of ops.entries()) {
    if (op.path === 'assignedRoles') next.roles = op.roles;
    else if (group.providerType !== 'custom')
      throw groupErrors.badBody(`"${op.path}" can only be changed on custom groups`, `/${i}/path`);
    else if (op.path === 'name') next.name = op.value;
    else next.description = op.value;
  }
  next.lastUpdatedAt = ctx.app.clock.now();
  next.updatedBy = requireUser(ctx.principal).id;
  try {
    groupStore(ctx.app.store).update(next);
  } catch (e) {
    if (isNameConflict(e)) throw groupErrors.conflict(next.name);
    throw e;
  }
  return emptyReply();
}

function deleteGroup(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const group = findGroup(ctx);
  groupStore(ctx.app.store).delete(ctx.app.tenantId, group.id);
  return emptyReply();
}

function settingsJson(ctx: ApiCtx): Record<string, unknown> {
  const settings = readSettings(ctx);
  const system = everyone(ctx, ctx.principal.perms.admin);
  return {
    autoCreateGroups: settings.autoCreateGroups,
    syncIdpGroups: settings.syncIdpGroups,
    systemGroups: {
      [EVERYONE_ID]: {
        id: EVERYONE_ID,
        name: 'com.qlik.Everyone',
        enabled: true,
        ...(system['assignedRoles'] === undefined ? {} : { assignedRoles: system['assignedRoles'] }),
        createdAt: system['createdAt'],
        lastUpdatedAt: system['lastUpdatedAt'],
      },
    },
    tenantId: ctx.app.tenantId,
    links: { self: { href: `${ctx.baseUrl}${BASE}/settings` } },
  };
}

function getSettings(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  return jsonReply(200, settingsJson(ctx));
}

async function patchSettings(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const ops = parseSettingsPatch(await ctx.readJson(groupErrors.body), tenantRoles(ctx));
  const settings = readSettings(ctx);
  for (const op of ops) {
    if (op.path === 'everyoneRoles') settings.everyoneRoles = op.roles;
    else settings[op.path] = op.value;
  }
  settings.lastUpdated = ctx.app.clock.now();
  ctx.app.store.setMeta(SETTINGS_META, JSON.stringify(settings));
  return emptyReply();
}

/** Settings go back to the defaults (POST /__emulator/reset). */
export function resetGroupSettings(store: ApiCtx['app']['store']): void {
  store.setMeta(SETTINGS_META, '{}');
}

export const groupRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: BASE, handler: listGroups },
  { method: 'POST', path: BASE, handler: createGroup },
  { method: 'POST', path: `${BASE}/actions/filter`, handler: filterGroups },
  { method: 'GET', path: `${BASE}/settings`, handler: getSettings },
  { method: 'PATCH', path: `${BASE}/settings`, handler: patchSettings },
  { method: 'GET', path: `${BASE}/:groupId`, handler: getGroup },
  { method: 'PATCH', path: `${BASE}/:groupId`, handler: patchGroup },
  { method: 'DELETE', path: `${BASE}/:groupId`, handler: deleteGroup },
];
