// The users service (/api/v1/users): what the router and other modules may use.
import type { Service } from '../../http/context.js';
import { userRoutes } from './routes.js';

export const users: Service = { name: 'users', routes: userRoutes };
