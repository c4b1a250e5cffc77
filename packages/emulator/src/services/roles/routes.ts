// /api/v1/roles (roles.yml): list with filter, sort and cursors; get; create, patch and delete custom roles.
// Only a TenantAdmin may call the roles API (qlik.dev changelog 89: everyone else gets 403 since 2024-04-09).
// Default roles cannot be changed or deleted (403); a custom role still assigned to a user or group cannot
// be deleted (400, "Role can only be deleted if it has been unassigned from all users and groups").
import { getTenant } from '../tenants/index.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import { listPage } from '../../shared/list-query.js';
import { RoleDirectory, MAX_CUSTOM_ROLES, type AnyRole } from './directory.js';
import { rolesErrors, rolesFail } from './errors.js';
import { cursorTag, parseCreateRole, parseRolePatch, parseRoleQuery, type RoleJson } from './parse.js';
import { presentRole } from './present.js';

function directory(ctx: ApiCtx): RoleDirectory {
  if (!(ctx.app.roles instanceof RoleDirectory)) throw new Error('the roles service is not wired in');
  return ctx.app.roles;
}

function requireAdmin(ctx: ApiCtx): void {
  if (!ctx.principal.perms.admin) throw rolesErrors.forbidden();
}

function present(ctx: ApiCtx, found: AnyRole): RoleJson {
  const created = getTenant(ctx.app.store)?.created ?? 0;
  return presentRole(found, ctx.app.tenantId, created, ctx.baseUrl);
}

function compare(a: unknown, b: unknown): number {
  const x = typeof a === 'string' ? a : JSON.stringify(a ?? '');
  const y = typeof b === 'string' ? b : JSON.stringify(b ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
}

function listRoles(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const q = parseRoleQuery(ctx.url.searchParams, ctx.app.options.strict);
  let roles = directory(ctx)
    .all()
    .map((r) => present(ctx, r));
  if (q.filter) roles = roles.filter(q.filter);
  if (q.sort) {
    const { field, descending } = q.sort;
    roles = roles
      .map((r, i) => ({ r, i }))
      .sort((a, b) => (descending ? -1 : 1) * compare(a.r[field], b.r[field]) || a.i - b.i)
      .map(({ r }) => r);
  }
  const { items, links } = listPage(
    roles,
    (r) => String(r['id']),
    q,
    (direction) => rolesErrors.badQuery('The cursor does not name a role of this list', direction),
    { href: `${ctx.baseUrl}/api/v1/roles`, params: q.linkParams, query: ctx.url.searchParams, tag: cursorTag(q) },
  );
  return jsonReply(200, { data: items, links, ...(q.totalResults ? { totalResults: roles.length } : {}) });
}

function found(ctx: ApiCtx): AnyRole {
  const role = directory(ctx).withId(ctx.params['id'] ?? '');
  if (!role) throw rolesErrors.notFound();
  return role;
}

function getRole(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  return jsonReply(200, present(ctx, found(ctx)));
}

async function createRole(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const input = parseCreateRole(await ctx.readJson(rolesErrors.body));
  const dir = directory(ctx);
  const now = ctx.app.clock.now();
  const by = ctx.principal.user?.id ?? '';
  const record = {
    id: RoleDirectory.newId(now),
    tenantId: ctx.app.tenantId,
    name: input.name,
    description: input.description,
    assignedScopes: input.assignedScopes,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy: by,
    updatedBy: by,
  };
  dir.store.tables.tx(() => {
    if (dir.named(input.name)) throw rolesFail(`A role named ${JSON.stringify(input.name)} already exists`, '/name');
    if (dir.store.count(ctx.app.tenantId) >= MAX_CUSTOM_ROLES) throw rolesErrors.limit(MAX_CUSTOM_ROLES);
    dir.store.insert(record);
  });
  return jsonReply(201, present(ctx, { kind: 'custom', role: record }));
}

async function patchRole(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const steps = parseRolePatch(await ctx.readJson(rolesErrors.body));
  const dir = directory(ctx);
  const role = found(ctx);
  if (role.kind === 'default') throw rolesErrors.forbidden('Only roles of type custom can be updated');
  const next = { ...role.role, assignedScopes: [...role.role.assignedScopes] };
  for (const step of steps) {
    const list = Array.isArray(step.value) ? step.value : [step.value];
    if (step.path === '/name' || step.path === '/description') {
      if (step.op !== 'replace' || typeof step.value !== 'string')
        throw rolesFail(`${step.path} takes "replace" with a string`, `${step.at}/op`);
      if (step.path === '/name') {
        if (step.value === '') throw rolesFail('The name must not be empty', `${step.at}/value`);
        next.name = step.value;
      } else next.description = step.value;
    } else if (step.op === 'replace') next.assignedScopes = [...new Set(list)];
    else if (step.op === 'add') next.assignedScopes = [...new Set([...next.assignedScopes, ...list])];
    else next.assignedScopes = next.assignedScopes.filter((s) => !list.includes(s));
  }
  next.lastUpdatedAt = ctx.app.clock.now();
  next.updatedBy = ctx.principal.user?.id ?? '';
  dir.store.tables.tx(() => {
    if (next.name !== role.role.name) {
      if (dir.named(next.name)) throw rolesFail(`A role named ${JSON.stringify(next.name)} already exists`, '/name');
      dir.renameHeld(role.role.name, next.name);
    }
    dir.store.update(next);
  });
  return emptyReply(204);
}

function deleteRole(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const dir = directory(ctx);
  const role = found(ctx);
  if (role.kind === 'default') throw rolesErrors.forbidden('Only roles of type custom can be deleted');
  dir.store.tables.tx(() => {
    const holders = dir.holdersOf(role.role.name);
    if (holders > 0)
      throw rolesErrors.inUse(
        `The role is assigned to ${holders} user${holders === 1 ? '' : 's'} or group${holders === 1 ? '' : 's'}; unassign it first`,
      );
    dir.store.delete(ctx.app.tenantId, role.role.id);
  });
  return emptyReply(204);
}

export const roleRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/roles', handler: listRoles },
  { method: 'POST', path: '/api/v1/roles', handler: createRole },
  { method: 'GET', path: '/api/v1/roles/:id', handler: getRole },
  { method: 'PATCH', path: '/api/v1/roles/:id', handler: patchRole },
  { method: 'DELETE', path: '/api/v1/roles/:id', handler: deleteRole },
];
