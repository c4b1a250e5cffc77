// The records the whole emulator passes around (users, API keys, OAuth tokens, the tenant's API-key config) and
// their rows: the HTTP edge authenticates against them and every service reads them, so they live below both.
// Each service's own SQL is in its services/<name>/store.ts.

export type SubType = 'user' | 'externalClient';

/** The statuses a user can have (users.yml). */
export const USER_STATUSES = ['active', 'invited', 'disabled', 'deleted', 'provisioned'] as const;

export interface UserRecord {
  id: string;
  tenantId: string;
  name: string;
  email: string;
  subject: string;
  status: string;
  roles: string[];
  createdAt: number;
  lastUpdatedAt: number;
  /** Set on the bot user of an OAuth client (the users API filters and sorts on it). */
  clientId?: string;
}

export interface KeyRecord {
  id: string;
  tenantId: string;
  description: string;
  sub: string;
  subType: SubType;
  createdByUser: string;
  expiry: number;
  created: number;
  lastUpdated: number;
  revoked: boolean;
  deletedAt: number | null;
  bootstrap: boolean;
  /** Kept only for bootstrap keys, so the same token can be printed again after a restart. */
  token: string | null;
}

export interface ApiKeysConfig {
  max_api_key_expiry: string;
  max_keys_per_user: number;
  scim_externalClient_expiry: string;
}

export interface OAuthTokenRecord {
  /** Also the token's jti. */
  id: string;
  tenantId: string;
  clientId: string;
  userId: string;
  /** Space-delimited, as granted. */
  scope: string;
  grantType: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  lastUsed: number | null;
}

/** Named SQL parameters. */
export type Params = Record<string, string | number | null>;

export interface KeyRow {
  id: string;
  tenant_id: string;
  description: string;
  sub: string;
  sub_type: string;
  created_by_user: string;
  expiry: number;
  created: number;
  last_updated: number;
  revoked: number;
  deleted_at: number | null;
  bootstrap: number;
  token: string | null;
}

export interface UserRow {
  id: string;
  tenant_id: string;
  name: string;
  email: string;
  subject: string;
  status: string;
  roles: string;
  created_at: number;
  last_updated_at: number;
  client_id: string | null;
}

export interface OAuthTokenRow {
  id: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  grant_type: string;
  issued_at: number;
  expires_at: number;
  revoked: number;
  last_used: number | null;
}

/** A JSON array column as the strings in it. */
export function stringList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function toKey(row: KeyRow): KeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    description: row.description,
    sub: row.sub,
    subType: row.sub_type === 'externalClient' ? 'externalClient' : 'user',
    createdByUser: row.created_by_user,
    expiry: row.expiry,
    created: row.created,
    lastUpdated: row.last_updated,
    revoked: row.revoked === 1,
    deletedAt: row.deleted_at,
    bootstrap: row.bootstrap === 1,
    token: row.token,
  };
}

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    email: row.email,
    subject: row.subject,
    status: row.status,
    roles: stringList(row.roles),
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
    ...(row.client_id === null ? {} : { clientId: row.client_id }),
  };
}

export function toOAuthToken(row: OAuthTokenRow): OAuthTokenRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope,
    grantType: row.grant_type,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    revoked: row.revoked === 1,
    lastUsed: row.last_used,
  };
}
