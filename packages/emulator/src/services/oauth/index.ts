// The OAuth service (/oauth/token, /oauth/revoke, no bearer token) and its clients: what the router and other
// modules may use.
import type { Service } from '../../http/context.js';
import { oauthRoutes } from './routes.js';

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
