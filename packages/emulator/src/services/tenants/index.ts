// The tenants service (/api/v1/tenants): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { tenantRoutes } from './routes.js';

export const tenants: Service = { name: 'tenants', routes: tenantRoutes };
