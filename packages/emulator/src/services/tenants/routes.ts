// /api/v1/tenants/me (302 to the caller's tenant) and /api/v1/tenants/{id}.
import { isoMs } from '../../shared/clock.js';
import { requireUser } from '../../http/auth.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { errors } from './errors.js';
import { getTenant } from './store.js';
import { jsonReply, redirectReply, type Reply } from '../../http/reply.js';

function me(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  return redirectReply(302, `${ctx.baseUrl}/api/v1/tenants/${ctx.principal.tenantId}`);
}

function tenantById(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  const tenant = getTenant(ctx.app.store);
  if (!tenant || ctx.params['id'] !== tenant.id || ctx.principal.tenantId !== tenant.id) throw errors.tenantNotFound();
  const hostname = new URL(ctx.baseUrl).hostname;
  return jsonReply(200, {
    id: tenant.id,
    name: tenant.name,
    hostnames: [hostname],
    region: 'local',
    datacenter: 'local',
    status: 'active',
    created: isoMs(tenant.created),
    lastUpdated: isoMs(tenant.lastUpdated),
    statusLastUpdatedAt: isoMs(tenant.created),
    ...(tenant.createdByUser === null ? {} : { createdByUser: tenant.createdByUser }),
    enableAnalyticCreation: false,
    enableAppOpeningFeedback: false,
    autoAssignCreateSharedSpacesRoleToProfessionals: true,
    autoAssignDataServicesContributorRoleToProfessionals: true,
    autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals: true,
    links: { self: { href: `${ctx.baseUrl}/api/v1/tenants/${tenant.id}` } },
  });
}

export const tenantRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/tenants/me', handler: me },
  { method: 'GET', path: '/api/v1/tenants/:id', handler: tenantById },
];
