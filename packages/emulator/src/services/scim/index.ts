// The SCIM 2.0 service at /api/v1/scim/v2 (Qlik publishes neither its path nor its behaviour: both are the
// emulator's assumptions, see the README). It authenticates on its own, so that every refusal has SCIM's
// error shape: only an API key of subType externalClient whose sub names an active IdP of the tenant is
// accepted (a revoked or expired key, or an IdP deleted or deactivated since: 401; a user's key or an OAuth
// token: 403). The key and the IdP are read on every request, so a revocation stops the very next one.
import { authenticate } from '../../http/auth.js';
import type { App, Ctx, Service } from '../../http/context.js';
import { errors } from '../../shared/errors.js';
import type { Reply } from '../../http/reply.js';
import type { Store } from '../../store/store.js';
import { findIdentityProvider, idpOfScimSubject } from '../identity-providers/index.js';
import { usersStore } from '../users/index.js';
import { SCIM_BASE, type ScimCtx } from './context.js';
import { resourceTypes, schemaResources, serviceProviderConfig, listResponse } from './discovery.js';
import { scimErrorReply, scimErrors, scimReply } from './errors.js';
import { scimStore } from './store.js';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './groups.js';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './users.js';

export { SCIM_BASE };

type Handler = (ctx: ScimCtx) => Reply | Promise<Reply>;

/** The handler for a method and the path below the base; `params.id` is set for `/Users/{id}` and the like. */
function route(method: string, rest: string[]): { handler: Handler; id?: string } | undefined {
  const [resource, id, ...extra] = rest;
  if (extra.length > 0 || resource === undefined) return undefined;
  const wanted = method === 'HEAD' ? 'GET' : method;
  const table: Record<string, Record<string, Handler>> = {
    Users: { GET: listUsers, POST: createUser },
    'Users/:id': { GET: getUser, PUT: replaceUser, PATCH: patchUser, DELETE: deleteUser },
    Groups: { GET: listGroups, POST: createGroup },
    'Groups/:id': { GET: getGroup, PUT: replaceGroup, PATCH: patchGroup, DELETE: deleteGroup },
    ServiceProviderConfig: { GET: (c) => scimReply(200, serviceProviderConfig(c.base)) },
    ResourceTypes: {
      GET: (c) => {
        const all = resourceTypes(c.base);
        return scimReply(200, listResponse(all, all.length, 1));
      },
    },
    'ResourceTypes/:id': { GET: (c) => one(resourceTypes(c.base), c.params['id'] ?? '', 'ResourceType') },
    Schemas: {
      GET: (c) => {
        const all = schemaResources(c.base);
        return scimReply(200, listResponse(all, all.length, 1));
      },
    },
    'Schemas/:id': { GET: (c) => one(schemaResources(c.base), c.params['id'] ?? '', 'Schema') },
  };
  const handler = table[id === undefined ? resource : `${resource}/:id`]?.[wanted];
  if (!handler) return undefined;
  return id === undefined ? { handler } : { handler, id };
}

function one(list: Record<string, unknown>[], id: string, what: string): Reply {
  const found = list.find((r) => r['id'] === id);
  if (!found) throw scimErrors.notFound(`${what} ${id} not found`);
  return scimReply(200, found);
}

function tierOf(method: string): 1 | 2 {
  return method === 'GET' || method === 'HEAD' ? 1 : 2;
}

async function execute(app: App, ctx: Ctx, authorization: string | undefined): Promise<Reply> {
  const principal = await authenticate(authorization, app);
  if (principal.subType !== 'externalClient')
    throw scimErrors.forbidden("SCIM requests need an API key of subType externalClient (a SCIM key), not a user's");
  const idpId = idpOfScimSubject(principal.sub) ?? '';
  const idp = findIdentityProvider(app.store, app.tenantId, idpId);
  if (!idp) throw scimErrors.unauthorized(`The identity provider ${idpId} of this key no longer exists`);
  if (!idp.active) throw scimErrors.unauthorized(`The identity provider ${idpId} of this key is not active`);
  const wait = app.rateLimiter.hit(`${principal.tenantId}:${principal.sub}`, tierOf(ctx.method), app.clock.now());
  if (wait !== undefined) throw errors.rateLimited(wait);
  const rest = ctx.url.pathname
    .slice(SCIM_BASE.length)
    .split('/')
    .filter((s) => s !== '');
  const match = route(ctx.method, rest.map(decodeSegment));
  if (!match) throw scimErrors.notFound(`No SCIM endpoint ${ctx.method} ${ctx.url.pathname}`);
  const params = match.id === undefined ? {} : { id: match.id };
  return match.handler({ ...ctx, params, principal, idpId, base: `${ctx.baseUrl}${SCIM_BASE}` });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Everything under /api/v1/scim/v2: authentication, rate limit, routing, and errors in SCIM's shape. */
async function serveScim(app: App, ctx: Ctx, authorization: string | undefined): Promise<Reply> {
  try {
    return await execute(app, ctx, authorization);
  } catch (e) {
    const reply = scimErrorReply(e);
    if (reply) return reply;
    throw e;
  }
}

/** Back to the seed (POST /__emulator/reset): the users provisioned over SCIM go, with their keys. */
export function resetScim(store: Store, tenantId: string): void {
  const scim = scimStore(store);
  usersStore(store).purge(tenantId, scim.userIds(tenantId));
  scim.deleteAll(tenantId);
}

/** The service for the router table: every request under the base goes to serveScim. */
export const scim: Service = { name: 'scim', routes: [], mount: { prefix: SCIM_BASE, serve: serveScim } };
