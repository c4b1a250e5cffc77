// The in-memory log of requests to /api/ and /resources/ (GET /__emulator/requests).
// Credentials are never kept: authorization, proxy-authorization and cookie values are replaced.
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
  private entries: RequestLogEntry[] = [];
  private seq: number;

  /** `lastSeq`: the highest sequence number already used (from the ledger), so numbers never repeat. */
  constructor(lastSeq: number) {
    this.seq = lastSeq;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): RequestLogEntry[] {
    return [...this.entries].sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    this.entries = [];
  }
}
