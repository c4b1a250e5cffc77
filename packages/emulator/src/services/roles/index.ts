// The roles service (/api/v1/roles): what the router and other modules may use: its Service, the directory that App.roles is,
// and its store.
import type { Service } from '../../http/context.js';
import { roleRoutes } from './routes.js';

export const roles: Service = { name: 'roles', routes: roleRoutes };
export { presentRole } from './present.js';
export { RoleDirectory, MAX_CUSTOM_ROLES, type GroupRolesOf, type RoleHolders } from './directory.js';
export { RolesStore } from './store.js';
export { DEFAULT_ROLES, PERMISSION_MANAGE_API_KEYS, PERMISSION_ADMIN } from './defaults.js';
