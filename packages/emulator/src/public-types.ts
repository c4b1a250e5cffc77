// The programmatic API's types (re-exported by index.ts). Everything here describes JSON the
// control API sends or takes, so both modes (in-process and child) share one implementation.
import type { FaultRuleInput, FaultRuleView } from './http/faults/rules.js';
import type { EmulatorUser, OAuthClientInfo } from './shared/info.js';
import type { RequestLogEntry } from './http/requestlog.js';
import type { OAuthClientInput, OAuthClientView, OAuthTokenView } from './services/oauth/index.js';
import type { M2mApiKeyMode, OAuthSettings } from './shared/settings.js';
import type { LedgerEntry } from './control/routes.js';
import type { SeedInput, SeedRole } from './control/seed.js';
import type { IdpSeedInput } from './services/identity-providers/index.js';
import type { ApiKeysConfig } from './store/store.js';
import type { OAuthTokenMatch } from './services/oauth/index.js';

export type {
  EmulatorUser,
  FaultRuleInput,
  FaultRuleView,
  LedgerEntry,
  OAuthClientInfo,
  RequestLogEntry,
  SeedInput,
  SeedRole,
};
export type { OAuthClientInput, OAuthClientView, OAuthSettings, OAuthTokenMatch, OAuthTokenView };

/** An identity provider for addIdentityProvider() or a seed's `identityProviders`: a create body plus `id` and `active`. */
export type IdentityProviderInput = IdpSeedInput;

/** An identity provider as GET /api/v1/identity-providers/{id} shows it. */
export interface IdentityProviderView {
  id: string;
  protocol: 'OIDC' | 'SAML' | 'jwtAuth';
  provider: string;
  interactive: boolean;
  active: boolean;
  [field: string]: unknown;
}

export interface StartOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Port to listen on; 0 picks a free one. Default: with `data`, the port the data file's last run listened on
   * when it is free, else a free one.
   */
  port?: number;
  /** SQLite file that keeps state across restarts (default: in memory). */
  data?: string;
  /** Serve HTTPS with a self-signed certificate; its PEM file is `caCert`. */
  tls?: boolean;
  /** Apply Qlik's rate limits. */
  rateLimit?: boolean;
  /** Clamp a too-long key expiry to the tenant maximum instead of answering 400. */
  clampExpiry?: boolean;
  /** Answer 400 to unknown or repeated query parameters. */
  strict?: boolean;
  /**
   * Whether a token of an OAuth client's bot user (client_credentials) may create API keys, which Qlik
   * does not document: 'for-users' (default) only for another user (`sub`), 'allow' like any
   * TenantAdmin, 'deny' never.
   */
  m2mApiKeys?: M2mApiKeyMode;
  /** No log line per request (start-up lines, warnings and errors are still logged). */
  quiet?: boolean;
  /**
   * Serve the control API (/__emulator/) to clients that are not on this machine, when `host` is not a
   * loopback address. Anyone who can reach the port can then mint admin keys.
   */
  allowRemoteControl?: boolean;
  /** The tenant, users and config to create on first start: a seed object, or the path of a JSON seed file. */
  seed?: SeedInput | string;
  /** Where log lines go. In-process the default is false (silent); in child mode its stderr lines go here. */
  log?: ((line: string) => void) | false;
  /** 'in-process' (default) runs the server in this process; 'child' spawns bin/qlik-emulator.js. */
  mode?: 'in-process' | 'child';
}

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
  /**
   * Creates a custom role, or updates the description and scopes of the custom role of that name
   * (`POST /__emulator/roles`); `assignedScopes: ["api-keys:manage"]` grants "Manage API keys". Resolves with the role.
   */
  defineRole(role: SeedRole): Promise<Record<string, unknown>>;
  /** Sets a user's roles by name (`PUT /__emulator/users/{id}/roles`), also in `users`. */
  setUserRoles(userId: string, roles: string[]): Promise<{ id: string; roles: string[] }>;
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
  /** The tenant's identity providers (the seeded Entra ID IdP first): `GET /__emulator/identity-providers`. */
  identityProviders(): Promise<IdentityProviderView[]>;
  /** Adds an identity provider (at most one active interactive one): `POST /__emulator/identity-providers`. */
  addIdentityProvider(idp: IdentityProviderInput): Promise<IdentityProviderView>;
  /** Back to the seeded state: keys, ledger, request log, faults, config, rate limits, clock, OAuth tokens and settings. */
  reset(): Promise<void>;
  /** Any control route: `path` is relative to /__emulator/ (or starts with it). Throws on a non-2xx answer. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops the emulator: idempotent. Child mode: SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}
