// The OAuth service's SQL: its clients (oauth_clients, each with a bot user) and the access tokens issued to them
// (oauth_tokens: a token is verified by its signature and found by its jti, so the tokens themselves are not kept).
// The tables come from the shared schema (store/schema.ts); the edge's token lookup and use mark are on the Store.
import type { Store } from '../../store/store.js';
import {
  stringList,
  toOAuthToken,
  type OAuthTokenRecord,
  type OAuthTokenRow,
  type Params,
  type UserRecord,
} from '../../store/records.js';
import { perStore } from '../../store/tables.js';

export interface OAuthClientRecord {
  clientId: string;
  tenantId: string;
  name: string;
  clientSecret: string;
  /** The client's bot user. */
  userId: string;
  allowedScopes: string[];
  allowedGrantTypes: string[];
  /** Seconds. */
  tokenLifetime: number;
  created: number;
}

/** Which tokens a control call affects; every field given must match (none: all of the tenant's). */
export interface OAuthTokenMatch {
  id?: string;
  clientId?: string;
  userId?: string;
}

interface OAuthClientRow {
  client_id: string;
  tenant_id: string;
  name: string;
  client_secret: string;
  user_id: string;
  allowed_scopes: string;
  allowed_grant_types: string;
  token_lifetime: number;
  created: number;
}

function toOAuthClient(row: OAuthClientRow): OAuthClientRecord {
  return {
    clientId: row.client_id,
    tenantId: row.tenant_id,
    name: row.name,
    clientSecret: row.client_secret,
    userId: row.user_id,
    allowedScopes: stringList(row.allowed_scopes),
    allowedGrantTypes: stringList(row.allowed_grant_types),
    tokenLifetime: row.token_lifetime,
    created: row.created,
  };
}

/** The WHERE clause of the tenant's tokens that `match` names. */
function tokenWhere(tenantId: string, match: OAuthTokenMatch): { where: string; params: Params } {
  const where = ['tenant_id = @tenantId'];
  const params: Params = { tenantId };
  for (const [column, value, name] of [
    ['id', match.id, 'id'],
    ['client_id', match.clientId, 'clientId'],
    ['user_id', match.userId, 'userId'],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = @${name}`);
    params[name] = value;
  }
  return { where: where.join(' AND '), params };
}

class OAuthStore {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** Inserts a client together with its bot user. */
  addClient(client: OAuthClientRecord, bot: UserRecord): void {
    this.store.inTransaction(() => {
      this.store.insertUsers([bot]);
      this.store
        .stmt(
          `INSERT INTO oauth_clients (client_id, tenant_id, name, client_secret, user_id, allowed_scopes,
             allowed_grant_types, token_lifetime, created)
           VALUES (@clientId, @tenantId, @name, @clientSecret, @userId, @allowedScopes, @allowedGrantTypes,
             @tokenLifetime, @created)`,
        )
        .run({
          ...client,
          allowedScopes: JSON.stringify(client.allowedScopes),
          allowedGrantTypes: JSON.stringify(client.allowedGrantTypes),
        });
    });
  }

  getClient(tenantId: string, clientId: string): OAuthClientRecord | undefined {
    const row = this.store
      .stmt<[string, string], OAuthClientRow>('SELECT * FROM oauth_clients WHERE tenant_id = ? AND client_id = ?')
      .get(tenantId, clientId);
    return row && toOAuthClient(row);
  }

  /** Clients in creation order. */
  listClients(tenantId: string): OAuthClientRecord[] {
    return this.store
      .stmt<[string], OAuthClientRow>('SELECT * FROM oauth_clients WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toOAuthClient);
  }

  insertToken(t: OAuthTokenRecord): void {
    this.store
      .stmt(
        `INSERT INTO oauth_tokens (id, tenant_id, client_id, user_id, scope, grant_type, issued_at, expires_at,
           revoked, last_used)
         VALUES (@id, @tenantId, @clientId, @userId, @scope, @grantType, @issuedAt, @expiresAt, @revoked, @lastUsed)`,
      )
      .run({ ...t, revoked: t.revoked ? 1 : 0 });
  }

  /** Every token of the tenant, in issue order. */
  listTokens(tenantId: string): OAuthTokenRecord[] {
    return this.store
      .stmt<[string], OAuthTokenRow>('SELECT * FROM oauth_tokens WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toOAuthToken);
  }

  /** Revokes the matching live tokens; returns how many. */
  revokeTokens(tenantId: string, match: OAuthTokenMatch, now: number): number {
    const { where, params } = tokenWhere(tenantId, match);
    return this.store
      .stmt(`UPDATE oauth_tokens SET revoked = 1 WHERE ${where} AND revoked = 0 AND expires_at > @now`)
      .run({ ...params, now }).changes;
  }

  /** Lets the matching live tokens expire now; returns how many. */
  expireTokens(tenantId: string, match: OAuthTokenMatch, now: number): number {
    const { where, params } = tokenWhere(tenantId, match);
    return this.store
      .stmt(`UPDATE oauth_tokens SET expires_at = @now WHERE ${where} AND revoked = 0 AND expires_at > @now`)
      .run({ ...params, now }).changes;
  }

  /** Forgets every issued token (POST /__emulator/reset). Clients stay, as users do. */
  deleteTokens(tenantId: string): void {
    this.store.stmt('DELETE FROM oauth_tokens WHERE tenant_id = ?').run(tenantId);
  }
}

/** The OAuth store of this emulator store. */
export const oauthStore = perStore((store) => new OAuthStore(store));
