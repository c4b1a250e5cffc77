// The in-memory log of requests to /api/ and /resources/ (GET /__emulator/requests): a ring buffer
// of the last 10 000 entries (adding one is O(1); the oldest is dropped once full).
// Credentials are never kept: the values of secret headers (isSecretName) are replaced by **omitted**, and so is the
// value of every query parameter but the ones the emulated APIs document (limit, sort, filter…), since a client may
// put anything in a query string.
import Denque from 'denque';
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** 0 when the connection was reset before a response head was written. */
  status: number;
  faultId?: string;
  ms: number;
  headers: Record<string, string>;
  /** Whether the request carried an Authorization header. */
  authorization: boolean;
}

const SECRET_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-qlik-session',
  'x-api-key',
]);
const SECRET_PARTS = /session|password|credential|secret|token|api-key|apikey|api_key|auth/;
const OMITTED = '**omitted**';
const MAX_ENTRIES = 10_000;

/**
 * Whether a header or query parameter holds a secret, by its name (case-insensitive): Authorization,
 * Proxy-Authorization, Cookie, Set-Cookie, X-Qlik-Session, X-Api-Key, and any name containing session,
 * password, credential, secret, token, api-key, apikey, api_key or auth.
 */
function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_NAMES.has(lower) || SECRET_PARTS.test(lower);
}

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  // No prototype: a header or parameter named __proto__ is an ordinary entry.
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isSecretName(name) ? OMITTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The query parameters of the emulated API operations (api-keys.yml, users.yml with its deprecated parameters,
 * api-keys-configurations.yml, tenants.yml, the oauth-tokens list): only their values are kept in the log.
 */
const DOCUMENTED_QUERY = new Set([
  'createdByUser',
  'email',
  'endingBefore',
  'fields',
  'filter',
  'limit',
  'next',
  'page',
  'prev',
  'role',
  'sort',
  'sortBy',
  'sortOrder',
  'startingAfter',
  'status',
  'sub',
  'subject',
  'tenantId',
  'totalResults',
  'userId',
]);

/**
 * The query as an object (a repeated name gives an array); only values of documented, non-secret names are kept, and
 * none at all with `keepValues: false` (OAuth requests: a client might put a secret anywhere in them).
 */
export function queryObject(params: URLSearchParams, keepValues = true): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [name, raw] of params) {
    const value = keepValues && DOCUMENTED_QUERY.has(name) && !isSecretName(name) ? raw : OMITTED;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export class RequestLog {
  private readonly entries: Denque<RequestLogEntry>;
  private seq: number;

  /**
   * `lastSeq`: the highest sequence number already used (from the ledger), so numbers never repeat.
   * `capacity`: how many entries are kept; adding one more drops the oldest.
   */
  constructor(lastSeq: number, capacity = MAX_ENTRIES) {
    this.seq = lastSeq;
    this.entries = new Denque<RequestLogEntry>([], { capacity });
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** The kept entries by sequence number (a request is added when it ends, so a slow one arrives late). */
  list(): RequestLogEntry[] {
    return this.entries.toArray().sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    this.entries.clear();
  }
}
