// The current tenant's id (GET /api/v1/tenants/me, which redirects to /api/v1/tenants/{id}).
import { CliError, HttpError } from '../errors/errors.js';
import type { HttpClient, RetryPolicy } from '../http/client.js';

export async function currentTenantId(http: HttpClient, policy: RetryPolicy): Promise<string> {
  const res = await http.send({ method: 'GET', path: '/api/v1/tenants/me' }, policy);
  if (res.status !== 200) throw HttpError.fromResponse(res);
  let id: unknown;
  try {
    id = (JSON.parse(res.text) as { id?: unknown }).id;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || id === '') throw new CliError('GET /api/v1/tenants/me did not return a tenant id');
  return id;
}
