// The router table: every Qlik service the emulator serves, one line each, plus the control API.
// Adding a service: create `services/<name>/index.ts` exporting a `Service` (its routes), then add ONE line here.
// The order is the match order (the first route whose method and path match serves the request).
import type { RouterTable } from './http/server.js';
import { controlRoutes } from './control/routes.js';
import { apiKeys } from './services/api-keys/index.js';
import { groups } from './services/groups/index.js';
import { identityProviders } from './services/identity-providers/index.js';
import { oauthTokens } from './services/oauth-tokens/index.js';
import { oauth } from './services/oauth/index.js';
import { roles } from './services/roles/index.js';
import { scim } from './services/scim/index.js';
import { tenants } from './services/tenants/index.js';
import { users } from './services/users/index.js';

export const ROUTER_TABLE: RouterTable = {
  services: [
    apiKeys, //      /api/v1/api-keys, /api/v1/api-keys/configs
    users, //        /api/v1/users
    roles, //        /api/v1/roles
    tenants, //      /api/v1/tenants
    oauthTokens, //  /api/v1/oauth-tokens
    oauth, //        /oauth/token, /oauth/revoke (no bearer token)
    identityProviders, // /api/v1/identity-providers
    groups, //       /api/v1/groups
    scim, //             /api/v1/scim/v2 (authenticates itself: SCIM keys only, SCIM error shape)
  ],
  control: controlRoutes,
};
