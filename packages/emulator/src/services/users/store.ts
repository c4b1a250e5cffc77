// The users service's SQL: the users table beyond the principal lookups every service shares (on the Store: by id,
// by subject, inserts), and the fields it does not hold (preferred locale and time zone, picture, invite expiry) in
// a table of its own, user_profiles (CREATE TABLE IF NOT EXISTS). Also deletion (which revokes the user's keys and
// tokens through their services) and which users hold a role (for the roles service, wired in host/roles.ts).
import type { Store } from '../../store/store.js';
import { toUser, type UserRecord, type UserRow } from '../../store/records.js';
import { perStore, Tables } from '../../store/tables.js';
import { keysStore } from '../api-keys/index.js';
import { revokeOAuthTokensOf } from '../oauth/index.js';

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

export class UsersStore {
  readonly tables: Tables;
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
    this.tables = new Tables(store, 'user_profiles', SCHEMA);
  }

  /** Users in creation order. */
  list(tenantId: string): UserRecord[] {
    return this.tables
      .stmt<[string], UserRow>('SELECT * FROM users WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toUser);
  }

  count(tenantId: string): number {
    const row = this.tables
      .stmt<[string], { n: number }>('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?')
      .get(tenantId);
    return row?.n ?? 0;
  }

  profile(userId: string): UserProfile {
    const row = this.tables
      .stmt<[string], ProfileRow>(
        'SELECT preferred_locale, preferred_zoneinfo, picture, invite_expiry FROM user_profiles WHERE user_id = ?',
      )
      .get(userId);
    if (!row) return {};
    const p: UserProfile = {};
    if (row.preferred_locale !== null) p.preferredLocale = row.preferred_locale;
    if (row.preferred_zoneinfo !== null) p.preferredZoneinfo = row.preferred_zoneinfo;
    if (row.picture !== null) p.picture = row.picture;
    if (row.invite_expiry !== null) p.inviteExpiry = row.invite_expiry;
    return p;
  }

  setProfile(userId: string, p: UserProfile): void {
    this.tables
      .stmt(
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
    this.tables.tx(() => {
      this.store.insertUsers([user]);
      this.setProfile(user.id, profile);
    });
  }

  /** Writes the user's name, email, status and roles. */
  update(user: UserRecord): void {
    this.tables
      .stmt(
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

  /** Changes the given fields of a user (the SCIM service keeps provisioned users in step); false when there is none. */
  updateFields(
    tenantId: string,
    id: string,
    fields: Partial<Pick<UserRecord, 'name' | 'email' | 'subject' | 'status'>>,
    now: number,
  ): boolean {
    const user = this.store.getUser(tenantId, id);
    if (!user) return false;
    const next = { ...user, ...fields };
    return (
      this.tables
        .stmt(
          `UPDATE users SET name = @name, email = @email, subject = @subject, status = @status, last_updated_at = @now
           WHERE tenant_id = @tenantId AND id = @id`,
        )
        .run({ tenantId, id, name: next.name, email: next.email, subject: next.subject, status: next.status, now })
        .changes > 0
    );
  }

  /**
   * Deletes the user and, in the same transaction, revokes their API keys and OAuth tokens (Qlik: "API keys
   * associated with the user are revoked"). Returns how many keys and tokens were revoked.
   */
  delete(tenantId: string, userId: string, now: number): { keys: number; tokens: number } {
    return this.tables.tx(() => {
      const keys = keysStore(this.store).revokeKeysOf(tenantId, userId, now);
      const tokens = revokeOAuthTokensOf(this.store, tenantId, userId, now);
      this.tables.stmt('DELETE FROM users WHERE tenant_id = ? AND id = ?').run(tenantId, userId);
      this.tables.stmt('DELETE FROM user_profiles WHERE user_id = ?').run(userId);
      return { keys, tokens };
    });
  }

  /** Removes users and every key of theirs (reset of the users a service provisioned). */
  purge(tenantId: string, ids: readonly string[]): void {
    const keys = keysStore(this.store);
    this.tables.tx(() => {
      for (const id of ids) {
        keys.purgeKeysOf(tenantId, id);
        this.tables.stmt('DELETE FROM users WHERE tenant_id = ? AND id = ?').run(tenantId, id);
      }
    });
  }

  /** The first user whose email is this one, ignoring case. */
  byEmail(tenantId: string, email: string): UserRecord | undefined {
    const lower = email.toLowerCase();
    return this.list(tenantId).find((u) => u.email.toLowerCase() === lower);
  }

  /** How many users hold the role directly. */
  holders(tenantId: string, roleName: string): number {
    return (
      this.tables
        .stmt<[string, string], { n: number }>(
          'SELECT COUNT(*) AS n FROM users, json_each(users.roles) WHERE users.tenant_id = ? AND json_each.value = ?',
        )
        .get(tenantId, roleName)?.n ?? 0
    );
  }

  /** Renames a role in every user's list. */
  renameRole(tenantId: string, from: string, to: string): void {
    this.tables.tx(() => {
      for (const user of this.list(tenantId)) {
        if (!user.roles.includes(from)) continue;
        this.update({ ...user, roles: user.roles.map((r) => (r === from ? to : r)) });
      }
    });
  }
}

/** The users store of this emulator store (its table is created on first use). */
export const usersStore = perStore((store) => new UsersStore(store));
