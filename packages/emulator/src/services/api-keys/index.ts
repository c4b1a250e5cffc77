// The api-keys service (/api/v1/api-keys and /api/v1/api-keys/configs): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { configRoutes } from './configs.js';
import { apiKeyRoutes } from './routes.js';

export const apiKeys: Service = { name: 'api-keys', routes: [...apiKeyRoutes, ...configRoutes] };

export { buildKey, expiryAfter, maxExpiryFor, presentKey } from './keys.js';
export { parseConfigObject } from './parse.js';
export { errors as apiKeyErrors } from './errors.js';
export { keyStatus, keysStore, type KeyStatus, type KeysStore, type LedgerRow } from './store.js';
