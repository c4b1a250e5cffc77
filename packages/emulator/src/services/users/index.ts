// The users service (/api/v1/users): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { userRoutes } from './routes.js';
import { userWriteRoutes } from './write-routes.js';

// The write routes first: GET /users/metadata must win over GET /users/:id.
export const users: Service = { name: 'users', routes: [...userWriteRoutes, ...userRoutes] };
/** The users' SQL other services and the host use (listing, role holders, SCIM's updates and reset): see store.ts. */
export { usersStore, type UserProfile, type UsersStore } from './store.js';
