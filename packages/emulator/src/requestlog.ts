// The in-memory log of requests to /api/ and /resources/ (GET /__emulator/requests): a ring buffer
// of the last 10 000 entries (adding one is O(1); the oldest is dropped once full).
// Credentials are never kept: authorization, proxy-authorization and cookie values are replaced.
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

const REDACTED = new Set(['authorization', 'proxy-authorization', 'cookie']);
const MAX_ENTRIES = 10_000;

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = REDACTED.has(name) ? '**omitted**' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
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
