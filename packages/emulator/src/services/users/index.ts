// The users service (/api/v1/users): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { userRoutes } from './routes.js';
import { userWriteRoutes } from './write-routes.js';

// The write routes first: GET /users/metadata must win over GET /users/:id.
export const users: Service = { name: 'users', routes: [...userWriteRoutes, ...userRoutes] };
/** The users' SQL other services and the host use (role holders, offboarding): see write-store.ts. */
export { usersWriteStore, type UserProfile } from './write-store.js';
