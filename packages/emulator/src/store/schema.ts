// The schema of the tables every data file has had since its version: migrations applied in order, the database's
// user_version counting those done. A service added later creates its own tables instead (services/<name>/store.ts
// on store/tables.ts: CREATE TABLE IF NOT EXISTS), so it needs no slot here.
import type Database from 'better-sqlite3';

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

/** Applies the migrations this database has not had yet, each in its own transaction. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
