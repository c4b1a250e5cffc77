// Route matching: a request's method and path against a route table (`:name` segments are parameters).
import type { Ctx, Route } from './context.js';
import { errors, type ApiError } from '../shared/errors.js';

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = got[i] ?? '';
    if (!part.startsWith(':')) {
      if (part !== segment) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** The route for a request; HEAD is answered by the GET route (Node's server then sends no body). */
export function matchRoute<C extends Ctx>(
  routes: Route<C>[],
  method: string,
  path: string,
): { route: Route<C>; params: Record<string, string> } | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  for (const route of routes) {
    if (route.method !== wanted) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

/**
 * What to answer when no route takes a request under /api/: 405 with an `Allow` header when the path is routed
 * for other methods (the methods of the most literal matching pattern: `/users/me` before `/users/:id`); 404 for
 * an unknown path of an emulated service (`/api/v1/users/x/y`); otherwise 501 in Qlik's error shape, naming the
 * operation that qlik-emulator does not emulate (#21).
 */
export function unrouted<C extends Ctx>(routes: Route<C>[], method: string, path: string): ApiError {
  const matching = routes.filter((r) => matchPath(r.path, path));
  if (matching.length > 0) {
    const params = (r: Route<C>): number => r.path.split('/').filter((p) => p.startsWith(':')).length;
    const fewest = Math.min(...matching.map(params));
    const allowed = [...new Set(matching.filter((r) => params(r) === fewest).map((r) => r.method))];
    if (allowed.includes('GET')) allowed.push('HEAD');
    return errors.methodNotAllowed(method, allowed);
  }
  const service = /^\/api\/v\d+\/[A-Za-z0-9._-]+(?=\/|$)/.exec(path)?.[0];
  if (service === undefined || routes.some((r) => r.path === service || r.path.startsWith(`${service}/`)))
    return errors.routeNotFound();
  // HEAD is answered as GET everywhere, so its 501 names GET (the same body, hence the same headers).
  return errors.notEmulated(method === 'HEAD' ? 'GET' : method, path);
}
