// /api/v1/identity-providers: list (active, limit, next/prev), create, get, patch (replace and
// promote-options), delete, /status, /me/meta and /.well-known/metadata.json. Everything but me/meta and
// the well-known metadata needs the TenantAdmin role (identity-providers.yml says so for get, create,
// patch, delete and status; the emulator asks the same for the list, which can show client secrets).
import { requireUser } from '../../http/auth.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import { newObjectId } from '../../shared/ids.js';
import { idpErrors } from './errors.js';
import { listPage } from '../../shared/list-query.js';
import {
  CURSOR_TAG,
  parseCreateIdp,
  parseIdpListQuery,
  parseIdpPatch,
  PROVIDERS,
  type CreateIdpInput,
} from './parse.js';
import { pendingOptionsHash, poptsHeaders, presentIdp } from './present.js';
import { idpStore, type IdpRecord } from './store.js';

const BASE = '/api/v1/identity-providers';

function requireAdmin(ctx: ApiCtx): void {
  requireUser(ctx.principal);
  if (!ctx.principal.perms.admin) throw idpErrors.forbidden();
}

function findIdp(ctx: ApiCtx): IdpRecord {
  const idp = idpStore(ctx.app.store).get(ctx.app.tenantId, ctx.params['id'] ?? '');
  if (!idp) throw idpErrors.notFound();
  return idp;
}

function listIdps(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const q = parseIdpListQuery(ctx.url.searchParams, ctx.app.options.strict);
  const all = idpStore(ctx.app.store)
    .list(ctx.app.tenantId)
    .filter((idp) => q.active === undefined || idp.active === q.active);
  const params: [string, string][] = [];
  if (q.active !== undefined) params.push(['active', String(q.active)]);
  if (ctx.url.searchParams.has('limit')) params.push(['limit', String(q.limit)]);
  const { items, links } = listPage(
    all,
    (idp) => idp.id,
    q,
    (direction) => idpErrors.badQuery(`"${direction}" does not reference an existing IdP`, direction),
    { href: `${ctx.baseUrl}${BASE}`, params, query: ctx.url.searchParams, tag: CURSOR_TAG },
  );
  return jsonReply(200, { data: items.map(presentIdp), links });
}

/** A new IdP record from a create body (or a seed entry). Interactive IdPs start inactive; others active. */
export function newIdpRecord(tenantId: string, input: CreateIdpInput, now: number, id?: string): IdpRecord {
  const record: IdpRecord = {
    id: id ?? newObjectId(now),
    tenantId,
    protocol: input.protocol,
    provider: input.provider,
    interactive: input.interactive,
    active: !input.interactive,
    clockToleranceSec: input.clockToleranceSec,
    created: now,
    lastUpdated: now,
  };
  if (input.description !== undefined) record.description = input.description;
  if (input.createNewUsersOnLogin !== undefined) record.createNewUsersOnLogin = input.createNewUsersOnLogin;
  if (input.postLogoutRedirectUri !== undefined) record.postLogoutRedirectUri = input.postLogoutRedirectUri;
  if (input.options !== undefined) record.options = input.options;
  if (input.pendingOptions !== undefined) {
    record.pendingOptions = input.pendingOptions;
    record.pendingState = 'pending';
  }
  return record;
}

async function createIdp(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const input = parseCreateIdp(await ctx.readJson(idpErrors.body));
  if (input.tenantIds !== undefined && !input.tenantIds.includes(ctx.app.tenantId))
    throw idpErrors.forbidden('The tenant of the caller is not among "tenantIds"');
  const record = newIdpRecord(ctx.app.tenantId, input, ctx.app.clock.now());
  idpStore(ctx.app.store).insert(record);
  return jsonReply(201, presentIdp(record), poptsHeaders(record));
}

function getIdp(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const idp = findIdp(ctx);
  return jsonReply(200, presentIdp(idp), poptsHeaders(idp));
}

/** Sets `value` at a one- or two-segment path of the record (the paths parseIdpPatch allows). */
function applyReplace(idp: IdpRecord, path: string, value: unknown): void {
  const [top = '', sub] = path.slice(1).split('/');
  const target = idp as unknown as Record<string, unknown>;
  if (sub === undefined) {
    target[top] = value;
  } else {
    const current = target[top];
    target[top] = { ...(typeof current === 'object' && current !== null ? current : {}), [sub]: value };
  }
  if (top === 'pendingOptions') idp.pendingState = 'pending';
}

async function patchIdp(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const store = idpStore(ctx.app.store);
  const idp = findIdp(ctx);
  const ops = parseIdpPatch(await ctx.readJson(idpErrors.body), idp.protocol);
  const next: IdpRecord = structuredClone(idp);
  for (const [i, op] of ops.entries()) {
    if (op.op === 'promote-options') {
      const hash = pendingOptionsHash(next);
      if (hash === undefined) throw idpErrors.badState('The IdP has no pendingOptions to promote', `/${i}/op`);
      const given = ctx.headers['qlik-idp-popts-match'];
      if (given === undefined) throw idpErrors.precondition('The QLIK-IDP-POPTS-MATCH header is required');
      if (given !== hash)
        throw idpErrors.precondition(
          'QLIK-IDP-POPTS-MATCH does not match the configuration being tested (QLIK-IDP-POPTS)',
        );
      if (next.pendingOptions) next.options = next.pendingOptions;
      delete next.pendingOptions;
      next.pendingState = 'verified';
      continue;
    }
    applyReplace(next, op.path, op.value);
  }
  if (next.active && !idp.active && next.interactive) {
    if (next.options === undefined)
      throw idpErrors.badState('An interactive IdP needs promoted options before it can be activated', '/active');
    const other = store.list(ctx.app.tenantId).find((o) => o.id !== idp.id && o.active && o.interactive);
    if (other) throw idpErrors.badState(`Only one interactive IdP can be active: ${other.id} is`, '/active');
  }
  next.lastUpdated = ctx.app.clock.now();
  store.update(next);
  return emptyReply();
}

function deleteIdp(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const idp = findIdp(ctx);
  if (idp.active && idp.interactive) throw idpErrors.badState("The interactive IdP for the tenant can't be deleted.");
  idpStore(ctx.app.store).delete(ctx.app.tenantId, idp.id);
  return emptyReply();
}

function status(ctx: ApiCtx): Reply {
  requireAdmin(ctx);
  const all = idpStore(ctx.app.store).list(ctx.app.tenantId);
  return jsonReply(200, {
    idps_metadata: all.map((idp) => ({ active: idp.active, provider: idp.provider, interactive: idp.interactive })),
    active_interactive_idps_count: all.filter((idp) => idp.active && idp.interactive).length,
  });
}

/** The links are only given while Qlik's own login (no active interactive IdP of the tenant's) is in use. */
function meMeta(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  const custom = idpStore(ctx.app.store)
    .list(ctx.app.tenantId)
    .some((idp) => idp.active && idp.interactive);
  if (custom) return jsonReply(200, {});
  return jsonReply(200, {
    userPortalLink: 'https://account.qlik.com/account',
    upgradeSubscriptionLink: 'https://www.qlik.com/us/pricing',
  });
}

/** Qlik documents no shape for it: the emulator lists the protocols and providers it accepts. */
function wellKnown(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  return jsonReply(200, {
    protocols: Object.keys(PROVIDERS),
    providers: PROVIDERS,
    patchOperations: ['replace', 'promote-options'],
  });
}

export const idpRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: BASE, handler: listIdps },
  { method: 'POST', path: BASE, handler: createIdp },
  { method: 'GET', path: `${BASE}/.well-known/metadata.json`, handler: wellKnown },
  { method: 'GET', path: `${BASE}/me/meta`, handler: meMeta },
  { method: 'GET', path: `${BASE}/status`, handler: status },
  { method: 'GET', path: `${BASE}/:id`, handler: getIdp },
  { method: 'PATCH', path: `${BASE}/:id`, handler: patchIdp },
  { method: 'DELETE', path: `${BASE}/:id`, handler: deleteIdp },
];
