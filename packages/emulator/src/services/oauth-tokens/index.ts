// The oauth-tokens service (/api/v1/oauth-tokens): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { oauthTokenRoutes } from './routes.js';

export const oauthTokens: Service = { name: 'oauth-tokens', routes: oauthTokenRoutes };
