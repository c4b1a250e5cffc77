// /api/v1/users/me (301 to the caller's user) and /api/v1/users/{id}.
import { describeRole, requireUser } from '../auth.js';
import { isoMs } from '../clock.js';
import type { ApiCtx, Route } from '../context.js';
import { errors } from '../errors.js';
import { jsonReply, redirectReply, type Reply } from '../http.js';
import { isObjectId } from '../ids.js';
import type { UserRecord } from '../store.js';

export function presentUser(user: UserRecord, baseUrl: string): Record<string, unknown> {
  return {
    id: user.id,
    tenantId: user.tenantId,
    name: user.name,
    email: user.email,
    subject: user.subject,
    status: user.status,
    assignedRoles: user.roles.map(describeRole),
    assignedGroups: [],
    assignedScopes: [],
    createdAt: isoMs(user.createdAt),
    lastUpdatedAt: isoMs(user.lastUpdatedAt),
    links: { self: { href: `${baseUrl}/api/v1/users/${user.id}` } },
  };
}

function me(ctx: ApiCtx): Reply {
  const user = requireUser(ctx.principal);
  return redirectReply(301, `${ctx.baseUrl}/api/v1/users/${user.id}`);
}

function getUser(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  const id = ctx.params['id'] ?? '';
  const user = isObjectId(id) ? ctx.app.store.getUser(ctx.app.tenantId, id) : undefined;
  if (!user) throw errors.userNotFound();
  return jsonReply(200, presentUser(user, ctx.baseUrl));
}

export const userRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/users/me', handler: me },
  { method: 'GET', path: '/api/v1/users/:id', handler: getUser },
];
