// The tenants service (/api/v1/tenants): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { tenantRoutes } from './routes.js';

export const tenants: Service = { name: 'tenants', routes: tenantRoutes };
/** The tenant record (its creation time dates default roles and groups), and its insert for the seed. */
export { getTenant, insertTenant, type TenantRecord } from './store.js';
