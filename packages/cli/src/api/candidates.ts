// Completion candidates that come from the tenant: ids with what a person recognises them by. Each is one GET of
// the first page (100 items) through the completion's CompletionApi, which keeps to the time budget and answers
// undefined when offline or unauthenticated: then nothing is offered.
import type { CompletionCandidate, DynamicCompletion } from '../cmdutil/flags.js';

function items(body: unknown): Record<string, unknown>[] {
  const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  return Array.isArray(data) ? data.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function candidates(
  list: Record<string, unknown>[],
  describe: (item: Record<string, unknown>) => string,
): CompletionCandidate[] {
  return list
    .filter((item) => typeof item.id === 'string' && item.id !== '')
    .map((item) => {
      const description = describe(item).trim();
      return { value: item.id as string, ...(description !== '' ? { description } : {}) };
    });
}

/** API key ids, described by their description (and status when not active). */
export const apiKeyIds: DynamicCompletion = async ({ api }) =>
  candidates(
    items(await api.getJson('/api/v1/api-keys', { limit: 100 })),
    (k) => `${text(k.description)}${k.status !== undefined && k.status !== 'active' ? ` (${text(k.status)})` : ''}`,
  );

/** User ids, described by name and email. */
const userIds: DynamicCompletion = async ({ api }) =>
  candidates(
    items(await api.getJson('/api/v1/users', { limit: 100 })),
    (u) => `${text(u.name)}${text(u.email) !== '' ? ` <${text(u.email)}>` : ''}`,
  );

/**
 * The subject of a key (`--sub`): user ids, unless `--subType externalClient` was given (SCIM keys, whose subject is
 * `SCIM\<IdP id>`: identity providers are not offered here, so nothing is).
 */
export const subjectIds: DynamicCompletion = async (req) =>
  req.flags.get('subType') === 'externalClient' ? [] : userIds(req);
