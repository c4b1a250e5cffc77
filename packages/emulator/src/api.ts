// The programmatic API's types (re-exported by index.ts). Everything here describes JSON the
// control API sends or takes, so both modes (in-process and child) share one implementation.
import type { FaultRuleInput, FaultRuleView } from './faults.js';
import type { EmulatorUser, OAuthClientInfo } from './info.js';
import type { RequestLogEntry } from './requestlog.js';
import type { OAuthClientInput, OAuthClientView, OAuthSettings, OAuthTokenView } from './oauth.js';
import type { LedgerEntry } from './routes/control.js';
import type { SeedInput } from './seed.js';
import type { ApiKeysConfig, OAuthTokenMatch } from './store.js';

export type { EmulatorUser, FaultRuleInput, FaultRuleView, LedgerEntry, OAuthClientInfo, RequestLogEntry, SeedInput };
export type { OAuthClientInput, OAuthClientView, OAuthSettings, OAuthTokenMatch, OAuthTokenView };
export type { StartOptions } from './options.js';

/** The tenant's API-keys configuration. */
export type ApiKeysConfigView = ApiKeysConfig;

/** A user for addUser()/addUsers(): `roles` default ["User"], `email` `<name>@example.com`, `status` active, `subject` `qlik-emulator|<id>`. */
export interface NewUser {
  name: string;
  email?: string;
  roles?: string[];
  status?: string;
  subject?: string;
}

export interface Emulator {
  /** `http://127.0.0.1:<port>` (https with `tls`). */
  url: string;
  tenantId: string;
  /** The seeded users with their bootstrap keys, plus those added with addUser(). */
  users: EmulatorUser[];
  /** The OAuth clients (the seeded M2M client `m2m` first), plus those added with addOAuthClient(). */
  oauthClients: OAuthClientInfo[];
  /** The PEM file of the self-signed certificate, with `tls` only. */
  caCert?: string;
  /** The user with this name; throws when there is none. */
  user(name: string): EmulatorUser;
  faults: {
    /** Adds a rule; resolves with its id. */
    add(rule: FaultRuleInput): Promise<string>;
    clear(): Promise<void>;
    list(): Promise<FaultRuleView[]>;
  };
  /** Every key created through POST /api/v1/api-keys, and whether its 201 was delivered. */
  ledger(): Promise<LedgerEntry[]>;
  /** The requests to /api/ and /resources/ since the last reset, by sequence number. */
  requests(): Promise<RequestLogEntry[]>;
  /** Changes part of the tenant's API-keys configuration; resolves with the whole of it. */
  setConfig(patch: Partial<ApiKeysConfigView>): Promise<ApiKeysConfigView>;
  /** Moves the emulator's clock (expiry, `created`, rate-limit windows, the Date header). */
  setTime(t: { offsetMs: number }): Promise<{ offsetMs: number; now: string }>;
  /** Adds a user with a bootstrap key (also to `users`). */
  addUser(u: NewUser): Promise<EmulatorUser>;
  /** Adds many users at once, each with a bootstrap key (also to `users`): `POST /__emulator/users/batch`. */
  addUsers(list: NewUser[]): Promise<EmulatorUser[]>;
  /** The OAuth client with this name; throws when there is none. */
  oauthClient(name: string): OAuthClientInfo;
  /** Adds an OAuth client with a bot user (also to `oauthClients`): `POST /__emulator/oauth/clients`. */
  addOAuthClient(c: OAuthClientInput): Promise<OAuthClientView>;
  /** Every access token issued since the last reset (never the token itself): `GET /__emulator/oauth/tokens`. */
  oauthTokens(): Promise<OAuthTokenView[]>;
  /** Lets the matching live tokens expire now (all without `match`); resolves with how many. */
  expireOAuthTokens(match?: OAuthTokenMatch): Promise<number>;
  /** Revokes the matching live tokens (all without `match`); resolves with how many. */
  revokeOAuthTokens(match?: OAuthTokenMatch): Promise<number>;
  /** Changes the OAuth settings (`m2mApiKeys`); resolves with all of them. */
  setOAuthSettings(patch: Partial<OAuthSettings>): Promise<OAuthSettings>;
  /** Back to the seeded state: keys, ledger, request log, faults, config, rate limits, clock, OAuth tokens and settings. */
  reset(): Promise<void>;
  /** Any control route: `path` is relative to /__emulator/ (or starts with it). Throws on a non-2xx answer. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the emulator: idempotent. Child mode: SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}
