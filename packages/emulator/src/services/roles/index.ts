// The roles service's surface for the rest of the emulator: its routes, the directory that App.roles is,
// and its store.
export { roleRoutes } from './routes.js';
export { RoleDirectory, MAX_CUSTOM_ROLES, type GroupRolesOf, type RoleHolders } from './directory.js';
export { RolesStore } from './store.js';
export { DEFAULT_ROLES, PERMISSION_MANAGE_API_KEYS, PERMISSION_ADMIN } from './defaults.js';
