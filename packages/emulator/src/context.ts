// Shared types: the App (every service a handler may use), the request context handed to
// route handlers, and Reply, the value a handler returns instead of writing to the socket
// (so that fault rules can mangle a response after the request has executed).
import type { Principal, TokenService } from './auth.js';
import type { Clock } from './clock.js';
import type { FaultRules } from './faults.js';
import type { RateLimiter } from './ratelimit.js';
import type { RequestLog } from './requestlog.js';
import type { ApiKeysConfig, Store } from './store.js';

export interface Options {
  clampExpiry: boolean;
  rateLimit: boolean;
}

export interface App {
  store: Store;
  clock: Clock;
  tokens: TokenService;
  tenantId: string;
  options: Options;
  rateLimiter: RateLimiter;
  faults: FaultRules;
  requestLog: RequestLog;
  /** The config that reset() restores (the seed's, else Qlik's defaults). */
  defaultConfig: ApiKeysConfig;
  /** Set once the server listens. */
  url: string;
  caCert: string | undefined;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as application/json. */
  json?: unknown;
  /** A raw body; its content-type goes in headers. */
  text?: string;
  /** On a successful create: the ledger entry to mark delivered once the response is fully written. */
  ledgerKeyId?: string;
}

export interface Ctx {
  app: App;
  method: string;
  url: URL;
  params: Record<string, string>;
  /** `scheme://host[:port]` as the client addressed this server, for absolute links. */
  baseUrl: string;
  /** The request's sequence number in the request log. */
  seq: number;
  /** The JSON request body (400 when malformed or empty, 413 when over the limit). */
  readJson(): Promise<unknown>;
}

export interface ApiCtx extends Ctx {
  principal: Principal;
}

export type Handler<C extends Ctx> = (ctx: C) => Reply | Promise<Reply>;

export interface Route<C extends Ctx> {
  method: string;
  /** Segments starting with `:` are parameters, e.g. `/api/v1/api-keys/:id`. */
  path: string;
  handler: Handler<C>;
}

export function jsonReply(status: number, json: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json, headers } : { status, json };
}

export function emptyReply(status = 204): Reply {
  return { status };
}

export function redirectReply(status: number, location: string): Reply {
  const href = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return {
    status,
    headers: { location, 'content-type': 'text/html; charset=utf-8' },
    text: `<a href="${href}">${status === 301 ? 'Moved Permanently' : 'Found'}</a>.\n`,
  };
}
