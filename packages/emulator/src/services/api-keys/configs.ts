// /api/v1/api-keys/configs/{tenantId}: read by any user of the tenant, changed by a TenantAdmin.
import { requireUser } from '../../http/auth.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { errors } from './errors.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import type { ApiKeysConfig } from '../../store/store.js';
import { keysStore } from './store.js';
import { parseConfigPatch } from './parse.js';

function tenantConfig(ctx: ApiCtx): ApiKeysConfig {
  requireUser(ctx.principal);
  const config =
    ctx.params['tenantId'] === ctx.app.tenantId ? keysStore(ctx.app.store).getConfig(ctx.app.tenantId) : undefined;
  if (!config) throw errors.configNotFound();
  return config;
}

function getConfig(ctx: ApiCtx): Reply {
  return jsonReply(200, tenantConfig(ctx));
}

async function patchConfig(ctx: ApiCtx): Promise<Reply> {
  tenantConfig(ctx);
  if (!ctx.principal.perms.admin) throw errors.configForbidden();
  const patch = parseConfigPatch(await ctx.readJson(errors.body), ctx.app.clock.now());
  keysStore(ctx.app.store).updateConfig(ctx.app.tenantId, patch);
  return emptyReply();
}

export const configRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/api-keys/configs/:tenantId', handler: getConfig },
  { method: 'PATCH', path: '/api/v1/api-keys/configs/:tenantId', handler: patchConfig },
];
