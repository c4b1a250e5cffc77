// The OAuth service (/oauth/token, /oauth/revoke, no bearer token) and its clients: what the router and other
// modules may use.
import type { Service } from '../../http/context.js';
import type { Store } from '../../store/store.js';
import { oauthRoutes } from './routes.js';
import { oauthStore } from './store.js';

export const oauth: Service = { name: 'oauth', routes: [], openRoutes: oauthRoutes };

export {
  addOAuthClient,
  CLIENT_CREDENTIALS,
  newOAuthClient,
  oauthClientInfos,
  parseOAuthClient,
  presentClient,
  presentTokenForControl,
  tokenState,
  type OAuthClientInput,
  type OAuthClientView,
  type OAuthTokenView,
} from './clients.js';
export { oauthStore, type OAuthClientRecord, type OAuthTokenMatch } from './store.js';

/** Revokes a user's live tokens (the users service deletes a user); returns how many. */
export function revokeOAuthTokensOf(store: Store, tenantId: string, userId: string, now: number): number {
  return oauthStore(store).revokeTokens(tenantId, { userId }, now);
}
