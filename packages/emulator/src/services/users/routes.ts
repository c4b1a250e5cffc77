// /api/v1/users: list (filter, sort, cursors, fields, totalResults, the deprecated parameters),
// /actions/filter, /actions/count, /me (301 to the caller's user) and /{id}.
// Any user of the tenant may list, filter, count and read users (users.yml documents no 403 for the
// list); other users' `assignedRoles` are shown to a TenantAdmin only ("Must have access to roles to
// view other users' assigned roles", and only TenantAdmins may read the roles API).
import { requireUser } from '../../http/auth.js';
import { isoMs } from '../../shared/clock.js';
import type { ApiCtx, RoleResolver, Route } from '../../http/context.js';
import { errors } from './errors.js';
import { jsonReply, redirectReply, type Reply } from '../../http/reply.js';
import { isObjectId } from '../../shared/ids.js';
import type { UserRecord } from '../../store/store.js';
import type { FilterScope } from './filter.js';
import { assignedGroupsOf, groupsByUser } from '../groups/index.js';
import {
  filterOrFail,
  pageUsers,
  parseFilterActionQuery,
  parseFields,
  parseUserListQuery,
  project,
  type UserQuery,
} from './query.js';
import { isPlainObject } from '../../shared/validate.js';
import { usersStore, type UserProfile } from './store.js';

export function presentUser(
  user: UserRecord,
  baseUrl: string,
  roles: RoleResolver,
  rolesVisible = true,
  profile: UserProfile = {},
  assignedGroups: { id: string; name: string }[] = [],
): Record<string, unknown> {
  return {
    id: user.id,
    tenantId: user.tenantId,
    name: user.name,
    ...(user.email === '' ? {} : { email: user.email }),
    subject: user.subject,
    status: user.status,
    ...Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)),
    ...(rolesVisible ? { assignedRoles: user.roles.map((r) => roles.describe(r)) } : {}),
    assignedGroups,
    assignedScopes: [],
    createdAt: isoMs(user.createdAt),
    lastUpdatedAt: isoMs(user.lastUpdatedAt),
    links: { self: { href: `${baseUrl}/api/v1/users/${user.id}` } },
  };
}

function groupsOf(ctx: ApiCtx, user: UserRecord): { id: string; name: string }[] {
  return assignedGroupsOf(ctx.app.store, ctx.app.tenantId, user.id);
}

/**
 * Who may see whose roles: a TenantAdmin everyone's, anyone else their own. Role ids are looked up once a request;
 * groups are read for all users at once, on the first user a filter on a group field asks about.
 */
function scopeOf(ctx: ApiCtx): FilterScope {
  const me = requireUser(ctx.principal);
  const admin = ctx.principal.perms.admin;
  const roleIds = new Map<string, string>();
  let groups: Map<string, { id: string; roles: string[] }[]> | undefined;
  return {
    rolesVisible: (user) => admin || user.id === me.id,
    roleId: (name) => {
      let id = roleIds.get(name);
      if (id === undefined) {
        id = ctx.app.roles.describe(name).id;
        roleIds.set(name, id);
      }
      return id;
    },
    groupsOf: (user) => {
      groups ??= groupsByUser(ctx.app.store, ctx.app.tenantId);
      return groups.get(user.id) ?? [];
    },
  };
}

function me(ctx: ApiCtx): Reply {
  const user = requireUser(ctx.principal);
  // The query (e.g. ?fields=assignedRoles) goes along to the user resource.
  return redirectReply(301, `${ctx.baseUrl}/api/v1/users/${user.id}${ctx.url.search}`);
}

function getUser(ctx: ApiCtx): Reply {
  const scope = scopeOf(ctx);
  const id = ctx.params['id'] ?? '';
  const user = isObjectId(id) ? ctx.app.store.getUser(ctx.app.tenantId, id) : undefined;
  if (!user) throw errors.userNotFound();
  const fields = ctx.url.searchParams.get('fields');
  const json = presentUser(
    user,
    ctx.baseUrl,
    ctx.app.roles,
    scope.rolesVisible(user),
    usersStore(ctx.app.store).profile(user.id),
    groupsOf(ctx, user),
  );
  return jsonReply(200, project(json, parseFields(fields ?? undefined)));
}

function usersPage(ctx: ApiCtx, path: string, q: UserQuery, scope: FilterScope): Reply {
  const page = pageUsers(usersStore(ctx.app.store).snapshot(ctx.app.tenantId), q, scope);
  const href = (cursor?: [string, string]): { href: string } => {
    const params = new URLSearchParams(q.linkParams);
    if (cursor) params.set(cursor[0], cursor[1]);
    const search = params.toString();
    return { href: `${ctx.baseUrl}${path}${search === '' ? '' : `?${search}`}` };
  };
  const selfCursor: [string, string] | undefined =
    ctx.url.searchParams.get('next') !== null
      ? ['next', ctx.url.searchParams.get('next') ?? '']
      : ctx.url.searchParams.get('prev') !== null
        ? ['prev', ctx.url.searchParams.get('prev') ?? '']
        : undefined;
  const links: Record<string, { href: string }> = { self: href(selfCursor) };
  if (page.next !== undefined) links['next'] = href(['next', page.next]);
  if (page.prev !== undefined) links['prev'] = href(['prev', page.prev]);
  const profiles = usersStore(ctx.app.store);
  const data = page.users.map((u) =>
    project(
      presentUser(u, ctx.baseUrl, ctx.app.roles, scope.rolesVisible(u), profiles.profile(u.id), groupsOf(ctx, u)),
      q.fields,
    ),
  );
  return jsonReply(200, { data, links, ...(q.totalResults ? { totalResults: page.total } : {}) });
}

function listUsers(ctx: ApiCtx): Reply {
  const scope = scopeOf(ctx);
  const q = parseUserListQuery(ctx.url.searchParams, ctx.app.options.strict);
  return usersPage(ctx, '/api/v1/users', q, scope);
}

/** The filter action's body: optional; `{"filter": "..."}` with at most 100 ids. */
async function filterBody(ctx: ApiCtx): Promise<string | undefined> {
  const body = await ctx.readJson(errors.body, { optional: true });
  if (body === undefined) return undefined;
  if (!isPlainObject(body)) throw errors.usersBadBody('The request body must be a JSON object', '');
  const filter = body['filter'];
  if (filter === undefined) return undefined;
  if (typeof filter !== 'string') throw errors.usersBadBody('"filter" must be a string', '/filter');
  return filter;
}

async function filterUsers(ctx: ApiCtx): Promise<Reply> {
  const scope = scopeOf(ctx);
  const q = parseFilterActionQuery(ctx.url.searchParams, ctx.app.options.strict);
  const text = await filterBody(ctx);
  if (text !== undefined) q.filter = filterOrFail(text, { pointer: '/filter' });
  return usersPage(ctx, '/api/v1/users/actions/filter', q, scope);
}

/** `{"total": n}`: every user of the tenant, any status, bot users included. */
function countUsers(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  if (ctx.app.options.strict) {
    const name = [...ctx.url.searchParams.keys()][0];
    if (name !== undefined) throw errors.usersBadQuery(`Unknown query parameter "${name}"`, name);
  }
  return jsonReply(200, { total: usersStore(ctx.app.store).count(ctx.app.tenantId) });
}

export const userRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/users', handler: listUsers },
  { method: 'POST', path: '/api/v1/users/actions/filter', handler: filterUsers },
  { method: 'GET', path: '/api/v1/users/actions/count', handler: countUsers },
  { method: 'POST', path: '/api/v1/users/actions/count', handler: countUsers },
  { method: 'GET', path: '/api/v1/users/me', handler: me },
  { method: 'GET', path: '/api/v1/users/:id', handler: getUser },
];
