// The users write API's SQL (#21): the fields the users table does not hold (preferred locale and time
// zone, picture, invite expiry) in a table of their own, the updates a PATCH makes, deletion, and which
// users hold a role. Created with CREATE TABLE IF NOT EXISTS on the shared database.
import type Database from 'better-sqlite3';
import type { Store, UserRecord } from '../../store/store.js';

export interface UserProfile {
  preferredLocale?: string | undefined;
  preferredZoneinfo?: string | undefined;
  picture?: string;
  /** Unix seconds (users.yml `inviteExpiry`). */
  inviteExpiry?: number;
}

interface ProfileRow {
  preferred_locale: string | null;
  preferred_zoneinfo: string | null;
  picture: string | null;
  invite_expiry: number | null;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS user_profiles (user_id TEXT PRIMARY KEY, preferred_locale TEXT,
  preferred_zoneinfo TEXT, picture TEXT, invite_expiry INTEGER);`;

const stores = new WeakMap<Database.Database, UsersWriteStore>();

/** The write store of this database (its table is created on first use). */
export function usersWriteStore(store: Store): UsersWriteStore {
  let found = stores.get(store.database);
  if (!found) {
    found = new UsersWriteStore(store);
    stores.set(store.database, found);
  }
  return found;
}

export class UsersWriteStore {
  readonly store: Store;
  private readonly db: Database.Database;
  private readonly selectProfile: Database.Statement<[string], ProfileRow>;

  constructor(store: Store) {
    this.store = store;
    this.db = store.database;
    this.db.exec(SCHEMA);
    this.selectProfile = this.db.prepare<[string], ProfileRow>(
      'SELECT preferred_locale, preferred_zoneinfo, picture, invite_expiry FROM user_profiles WHERE user_id = ?',
    );
  }

  profile(userId: string): UserProfile {
    const row = this.selectProfile.get(userId);
    if (!row) return {};
    const p: UserProfile = {};
    if (row.preferred_locale !== null) p.preferredLocale = row.preferred_locale;
    if (row.preferred_zoneinfo !== null) p.preferredZoneinfo = row.preferred_zoneinfo;
    if (row.picture !== null) p.picture = row.picture;
    if (row.invite_expiry !== null) p.inviteExpiry = row.invite_expiry;
    return p;
  }

  setProfile(userId: string, p: UserProfile): void {
    this.db
      .prepare(
        `INSERT INTO user_profiles (user_id, preferred_locale, preferred_zoneinfo, picture, invite_expiry)
         VALUES (@userId, @preferredLocale, @preferredZoneinfo, @picture, @inviteExpiry)
         ON CONFLICT (user_id) DO UPDATE SET preferred_locale = excluded.preferred_locale,
           preferred_zoneinfo = excluded.preferred_zoneinfo, picture = excluded.picture,
           invite_expiry = excluded.invite_expiry`,
      )
      .run({
        userId,
        preferredLocale: p.preferredLocale ?? null,
        preferredZoneinfo: p.preferredZoneinfo ?? null,
        picture: p.picture ?? null,
        inviteExpiry: p.inviteExpiry ?? null,
      });
  }

  /** Creates a user (no bootstrap key) with its profile. */
  insert(user: UserRecord, profile: UserProfile): void {
    this.transaction(() => {
      this.store.addUsers([user], []);
      this.setProfile(user.id, profile);
    });
  }

  /** Writes the user's name, email, status and roles. */
  update(user: UserRecord): void {
    this.db
      .prepare(
        `UPDATE users SET name = @name, email = @email, status = @status, roles = @roles, last_updated_at = @lastUpdatedAt
         WHERE tenant_id = @tenantId AND id = @id`,
      )
      .run({
        id: user.id,
        tenantId: user.tenantId,
        name: user.name,
        email: user.email,
        status: user.status,
        roles: JSON.stringify(user.roles),
        lastUpdatedAt: user.lastUpdatedAt,
      });
  }

  /**
   * Deletes the user and, in the same transaction, revokes their API keys and OAuth tokens (Qlik: "API keys
   * associated with the user are revoked"). Returns how many keys and tokens were revoked.
   */
  delete(tenantId: string, userId: string, now: number): { keys: number; tokens: number } {
    return this.transaction(() => {
      const keys = this.store.revokeKeysOf(tenantId, userId, now);
      const tokens = this.store.revokeOAuthTokens(tenantId, { userId }, now);
      this.db.prepare('DELETE FROM users WHERE tenant_id = ? AND id = ?').run(tenantId, userId);
      this.db.prepare('DELETE FROM user_profiles WHERE user_id = ?').run(userId);
      return { keys, tokens };
    });
  }

  /** The first user whose email is this one, ignoring case. */
  byEmail(tenantId: string, email: string): UserRecord | undefined {
    const lower = email.toLowerCase();
    return this.store.listUsers(tenantId).find((u) => u.email.toLowerCase() === lower);
  }

  /** How many users hold the role directly. */
  holders(tenantId: string, roleName: string): number {
    return (
      this.db
        .prepare<[string, string], { n: number }>(
          'SELECT COUNT(*) AS n FROM users, json_each(users.roles) WHERE users.tenant_id = ? AND json_each.value = ?',
        )
        .get(tenantId, roleName)?.n ?? 0
    );
  }

  /** Renames a role in every user's list. */
  renameRole(tenantId: string, from: string, to: string): void {
    this.transaction(() => {
      for (const user of this.store.listUsers(tenantId)) {
        if (!user.roles.includes(from)) continue;
        this.update({ ...user, roles: user.roles.map((r) => (r === from ? to : r)) });
      }
    });
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
