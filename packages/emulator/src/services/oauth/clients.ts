// OAuth machine-to-machine clients (#11): their description (seed file and control API), creation
// with a bot user, what the startup line and the control API show of them and of their tokens (the rule for API
// keys created with an M2M token is the api-keys service's: services/api-keys/m2m.ts).
import { randomBytes } from 'node:crypto';
import { isoMs } from '../../shared/clock.js';
import { newObjectId } from '../../shared/ids.js';
import type { OAuthClientInfo } from '../../shared/info.js';
import { USER_STATUSES, type OAuthTokenRecord, type Store, type UserRecord } from '../../store/store.js';
import { oauthStore, type OAuthClientRecord } from './store.js';
import {
  objectBody,
  optionalEnum,
  optionalNumber,
  optionalString,
  requiredString,
  type Fail,
} from '../../shared/validate.js';

export const CLIENT_CREDENTIALS = 'client_credentials';
export const USER_IMPERSONATION = 'urn:qlik:oauth:user-impersonation';
const GRANT_TYPES = [CLIENT_CREDENTIALS, USER_IMPERSONATION] as const;
type GrantType = (typeof GRANT_TYPES)[number];
/** 6 hours, as qlik.dev's token examples show (`expires_in: 21600`). */
const DEFAULT_TOKEN_LIFETIME = 21_600;
const MAX_TOKEN_LIFETIME = 30 * 86_400;
const DEFAULT_SCOPES = ['user_default', 'admin_classic'];

/** An OAuth client as a seed file or POST /__emulator/oauth/clients describes it. */
export interface OAuthClientInput {
  /** The client's name, also its bot user's name. */
  name: string;
  /** Default: 32 random hex digits. */
  clientId?: string;
  /** Default: 64 random hex digits. */
  clientSecret?: string;
  /** The bot user's roles (default ["TenantAdmin"], as Qlik's M2M clients have). */
  roles?: string[];
  /** The bot user's status (default active; a disabled bot gets 403 from /oauth/token). */
  status?: (typeof USER_STATUSES)[number];
  /** Default ["user_default", "admin_classic"]. */
  allowedScopes?: string[];
  /** Default ["client_credentials"]. */
  allowedGrantTypes?: GrantType[];
  /** Access-token lifetime in seconds (default 21600). */
  tokenLifetimeSeconds?: number;
}

/** A client as the control API shows it. */
export interface OAuthClientView extends OAuthClientInfo {
  allowedScopes: string[];
  allowedGrantTypes: string[];
  tokenLifetimeSeconds: number;
}

/** An issued access token as the control API shows it (never the token itself). */
export interface OAuthTokenView {
  id: string;
  clientId: string;
  userId: string;
  grantType: string;
  scope: string;
  issuedAt: string;
  expiresAt: string;
  state: 'active' | 'expired' | 'revoked';
  lastUsed?: string;
}

function stringArray(
  obj: Record<string, unknown>,
  key: string,
  fail: Fail,
  check: (v: string) => boolean,
): string[] | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v): v is string => typeof v === 'string' && check(v))
  )
    throw fail(`"${key}" must be a non-empty array of names`, `/${key}`);
  return [...new Set(value)];
}

/** Validates a client description (a seed file entry or a control-API body). */
export function parseOAuthClient(value: unknown, fail: Fail, at = ''): OAuthClientInput {
  const prefixed: Fail = (detail, p) => fail(detail, at + p);
  const obj = objectBody(
    value,
    [
      'name',
      'clientId',
      'clientSecret',
      'roles',
      'status',
      'allowedScopes',
      'allowedGrantTypes',
      'tokenLifetimeSeconds',
    ],
    prefixed,
  );
  const input: OAuthClientInput = { name: requiredString(obj, 'name', prefixed) };
  const clientId = optionalString(obj, 'clientId', prefixed, true);
  if (clientId !== undefined) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(clientId))
      throw prefixed('"clientId" must be 1-64 characters of A-Z, a-z, 0-9, ., _ or -', '/clientId');
    input.clientId = clientId;
  }
  const secret = optionalString(obj, 'clientSecret', prefixed, true);
  if (secret !== undefined) {
    if (!/^[\x21-\x7e]{8,256}$/.test(secret))
      throw prefixed('"clientSecret" must be 8-256 printable characters without spaces', '/clientSecret');
    input.clientSecret = secret;
  }
  const roles = stringArray(obj, 'roles', prefixed, (r) => r.length > 0);
  if (roles) input.roles = roles;
  const status = optionalEnum(obj, 'status', USER_STATUSES, prefixed);
  if (status !== undefined) input.status = status;
  const scopes = stringArray(obj, 'allowedScopes', prefixed, (s) => /^[\x21-\x7e]+$/.test(s) && !s.includes(','));
  if (scopes) input.allowedScopes = scopes;
  const grants = stringArray(obj, 'allowedGrantTypes', prefixed, (g) => (GRANT_TYPES as readonly string[]).includes(g));
  if (grants) input.allowedGrantTypes = grants as GrantType[];
  const lifetime = optionalNumber(obj, 'tokenLifetimeSeconds', prefixed, {
    min: 1,
    max: MAX_TOKEN_LIFETIME,
    integer: true,
  });
  if (lifetime !== undefined) input.tokenLifetimeSeconds = lifetime;
  return input;
}

/** Makes a client and its bot user (nothing stored). */
export function newOAuthClient(
  tenantId: string,
  input: OAuthClientInput,
  now: number,
): { client: OAuthClientRecord; bot: UserRecord } {
  const clientId = input.clientId ?? randomBytes(16).toString('hex');
  const userId = newObjectId(now);
  const bot: UserRecord = {
    id: userId,
    tenantId,
    name: input.name,
    email: '',
    subject: `qlik-emulator|oauth|${clientId}`,
    status: input.status ?? 'active',
    roles: input.roles ?? ['TenantAdmin'],
    createdAt: now,
    lastUpdatedAt: now,
    clientId,
  };
  const client: OAuthClientRecord = {
    clientId,
    tenantId,
    name: input.name,
    clientSecret: input.clientSecret ?? randomBytes(32).toString('hex'),
    userId,
    allowedScopes: input.allowedScopes ?? [...DEFAULT_SCOPES],
    allowedGrantTypes: input.allowedGrantTypes ?? [CLIENT_CREDENTIALS],
    tokenLifetime: input.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME,
    created: now,
  };
  return { client, bot };
}

/** Creates and stores a client; a taken clientId fails through `fail`. */
export function addOAuthClient(
  store: Store,
  tenantId: string,
  input: OAuthClientInput,
  now: number,
  fail: Fail,
  at = '',
): OAuthClientView {
  if (input.clientId !== undefined && oauthStore(store).getClient(tenantId, input.clientId))
    throw fail('"clientId" is already taken', `${at}/clientId`);
  const { client, bot } = newOAuthClient(tenantId, input, now);
  oauthStore(store).addClient(client, bot);
  return presentClient(client);
}

function clientInfo(c: OAuthClientRecord): OAuthClientInfo {
  return { clientId: c.clientId, clientSecret: c.clientSecret, userId: c.userId, name: c.name };
}

export function presentClient(c: OAuthClientRecord): OAuthClientView {
  return {
    ...clientInfo(c),
    allowedScopes: c.allowedScopes,
    allowedGrantTypes: c.allowedGrantTypes,
    tokenLifetimeSeconds: c.tokenLifetime,
  };
}

/** Every client, in creation order, as the startup line lists them. */
export function oauthClientInfos(store: Store, tenantId: string): OAuthClientInfo[] {
  return oauthStore(store).listClients(tenantId).map(clientInfo);
}

export function tokenState(t: OAuthTokenRecord, now: number): OAuthTokenView['state'] {
  if (t.revoked) return 'revoked';
  return t.expiresAt <= now ? 'expired' : 'active';
}

export function presentTokenForControl(t: OAuthTokenRecord, now: number): OAuthTokenView {
  return {
    id: t.id,
    clientId: t.clientId,
    userId: t.userId,
    grantType: t.grantType,
    scope: t.scope,
    issuedAt: isoMs(t.issuedAt),
    expiresAt: isoMs(t.expiresAt),
    state: tokenState(t, now),
    ...(t.lastUsed === null ? {} : { lastUsed: isoMs(t.lastUsed) }),
  };
}
