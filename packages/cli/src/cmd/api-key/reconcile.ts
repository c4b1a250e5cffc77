// How `api-key create` finds keys that an attempt with a lost answer created (see api/create-safely.ts):
// the caller's own active keys with the same description, subject and type, created since the first attempt.
import { CliError } from '../../cmdutil/errors.js';
import type { ApiRequest, HttpClient, RetryPolicy } from '../../http/client.js';
import type { Reconciler } from '../../api/create-safely.js';

interface KeyRecord {
  id: string;
  description?: string;
  sub?: string;
  subType?: string;
  status?: string;
  created?: string;
}

async function getJson(http: HttpClient, path: string, policy: RetryPolicy): Promise<{ body: unknown; date: string | undefined }> {
  const res = await http.send({ method: 'GET', path }, policy);
  if (res.status !== 200) throw new CliError(`GET ${path} answered ${res.status} ${res.statusText}`);
  try {
    return { body: JSON.parse(res.text) as unknown, date: res.headers.date };
  } catch {
    throw new CliError(`GET ${path} answered with a body that is not JSON`);
  }
}

export const apiKeyReconciler: Reconciler = {
  noun: 'API key',
  complete: (body) => typeof (body as { token?: unknown } | undefined)?.token === 'string' && typeof (body as { id?: unknown }).id === 'string',

  async find(http: HttpClient, req: ApiRequest, since: number, policy: RetryPolicy): Promise<string[]> {
    // Retries here cover transient failures of the check itself, whatever --retry says.
    const checkPolicy = { retry: Math.max(policy.retry, 3), intervalSeconds: policy.intervalSeconds };
    const me = (await getJson(http, '/api/v1/users/me', checkPolicy)).body as { id?: unknown };
    if (typeof me.id !== 'string') throw new CliError('GET /api/v1/users/me answered without an id');
    const wanted = req.body as { description?: unknown; sub?: unknown; subType?: unknown };
    const found: string[] = [];
    let path: string | undefined = `/api/v1/api-keys?createdByUser=${encodeURIComponent(me.id)}&sort=-created&limit=100`;
    while (path) {
      const { body, date } = await getJson(http, path, checkPolicy);
      // The server's clock decides what "since" means: shift by the offset seen in its Date header (1 s resolution).
      const offset = date ? Date.parse(date) - Date.now() : 0;
      const threshold = since + (Number.isNaN(offset) ? 0 : offset) - 2000;
      const page = body as { data?: KeyRecord[]; links?: { next?: { href?: string } } };
      const data = Array.isArray(page.data) ? page.data : [];
      for (const k of data) {
        const created = Date.parse(k.created ?? '');
        if (Number.isNaN(created) || created < threshold) continue;
        if (k.status !== 'active' || k.description !== wanted.description) continue;
        if ((k.subType ?? 'user') !== ((wanted.subType as string | undefined) ?? 'user')) continue;
        if (wanted.sub !== undefined && k.sub !== wanted.sub) continue;
        if (wanted.sub === undefined && k.sub !== me.id) continue;
        found.push(k.id);
      }
      const oldest = data.at(-1)?.created;
      path = oldest && Date.parse(oldest) >= threshold ? page.links?.next?.href : undefined;
    }
    return found;
  },

  async remove(http: HttpClient, id: string, policy: RetryPolicy): Promise<void> {
    const res = await http.send({ method: 'DELETE', path: `/api/v1/api-keys/${encodeURIComponent(id)}` }, { retry: Math.max(policy.retry, 3), intervalSeconds: policy.intervalSeconds });
    if (res.status !== 204 && res.status !== 404 && res.status !== 200) throw new CliError(`DELETE answered ${res.status} ${res.statusText}`);
  },
};
