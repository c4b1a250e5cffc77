// How `api-key create` recognises, untags and removes the keys its own attempts made (see api/create-safely.ts).
import { SWEEP_WINDOW_MS, tagSuffix, type CreateAttribution } from '../../../api/create-safely.js';
import { CliError, HttpError } from '../../../errors/errors.js';
import type { HttpClient, RetryPolicy } from '../../../http/client.js';

interface KeyRecord {
  id: string;
  description?: string;
  sub?: string;
  subType?: string;
  status?: string;
  created?: string;
}

async function getJson(
  http: HttpClient,
  path: string,
  policy: RetryPolicy,
): Promise<{ body: unknown; date: string | undefined }> {
  const got = await getJsonOr404(http, path, policy);
  if (got === undefined) throw new CliError(`GET ${path.replace(/^https?:\/\/[^/]+/, '')} answered 404 Not Found`);
  return got;
}

/** GET `path` as JSON; undefined for a 404, one line for any other non-200 or a body that is not JSON. */
async function getJsonOr404(
  http: HttpClient,
  path: string,
  policy: RetryPolicy,
): Promise<{ body: unknown; date: string | undefined } | undefined> {
  const res = await http.send({ method: 'GET', path }, policy);
  if (res.status === 404) return undefined;
  if (res.status !== 200)
    throw new CliError(`GET ${path.replace(/^https?:\/\/[^/]+/, '')} answered ${res.status} ${res.statusText}`);
  try {
    return { body: JSON.parse(res.text) as unknown, date: res.headers.date };
  } catch {
    throw new CliError(`GET ${path} answered with a body that is not JSON`);
  }
}

/** Checks retry transient failures of the check itself, whatever --retry says. */
function checkPolicy(policy: RetryPolicy): RetryPolicy {
  return { retry: Math.max(policy.retry, 3), intervalSeconds: policy.intervalSeconds };
}

/**
 * The caller's keys created since `since` (client clock), newest first, passed to `visit` page by page. The window
 * starts `window` ms before the earlier of `since` and its equivalent on the server's clock (the Date header's
 * offset): the API's `created` and the front end's Date may disagree by minutes.
 */
async function recentKeys(
  http: HttpClient,
  since: number,
  window: number,
  policy: RetryPolicy,
  visit: (k: KeyRecord, me: string) => void,
): Promise<void> {
  const p = checkPolicy(policy);
  const me = (await getJson(http, '/api/v1/users/me', p)).body as { id?: unknown };
  if (typeof me.id !== 'string') throw new CliError('GET /api/v1/users/me answered without an id');
  let path: string | undefined = `/api/v1/api-keys?createdByUser=${encodeURIComponent(me.id)}&sort=-created&limit=100`;
  while (path) {
    const { body, date }: { body: unknown; date: string | undefined } = await getJson(http, path, p);
    const offset = date ? Date.parse(date) - Date.now() : 0;
    const threshold = Math.min(since, since + (Number.isNaN(offset) ? 0 : offset)) - window;
    const page = body as { data?: KeyRecord[]; links?: { next?: { href?: string } } };
    const data = Array.isArray(page.data) ? page.data : [];
    for (const k of data) {
      const created = Date.parse(k.created ?? '');
      if (!Number.isNaN(created) && created >= threshold) visit(k, me.id);
    }
    const oldest = data.at(-1)?.created;
    path = oldest && Date.parse(oldest) >= threshold ? page.links?.next?.href : undefined;
  }
}

function description(body: Record<string, unknown>): string {
  return typeof body.description === 'string' ? body.description : '';
}

export const apiKeyAttribution: CreateAttribution = {
  noun: 'API key',
  listCommand: 'qlik api-key ls',
  removeCommand: 'qlik api-key rm',
  complete: (body) =>
    typeof (body as { token?: unknown } | undefined)?.token === 'string' &&
    typeof (body as { id?: unknown }).id === 'string',

  tag: (body, tag) => ({ ...body, description: `${description(body)}${tagSuffix(tag)}` }),

  taggedDescription: (body, tag) => `${description(body)}${tagSuffix(tag)}`,

  async inspect(http, id, policy) {
    const got = await getJsonOr404(http, `/api/v1/api-keys/${encodeURIComponent(id)}`, checkPolicy(policy));
    if (got === undefined) return undefined;
    const k = got.body as KeyRecord | null;
    return {
      description: typeof k?.description === 'string' ? k.description : undefined,
      active: k?.status === 'active' && k.id === id,
    };
  },

  async untag(http, id, body, policy) {
    const res = await http.send(
      {
        method: 'PATCH',
        path: `/api/v1/api-keys/${encodeURIComponent(id)}`,
        body: [{ op: 'replace', path: '/description', value: description(body) }],
      },
      checkPolicy(policy),
      { idempotent: true },
    );
    if (res.status >= 300) throw HttpError.fromResponse(res);
  },

  async findTagged(http, body, tags, since, policy) {
    const wanted = new Map(tags.map((t) => [`${description(body)}${tagSuffix(t)}`, t]));
    const found: { id: string; tag: string }[] = [];
    await recentKeys(http, since, SWEEP_WINDOW_MS, policy, (k) => {
      const tag = k.description === undefined ? undefined : wanted.get(k.description);
      if (tag !== undefined && k.status === 'active') found.push({ id: k.id, tag });
    });
    return found;
  },

  async findCandidates(http, body, since, policy) {
    const found: string[] = [];
    await recentKeys(http, since, 2000, policy, (k, me) => {
      if (k.status !== 'active' || k.description !== body.description) return;
      if ((k.subType ?? 'user') !== ((body.subType as string | undefined) ?? 'user')) return;
      if (body.sub !== undefined ? k.sub !== body.sub : k.sub !== me) return;
      found.push(k.id);
    });
    return found;
  },

  async remove(http, id, policy) {
    const res = await http.send(
      { method: 'DELETE', path: `/api/v1/api-keys/${encodeURIComponent(id)}` },
      checkPolicy(policy),
    );
    if (res.status !== 204 && res.status !== 404 && res.status !== 200)
      throw new CliError(`DELETE answered ${res.status} ${res.statusText}`);
  },

  present(text, body, tagged) {
    // Replace the tagged description's JSON literal, so that the rest of the server's bytes stay as they were; a
    // server that escapes differently gets its JSON rewritten instead.
    const literal = JSON.stringify(description(tagged));
    if (text.includes(literal)) return text.split(literal).join(JSON.stringify(description(body)));
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify({ ...parsed, description: description(body) });
  },
};
