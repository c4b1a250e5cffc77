// Route matching: a request's method and path against a route table (`:name` segments are parameters).
import type { Ctx, Route } from './context.js';


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
