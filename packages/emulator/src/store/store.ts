// The only module that touches SQL. A better-sqlite3 database (a file in WAL mode with --data,
// in memory otherwise) holding the tenant, users, API keys, the tenant config, the create ledger
// and a few meta values such as the token-signing key pair. Every write is a synchronous
// statement or transaction, so it is committed before the caller's response is written.
import Database from 'better-sqlite3';

export type SubType = 'user' | 'externalClient';
export type KeyStatus = 'active' | 'expired' | 'revoked';
export type SortField = 'createdByUser' | 'sub' | 'status' | 'description' | 'created';

export interface TenantRecord {
  id: string;
  name: string;
  created: number;
  lastUpdated: number;
  createdByUser: string | null;
}

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

/** Which tokens a control call affects; every field given must match (none: all of the tenant's). */
export interface OAuthTokenMatch {
  id?: string;
  clientId?: string;
  userId?: string;
}

export interface LedgerRow {
  key: KeyRecord;
  requestSeq: number;
  delivered: boolean;
}

export interface ListQuery {
  tenantId: string;
  now: number;
  /** For non-admins: only keys whose sub or createdByUser is this user. */
  visibleTo?: string;
  createdByUser?: string;
  sub?: string;
  status?: KeyStatus;
  sortField: SortField;
  descending: boolean;
  cursor?: { id: string; direction: 'after' | 'before' };
  limit: number;
}

export interface ListResult {
  keys: KeyRecord[];
  hasPrev: boolean;
  hasNext: boolean;
}

export type CreateResult = { ok: true } | { ok: false; activeKeys: number };

interface KeyRow {
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

interface UserRow {
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

interface TenantRow {
  id: string;
  name: string;
  created: number;
  last_updated: number;
  created_by_user: string | null;
}

type Params = Record<string, string | number | null>;

const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, created INTEGER NOT NULL,
     last_updated INTEGER NOT NULL, created_by_user TEXT);
   CREATE TABLE users (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
     subject TEXT NOT NULL, status TEXT NOT NULL, roles TEXT NOT NULL, created_at INTEGER NOT NULL,
     last_updated_at INTEGER NOT NULL);
   CREATE TABLE api_keys (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, description TEXT NOT NULL, sub TEXT NOT NULL,
     sub_type TEXT NOT NULL, created_by_user TEXT NOT NULL, expiry INTEGER NOT NULL, created INTEGER NOT NULL,
     last_updated INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, deleted_at INTEGER,
     bootstrap INTEGER NOT NULL DEFAULT 0, token TEXT);
   CREATE INDEX api_keys_by_sub ON api_keys (tenant_id, sub);
   CREATE INDEX api_keys_by_created ON api_keys (tenant_id, created, id);
   CREATE TABLE configs (tenant_id TEXT PRIMARY KEY, max_api_key_expiry TEXT NOT NULL,
     max_keys_per_user INTEGER NOT NULL, scim_externalClient_expiry TEXT NOT NULL);
   CREATE TABLE ledger (key_id TEXT PRIMARY KEY, request_seq INTEGER NOT NULL, delivered INTEGER NOT NULL DEFAULT 0);`,
  // 2: users API (#12): the bot users of OAuth clients carry their client id.
  `ALTER TABLE users ADD COLUMN client_id TEXT;`,
  // 3: OAuth clients and the access tokens issued to them (#11). Tokens themselves are not kept: a
  // token is verified by its signature and found by its jti.
  `CREATE TABLE oauth_clients (client_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL,
     client_secret TEXT NOT NULL, user_id TEXT NOT NULL, allowed_scopes TEXT NOT NULL,
     allowed_grant_types TEXT NOT NULL, token_lifetime INTEGER NOT NULL, created INTEGER NOT NULL);
   CREATE TABLE oauth_tokens (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, client_id TEXT NOT NULL,
     user_id TEXT NOT NULL, scope TEXT NOT NULL, grant_type TEXT NOT NULL, issued_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, last_used INTEGER);
   CREATE INDEX oauth_tokens_by_user ON oauth_tokens (tenant_id, user_id);`,
  // 4: users by subject (SCIM provisioning looks users up by subject on every create, #20).
  `CREATE INDEX IF NOT EXISTS users_by_subject ON users (tenant_id, subject);`,
];

/** The computed status. Deleted keys never reach the API, so they have none. */
const STATUS_SQL = `(CASE WHEN revoked = 1 THEN 'revoked' WHEN expiry <= @now THEN 'expired' ELSE 'active' END)`;

const SORT_SQL: Record<SortField, string> = {
  createdByUser: 'created_by_user',
  sub: 'sub',
  status: STATUS_SQL,
  description: 'description',
  created: 'created',
};

export function keyStatus(key: KeyRecord, now: number): KeyStatus {
  if (key.revoked) return 'revoked';
  return key.expiry <= now ? 'expired' : 'active';
}

function toKey(row: KeyRow): KeyRecord {
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

function toUser(row: UserRow): UserRecord {
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

interface OAuthTokenRow {
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

function stringList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
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

function toOAuthToken(row: OAuthTokenRow): OAuthTokenRecord {
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

export class Store {
  private readonly db: Database.Database;
  /** Prepared statements by SQL text: each is compiled once, not on every request. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.db = db;
  }
  private stmt<P extends unknown[] | object = unknown[], R = unknown>(source: string): Database.Statement<P, R> {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  /** Opens (and migrates) the database file, or an in-memory database when `path` is undefined. */
  static open(path: string | undefined): Store {
    const db = new Database(path ?? ':memory:');
    if (path !== undefined) {
      db.pragma('journal_mode = WAL');
      // WAL with NORMAL: every commit is in the WAL file before the response is written, so a crash or kill
      // of the process loses nothing; only a power loss or OS crash can drop the last commits (the database
      // stays consistent). FULL would fsync twice per create and halve creates/s with --data.
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    }
    const store = new Store(db);
    store.migrate();
    return store;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The shared database, for a service's own tables (services/<name>/store.ts). */
  get database(): Database.Database {
    return this.db;
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      const sql = MIGRATIONS[v] ?? '';
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  // ---- meta ----

  getMeta(key: string): string | undefined {
    const row = this.stmt<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key);
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  // ---- tenant ----

  getTenant(): TenantRecord | undefined {
    const row = this.stmt<[], TenantRow>('SELECT * FROM tenants LIMIT 1').get();
    return (
      row && {
        id: row.id,
        name: row.name,
        created: row.created,
        lastUpdated: row.last_updated,
        createdByUser: row.created_by_user,
      }
    );
  }

  /** Creates the tenant, its config, its users and their bootstrap keys in one transaction. */
  seedTenant(t: TenantRecord, config: ApiKeysConfig, users: UserRecord[], keys: KeyRecord[]): void {
    this.db.transaction(() => {
      this.stmt('INSERT INTO tenants (id, name, created, last_updated, created_by_user) VALUES (?, ?, ?, ?, ?)').run(
        t.id,
        t.name,
        t.created,
        t.lastUpdated,
        t.createdByUser,
      );
      this.writeConfig(t.id, config);
      this.addUsers(users, keys);
    })();
  }

  // ---- users ----

  /** Inserts users and their (bootstrap) keys in one transaction. */
  addUsers(users: UserRecord[], keys: KeyRecord[]): void {
    this.db.transaction(() => {
      const insert = this.stmt(
        `INSERT INTO users (id, tenant_id, name, email, subject, status, roles, created_at, last_updated_at, client_id)
         VALUES (@id, @tenantId, @name, @email, @subject, @status, @roles, @createdAt, @lastUpdatedAt, @clientId)`,
      );
      for (const u of users) insert.run({ ...u, roles: JSON.stringify(u.roles), clientId: u.clientId ?? null });
      for (const k of keys) this.insertKey(k);
    })();
  }

  getUser(tenantId: string, id: string): UserRecord | undefined {
    const row = this.stmt<[string, string], UserRow>('SELECT * FROM users WHERE tenant_id = ? AND id = ?').get(
      tenantId,
      id,
    );
    return row && toUser(row);
  }

  /** The first user (in creation order) with this subject. */
  getUserBySubject(tenantId: string, subject: string): UserRecord | undefined {
    const row = this.stmt<[string, string], UserRow>(
      'SELECT * FROM users WHERE tenant_id = ? AND subject = ? ORDER BY rowid LIMIT 1',
    ).get(tenantId, subject);
    return row && toUser(row);
  }

  /** Changes the given fields of a user (the SCIM service keeps provisioned users in step); false when there is none. */
  updateUser(
    tenantId: string,
    id: string,
    fields: Partial<Pick<UserRecord, 'name' | 'email' | 'subject' | 'status'>>,
    now: number,
  ): boolean {
    const user = this.getUser(tenantId, id);
    if (!user) return false;
    const next = { ...user, ...fields };
    return (
      this.stmt(
        `UPDATE users SET name = @name, email = @email, subject = @subject, status = @status, last_updated_at = @now
         WHERE tenant_id = @tenantId AND id = @id`,
      ).run({ tenantId, id, name: next.name, email: next.email, subject: next.subject, status: next.status, now })
        .changes > 0
    );
  }

  /** Removes users and every key of theirs (reset of the users a service provisioned). */
  deleteUsers(tenantId: string, ids: readonly string[]): void {
    this.db.transaction(() => {
      for (const id of ids) {
        this.stmt('DELETE FROM api_keys WHERE tenant_id = ? AND sub = ?').run(tenantId, id);
        this.stmt('DELETE FROM users WHERE tenant_id = ? AND id = ?').run(tenantId, id);
      }
    })();
  }

  countUsers(tenantId: string): number {
    const row = this.stmt<[string], { n: number }>('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?').get(tenantId);
    return row?.n ?? 0;
  }

  /** Users in creation order. */
  listUsers(tenantId: string): UserRecord[] {
    return this.stmt<[string], UserRow>('SELECT * FROM users WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toUser);
  }

  // ---- keys ----

  /** A live key (not deleted). */
  getKey(tenantId: string, id: string): KeyRecord | undefined {
    const row = this.stmt<[string, string], KeyRow>(
      'SELECT * FROM api_keys WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
    ).get(tenantId, id);
    return row && toKey(row);
  }

  /** The bootstrap key of each user, live or not. */
  bootstrapKeys(tenantId: string): KeyRecord[] {
    return this.stmt<[string], KeyRow>('SELECT * FROM api_keys WHERE tenant_id = ? AND bootstrap = 1 ORDER BY rowid')
      .all(tenantId)
      .map(toKey);
  }

  /** Inserts a key without quota checks (bootstrap keys and control-API mints). */
  insertKey(k: KeyRecord): void {
    this.stmt(
      `INSERT INTO api_keys (id, tenant_id, description, sub, sub_type, created_by_user, expiry, created,
           last_updated, revoked, deleted_at, bootstrap, token)
         VALUES (@id, @tenantId, @description, @sub, @subType, @createdByUser, @expiry, @created,
           @lastUpdated, @revoked, @deletedAt, @bootstrap, @token)`,
    ).run({ ...k, revoked: k.revoked ? 1 : 0, bootstrap: k.bootstrap ? 1 : 0 });
  }

  /** Active keys whose subject is `sub` (bootstrap keys included: on a real tenant they would be ordinary keys). */
  countActiveKeys(tenantId: string, sub: string, now: number): number {
    const row = this.stmt<Params, { n: number }>(
      `SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = @tenantId AND sub = @sub AND deleted_at IS NULL
           AND revoked = 0 AND expiry > @now`,
    ).get({ tenantId, sub, now });
    return row?.n ?? 0;
  }

  /**
   * Creates a key through the public API, atomically with its quota check and its ledger entry
   * (undelivered until markDelivered). `quota` undefined means no quota applies.
   */
  createKey(k: KeyRecord, quota: number | undefined, requestSeq: number): CreateResult {
    return this.db.transaction((): CreateResult => {
      if (quota !== undefined) {
        const active = this.countActiveKeys(k.tenantId, k.sub, k.created);
        if (active >= quota) return { ok: false, activeKeys: active };
      }
      this.insertKey(k);
      this.stmt('INSERT INTO ledger (key_id, request_seq, delivered) VALUES (?, ?, 0)').run(k.id, requestSeq);
      return { ok: true };
    })();
  }

  updateDescription(tenantId: string, id: string, description: string, now: number): boolean {
    const info = this.stmt(
      'UPDATE api_keys SET description = ?, last_updated = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
    ).run(description, now, tenantId, id);
    return info.changes === 1;
  }

  /** Marks a key revoked. A key that is already revoked is left untouched. */
  revokeKey(tenantId: string, id: string, now: number): void {
    this.stmt(
      'UPDATE api_keys SET revoked = 1, last_updated = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL AND revoked = 0',
    ).run(now, tenantId, id);
  }

  /** Revokes every live key whose subject is `sub` (a deleted user's); returns how many. */
  revokeKeysOf(tenantId: string, sub: string, now: number): number {
    return this.stmt(
      'UPDATE api_keys SET revoked = 1, last_updated = ? WHERE tenant_id = ? AND sub = ? AND deleted_at IS NULL AND revoked = 0',
    ).run(now, tenantId, sub).changes;
  }

  /** Removes a key from the tenant. The row stays as a tombstone for the ledger and for paging cursors. */
  deleteKey(tenantId: string, id: string, now: number): void {
    this.stmt(
      'UPDATE api_keys SET deleted_at = ?, last_updated = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
    ).run(now, now, tenantId, id);
  }

  /**
   * One page of keys in keyset order (sort value, then id). Undefined when the cursor key does not exist or is
   * not visible to `visibleTo`.
   */
  listKeys(q: ListQuery): ListResult | undefined {
    const expr = SORT_SQL[q.sortField];
    const where = ['tenant_id = @tenantId', 'deleted_at IS NULL'];
    const params: Params = { tenantId: q.tenantId, now: q.now, limit: q.limit };
    if (q.visibleTo !== undefined) {
      where.push('(sub = @me OR created_by_user = @me)');
      params['me'] = q.visibleTo;
    }
    for (const [column, value] of [
      ['created_by_user', q.createdByUser],
      ['sub', q.sub],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = @${column}`);
      params[column] = value;
    }
    if (q.status !== undefined) {
      where.push(`${STATUS_SQL} = @status`);
      params['status'] = q.status;
    }
    const ascending = !q.descending;
    let pageWhere = where;
    let walkAscending = ascending;
    if (q.cursor) {
      // A cursor key the caller may not see is treated as unknown: otherwise where a page starts would leak
      // another user's description, sub, status or creation time (and whether the id exists).
      const visible = q.visibleTo === undefined ? '' : ' AND (sub = @me OR created_by_user = @me)';
      const cursor = this.stmt<Params, { v: string | number }>(
        `SELECT ${expr} AS v FROM api_keys WHERE tenant_id = @tenantId AND id = @cursorId${visible}`,
      ).get({ ...params, cursorId: q.cursor.id });
      if (!cursor) return undefined;
      walkAscending = q.cursor.direction === 'after' ? ascending : !ascending;
      pageWhere = [...where, `(${expr}, id) ${walkAscending ? '>' : '<'} (@cursorValue, @cursorId)`];
      params['cursorValue'] = cursor.v;
      params['cursorId'] = q.cursor.id;
    }
    const order = walkAscending ? 'ASC' : 'DESC';
    const rows = this.stmt<Params, KeyRow & { sort_value: string | number }>(
      `SELECT *, ${expr} AS sort_value FROM api_keys WHERE ${pageWhere.join(' AND ')}
         ORDER BY ${expr} ${order}, id ${order} LIMIT @limit`,
    ).all(params);
    if (walkAscending !== ascending) rows.reverse();
    const first = rows[0];
    const last = rows[rows.length - 1];
    const exists = (row: { sort_value: string | number; id: string }, after: boolean): boolean => {
      const cmp = after === ascending ? '>' : '<';
      const hit = this.stmt<Params, { one: number }>(
        `SELECT 1 AS one FROM api_keys WHERE ${where.join(' AND ')} AND (${expr}, id) ${cmp} (@edgeValue, @edgeId) LIMIT 1`,
      ).get({ ...params, edgeValue: row.sort_value, edgeId: row.id });
      return hit !== undefined;
    };
    return {
      keys: rows.map(toKey),
      hasPrev: first ? exists(first, false) : false,
      hasNext: last ? exists(last, true) : false,
    };
  }

  // ---- config ----

  getConfig(tenantId: string): ApiKeysConfig | undefined {
    return this.stmt<[string], ApiKeysConfig>(
      'SELECT max_api_key_expiry, max_keys_per_user, scim_externalClient_expiry FROM configs WHERE tenant_id = ?',
    ).get(tenantId);
  }

  updateConfig(tenantId: string, patch: Partial<ApiKeysConfig>): ApiKeysConfig | undefined {
    return this.db.transaction(() => {
      const current = this.getConfig(tenantId);
      if (!current) return undefined;
      const next = { ...current, ...patch };
      this.writeConfig(tenantId, next);
      return next;
    })();
  }

  private writeConfig(tenantId: string, c: ApiKeysConfig): void {
    this.stmt(
      `INSERT INTO configs (tenant_id, max_api_key_expiry, max_keys_per_user, scim_externalClient_expiry)
         VALUES (@tenantId, @max_api_key_expiry, @max_keys_per_user, @scim_externalClient_expiry)
         ON CONFLICT (tenant_id) DO UPDATE SET max_api_key_expiry = excluded.max_api_key_expiry,
           max_keys_per_user = excluded.max_keys_per_user, scim_externalClient_expiry = excluded.scim_externalClient_expiry`,
    ).run({ tenantId, ...c });
  }

  // ---- ledger ----

  markDelivered(keyId: string): void {
    this.stmt('UPDATE ledger SET delivered = 1 WHERE key_id = ?').run(keyId);
  }

  ledger(tenantId: string): LedgerRow[] {
    return this.stmt<[string], KeyRow & { request_seq: number; delivered: number }>(
      `SELECT k.*, l.request_seq, l.delivered FROM ledger l JOIN api_keys k ON k.id = l.key_id
         WHERE k.tenant_id = ? ORDER BY l.request_seq, k.rowid`,
    )
      .all(tenantId)
      .map((row) => ({ key: toKey(row), requestSeq: row.request_seq, delivered: row.delivered === 1 }));
  }

  maxRequestSeq(): number {
    const row = this.stmt<[], { n: number | null }>('SELECT MAX(request_seq) AS n FROM ledger').get();
    return row?.n ?? 0;
  }

  // ---- OAuth clients and tokens (#11) ----

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Inserts a client together with its bot user. */
  addOAuthClient(client: OAuthClientRecord, bot: UserRecord): void {
    this.db.transaction(() => {
      this.addUsers([bot], []);
      this.stmt(
        `INSERT INTO oauth_clients (client_id, tenant_id, name, client_secret, user_id, allowed_scopes,
           allowed_grant_types, token_lifetime, created)
         VALUES (@clientId, @tenantId, @name, @clientSecret, @userId, @allowedScopes, @allowedGrantTypes,
           @tokenLifetime, @created)`,
      ).run({
        ...client,
        allowedScopes: JSON.stringify(client.allowedScopes),
        allowedGrantTypes: JSON.stringify(client.allowedGrantTypes),
      });
    })();
  }

  getOAuthClient(tenantId: string, clientId: string): OAuthClientRecord | undefined {
    const row = this.stmt<[string, string], OAuthClientRow>(
      'SELECT * FROM oauth_clients WHERE tenant_id = ? AND client_id = ?',
    ).get(tenantId, clientId);
    return row && toOAuthClient(row);
  }

  /** Clients in creation order. */
  listOAuthClients(tenantId: string): OAuthClientRecord[] {
    return this.stmt<[string], OAuthClientRow>('SELECT * FROM oauth_clients WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toOAuthClient);
  }

  insertOAuthToken(t: OAuthTokenRecord): void {
    this.stmt(
      `INSERT INTO oauth_tokens (id, tenant_id, client_id, user_id, scope, grant_type, issued_at, expires_at,
         revoked, last_used)
       VALUES (@id, @tenantId, @clientId, @userId, @scope, @grantType, @issuedAt, @expiresAt, @revoked, @lastUsed)`,
    ).run({ ...t, revoked: t.revoked ? 1 : 0 });
  }

  getOAuthToken(tenantId: string, id: string): OAuthTokenRecord | undefined {
    const row = this.stmt<[string, string], OAuthTokenRow>(
      'SELECT * FROM oauth_tokens WHERE tenant_id = ? AND id = ?',
    ).get(tenantId, id);
    return row && toOAuthToken(row);
  }

  /** Every token of the tenant, in issue order. */
  listOAuthTokens(tenantId: string): OAuthTokenRecord[] {
    return this.stmt<[string], OAuthTokenRow>('SELECT * FROM oauth_tokens WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toOAuthToken);
  }

  /** Records a use of the token (at most one write per second per token). */
  touchOAuthToken(id: string, now: number): void {
    this.stmt(
      'UPDATE oauth_tokens SET last_used = @now WHERE id = @id AND (last_used IS NULL OR last_used <= @now - 1000)',
    ).run({ id, now });
  }

  private oauthTokenWhere(tenantId: string, match: OAuthTokenMatch): { where: string; params: Params } {
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

  /** Revokes the matching live tokens; returns how many. */
  revokeOAuthTokens(tenantId: string, match: OAuthTokenMatch, now: number): number {
    const { where, params } = this.oauthTokenWhere(tenantId, match);
    return this.stmt(`UPDATE oauth_tokens SET revoked = 1 WHERE ${where} AND revoked = 0 AND expires_at > @now`).run({
      ...params,
      now,
    }).changes;
  }

  /** Lets the matching live tokens expire now; returns how many. */
  expireOAuthTokens(tenantId: string, match: OAuthTokenMatch, now: number): number {
    const { where, params } = this.oauthTokenWhere(tenantId, match);
    return this.stmt(
      `UPDATE oauth_tokens SET expires_at = @now WHERE ${where} AND revoked = 0 AND expires_at > @now`,
    ).run({ ...params, now }).changes;
  }

  /** Forgets every issued token (POST /__emulator/reset). Clients stay, as users do. */
  deleteOAuthTokens(tenantId: string): void {
    this.stmt('DELETE FROM oauth_tokens WHERE tenant_id = ?').run(tenantId);
  }

  // ---- reset ----

  /** Removes every non-bootstrap key and the ledger, restores bootstrap keys and the given config. */
  reset(tenantId: string, config: ApiKeysConfig, bootstrapDescription: string): void {
    this.db.transaction(() => {
      this.stmt('DELETE FROM ledger').run();
      this.stmt('DELETE FROM api_keys WHERE tenant_id = ? AND bootstrap = 0').run(tenantId);
      this.stmt(
        'UPDATE api_keys SET revoked = 0, deleted_at = NULL, description = ?, last_updated = created WHERE tenant_id = ?',
      ).run(bootstrapDescription, tenantId);
      this.writeConfig(tenantId, config);
    })();
  }
}
