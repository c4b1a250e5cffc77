// Shared types: the App (every service a handler may use), the request context handed to
// route handlers, and the route table entry. A handler returns a Reply (see http.ts).
import type { IncomingHttpHeaders } from 'node:http';
import type { BodyErrors } from '../shared/errors.js';
import type { Permissions, Principal, TokenService } from './auth.js';
import type { Clock } from '../shared/clock.js';
import type { FaultRules } from './faults/rules.js';
import type { M2mApiKeyMode, OAuthSettings } from '../shared/settings.js';
import type { Reply } from './reply.js';
import type { RateLimiter } from './ratelimit.js';
import type { RequestLog } from './requestlog.js';
import type { ApiKeysConfig, Store, UserRecord } from '../store/store.js';

/** A users-API `assignedRoles[]` entry. */
export interface AssignedRole {
  id: string;
  name: string;
  type: 'default' | 'custom';
  level: 'admin' | 'user';
}

/** What the emulator asks of the roles service (services/roles). */
export interface RoleResolver {
  describe(name: string): AssignedRole;
  /** The role name a `{id}` or `{name}` reference names, or undefined. */
  resolve(ref: { id?: string; name?: string }): string | undefined;
  /** A user's roles, their groups' included. */
  effectiveRoles(user: UserRecord): string[];
  permissionsOf(user: UserRecord): Permissions;
  /** Creates custom roles for names that are not roles yet (seeds, control-API users). */
  ensure(names: readonly string[], now: number): void;
}

export interface Options {
  clampExpiry: boolean;
  rateLimit: boolean;
  /** Refuse unknown and repeated query parameters (400) instead of ignoring them / taking the first. */
  strict: boolean;
  /** Whether client_credentials (bot) tokens may create API keys (--m2m-api-keys); reset() restores it. */
  m2mApiKeys: M2mApiKeyMode;
}

export interface App {
  store: Store;
  /** The tenant's roles (services/roles). */
  roles: RoleResolver;
  clock: Clock;
  tokens: TokenService;
  tenantId: string;
  options: Options;
  rateLimiter: RateLimiter;
  faults: FaultRules;
  requestLog: RequestLog;
  /** The config that reset() restores (the seed's, else Qlik's defaults). */
  defaultConfig: ApiKeysConfig;
  /** OAuth settings the control API may change (PUT /__emulator/oauth/settings). */
  oauthSettings: OAuthSettings;
  /** Set once the server listens. */
  url: string;
  caCert: string | undefined;
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
  /**
   * The JSON request body (413 when over the limit). Empty or not JSON: the service's own 400 from `errors` (its
   * table's `body`); with `optional`, an empty body is `undefined`.
   */
  readJson(errors: BodyErrors, opts?: { optional?: boolean }): Promise<unknown>;
  /** The request body as text ('' when there is none; 413 when over the limit), for bodies that are not always JSON. */
  readText(): Promise<string>;
  /** The request headers (for the content type of form bodies). */
  headers: IncomingHttpHeaders;
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

/**
 * One Qlik service as the router sees it (`services/<name>/index.ts` exports one; `router-table.ts` lists them).
 * `routes` sit behind authentication and rate limiting (paths under `/api/`); `openRoutes` are served without a
 * bearer token (paths under `/oauth/`, which limit their callers themselves).
 */
export interface Service {
  name: string;
  routes: Route<ApiCtx>[];
  openRoutes?: Route<Ctx>[];
  /**
   * A service that authenticates and rate-limits its requests itself, so that every answer (a refused token's
   * included) has its own shape: each request whose path is `prefix` or below it goes to `serve` (SCIM).
   */
  mount?: { prefix: string; serve(app: App, ctx: Ctx, authorization: string | undefined): Promise<Reply> };
}
