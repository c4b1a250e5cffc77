// What only `api-key rotate` needs about keys (loaded only when it runs): a key's claims from its token, reading one
// key and changing its description, its lifetime, and the journal's file name for a context.
import { HttpError } from '../../../errors/errors.js';
import type { HttpClient, RetryPolicy } from '../../../http/client.js';
import { listAllPages, readPolicy, type ApiKey } from '../shared/keys.js';

/** What a token says about itself (its payload, not verified: the server decides). */
export interface TokenClaims {
  jti: string;
  tenantId: string | undefined;
  sub: string | undefined;
  subType: string | undefined;
}

/** The claims of an API key's token (a JWT); undefined when it is not one. */
export function tokenClaims(token: string): TokenClaims | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const p = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof p.jti !== 'string' || p.jti === '') return undefined;
    const s = (k: string) => (typeof p[k] === 'string' ? p[k] : undefined);
    return { jti: p.jti, tenantId: s('tenantId'), sub: s('sub'), subType: s('subType') };
  } catch {
    return undefined;
  }
}

/** The token of a `Bearer` Authorization header value. */
export function bearerToken(value: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return m?.[1];
}

/** The active keys whose subject is `sub` (the quota counts these). */
export function activeKeysOf(http: HttpClient, sub: string, policy: RetryPolicy): Promise<ApiKey[]> {
  return listAllPages<ApiKey>(http, `/api/v1/api-keys?sub=${encodeURIComponent(sub)}&status=active&limit=100`, policy);
}

export async function getKey(http: HttpClient, id: string, policy: RetryPolicy): Promise<ApiKey | undefined> {
  const res = await http.send(
    { method: 'GET', path: `/api/v1/api-keys/${encodeURIComponent(id)}` },
    readPolicy(policy),
  );
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw HttpError.fromResponse(res);
  return JSON.parse(res.text) as ApiKey;
}

export async function setDescription(
  http: HttpClient,
  id: string,
  description: string,
  policy: RetryPolicy,
): Promise<void> {
  const res = await http.send(
    {
      method: 'PATCH',
      path: `/api/v1/api-keys/${encodeURIComponent(id)}`,
      body: [{ op: 'replace', path: '/description', value: description }],
    },
    policy,
    { idempotent: true },
  );
  if (res.status >= 300) throw HttpError.fromResponse(res);
}

/** A key's lifetime (expiry − created) as an ISO 8601 duration, or undefined when it has none. */
export function lifetimeOf(key: ApiKey): string | undefined {
  const created = Date.parse(key.created ?? '');
  const expiry = Date.parse(key.expiry ?? '');
  if (Number.isNaN(created) || Number.isNaN(expiry) || expiry <= created) return undefined;
  const s = Math.round((expiry - created) / 1000);
  if (s % 86400 === 0) return `P${s / 86400}D`;
  if (s % 3600 === 0) return `PT${s / 3600}H`;
  if (s % 60 === 0) return `PT${s / 60}M`;
  return `PT${s}S`;
}

/** A file name for a context name (any characters). */
export function fileNameFor(name: string): string {
  return `${encodeURIComponent(name).replace(/\./g, '%2E')}.json`;
}
