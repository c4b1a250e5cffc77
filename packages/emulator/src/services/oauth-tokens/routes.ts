// /api/v1/oauth-tokens: the active OAuth tokens a user may see (a TenantAdmin: everyone's), paged
// with `page`, and revocation by id (204; another user's token needs TenantAdmin).
import { requireUser } from '../../http/auth.js';
import { isoMs } from '../../shared/clock.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { errors } from './errors.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import { oauthStore, tokenState } from '../oauth/index.js';
import type { OAuthTokenRecord } from '../../store/store.js';
import { parseLimit, refuseUnknownParams } from '../../shared/list-query.js';
import { wholeNumber, type Fail } from '../../shared/validate.js';

const PARAMS = ['limit', 'page', 'sort', 'userId'];
/** This service's 400s do not name the parameter. */
const queryFail: Fail = (detail) => errors.oauthBadQuery(detail);

function parsePage(raw: string): number {
  const value = wholeNumber(raw);
  if (!(value >= 1 && value <= 1_000_000)) throw queryFail('"page" must be an integer between 1 and 1000000', 'page');
  return value;
}

function present(t: OAuthTokenRecord): Record<string, unknown> {
  return {
    id: t.id,
    userId: t.userId,
    tenantId: t.tenantId,
    ...(t.lastUsed === null ? {} : { lastUsed: isoMs(t.lastUsed) }),
  };
}

function listTokens(ctx: ApiCtx): Reply {
  const me = requireUser(ctx.principal);
  const query = ctx.url.searchParams;
  if (ctx.app.options.strict) refuseUnknownParams(query, PARAMS, queryFail);
  const limit = parseLimit(query.get('limit') ?? '20', queryFail);
  const page = parsePage(query.get('page') ?? '1');
  const sort = query.get('sort');
  if (sort !== null && sort !== 'userId') throw errors.oauthBadQuery('"sort" must be userId');
  const userId = query.get('userId') ?? undefined;
  const now = ctx.app.clock.now();
  const admin = ctx.principal.perms.admin;
  // Non-admins see their own tokens only: another user's id simply matches nothing.
  let tokens = oauthStore(ctx.app.store)
    .listTokens(ctx.app.tenantId)
    .filter((t) => tokenState(t, now) === 'active' && (admin || t.userId === me.id))
    .filter((t) => userId === undefined || t.userId === userId);
  if (sort === 'userId') tokens = [...tokens].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const slice = tokens.slice((page - 1) * limit, page * limit);
  const href = (p: number): { href: string } => {
    const params = new URLSearchParams({ limit: String(limit), page: String(p) });
    if (sort !== null) params.set('sort', sort);
    if (userId !== undefined) params.set('userId', userId);
    return { href: `${ctx.baseUrl}/api/v1/oauth-tokens?${params.toString()}` };
  };
  const links: Record<string, { href: string }> = { self: href(page) };
  if (page * limit < tokens.length) links['next'] = href(page + 1);
  if (page > 1) links['prev'] = href(page - 1);
  return jsonReply(200, { data: slice.map(present), links });
}

function deleteToken(ctx: ApiCtx): Reply {
  const me = requireUser(ctx.principal);
  const { store, tenantId, clock } = ctx.app;
  const now = clock.now();
  const token = store.getOAuthToken(tenantId, ctx.params['id'] ?? '');
  if (!token || tokenState(token, now) !== 'active') throw errors.oauthTokenNotFound();
  if (token.userId !== me.id && !ctx.principal.perms.admin) throw errors.oauthTokenForbidden();
  oauthStore(store).revokeTokens(tenantId, { id: token.id }, now);
  return emptyReply();
}

export const oauthTokenRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/oauth-tokens', handler: listTokens },
  { method: 'DELETE', path: '/api/v1/oauth-tokens/:id', handler: deleteToken },
];
