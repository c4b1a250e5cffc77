// The one shared database: a better-sqlite3 database (a file in WAL mode with --data, in memory otherwise), its
// schema (schema.ts), prepared statements cached by their SQL, the transaction helper, a few meta values (such as
// the token-signing key pair) and the thin facade the HTTP edge needs below the services: the principals it
// authenticates (users by id or subject, keys, OAuth tokens) and the ledger mark after a create's response is
// written. Each service's own SQL is in services/<name>/store.ts. Every write is a synchronous statement or
// transaction, so it is committed before the caller's response is written.
import Database from 'better-sqlite3';
import {
  toKey,
  toOAuthToken,
  toUser,
  type KeyRecord,
  type KeyRow,
  type OAuthTokenRecord,
  type OAuthTokenRow,
  type UserRecord,
  type UserRow,
} from './records.js';
import { migrate } from './schema.js';

export type { ApiKeysConfig, KeyRecord, OAuthTokenRecord, SubType, UserRecord } from './records.js';
export { USER_STATUSES } from './records.js';

export class Store {
  private readonly db: Database.Database;
  /** Prepared statements by SQL text: each is compiled once, not on every request. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /** The prepared statement for this SQL (compiled on first use), for the services' stores. */
  stmt<P extends unknown[] | object = unknown[], R = unknown>(source: string): Database.Statement<P, R> {
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
    migrate(db);
    return new Store(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The shared database, for a service's own tables (services/<name>/store.ts). */
  get database(): Database.Database {
    return this.db;
  }

  /** Runs `fn` in one transaction (a savepoint when one is already open): all of its writes or none. */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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

  // ---- principals: what the edge authenticates, and what every service that names a user reads ----

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

  /** Inserts users (the seed, the control API, the users and SCIM services, an OAuth client's bot user). */
  insertUsers(users: readonly UserRecord[]): void {
    this.inTransaction(() => {
      const insert = this.stmt(
        `INSERT INTO users (id, tenant_id, name, email, subject, status, roles, created_at, last_updated_at, client_id)
         VALUES (@id, @tenantId, @name, @email, @subject, @status, @roles, @createdAt, @lastUpdatedAt, @clientId)`,
      );
      for (const u of users) insert.run({ ...u, roles: JSON.stringify(u.roles), clientId: u.clientId ?? null });
    });
  }

  /** A live key (not deleted). */
  getKey(tenantId: string, id: string): KeyRecord | undefined {
    const row = this.stmt<[string, string], KeyRow>(
      'SELECT * FROM api_keys WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
    ).get(tenantId, id);
    return row && toKey(row);
  }

  getOAuthToken(tenantId: string, id: string): OAuthTokenRecord | undefined {
    const row = this.stmt<[string, string], OAuthTokenRow>(
      'SELECT * FROM oauth_tokens WHERE tenant_id = ? AND id = ?',
    ).get(tenantId, id);
    return row && toOAuthToken(row);
  }

  /** Records a use of the token (at most one write per second per token). */
  touchOAuthToken(id: string, now: number): void {
    this.stmt(
      'UPDATE oauth_tokens SET last_used = @now WHERE id = @id AND (last_used IS NULL OR last_used <= @now - 1000)',
    ).run({ id, now });
  }

  /** The create's response was fully written: its ledger entry is delivered (the api-keys service writes the rest). */
  markDelivered(keyId: string): void {
    this.stmt('UPDATE ledger SET delivered = 1 WHERE key_id = ?').run(keyId);
  }
}
