// The users service's SQL: the users table beyond the principal lookups every service shares (on the Store: by id,
// by subject, inserts), and the fields it does not hold (preferred locale and time zone, picture, invite expiry) in
// a table of its own, user_profiles (CREATE TABLE IF NOT EXISTS). Also deletion (which revokes the user's keys and
// tokens through their services) and which users hold a role (for the roles service, wired in host/roles.ts).
//
// The tenant's user list is read once and kept (issue 18 rule 20: reading and building 10,000 records cost ~100 ms a
// request). What changed is told by SQLite, not by the write paths remembering to say so: temporary triggers on this
// connection name the rowid of every users row inserted, updated or deleted, whatever code ran it (this store, the
// Store facade's insertUsers, SCIM, the control API, a test's raw SQL), and the next read re-reads only those rows
// (all rows when more than MAX_DIRTY changed). `PRAGMA data_version` moves when another connection (a second emulator
// on the same --data file) commits: then everything is read again. Rows move without a trigger only under VACUUM,
// which the emulator never runs. Inside a transaction a list is not kept and the changed rows stay marked (a rollback
// undoes rows the marks still name, so they are re-read). The kept list and its records are frozen; `list` hands out
// copies, `snapshot` the frozen list itself (read-only callers).
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

/** The SQL function the triggers call: unique enough not to meet a name of SQLite's or another service's. */
const CHANGED_FN = 'qlik_emulator_users_changed';
/** Beyond this many changed rows, reading them all again is as cheap as patching. */
const MAX_DIRTY = 1000;

type RowWithRowid = UserRow & { rid: number };

interface Kept {
  /** `data_version` when the list was read. */
  dataVersion: number;
  users: readonly UserRecord[];
  /** The rowid of each of `users`, ascending. */
  rowids: readonly number[];
  /** Rowids inserted, updated or deleted since (told by the triggers). */
  dirty: Set<number>;
}

function frozen(row: UserRow): UserRecord {
  const user = toUser(row);
  Object.freeze(user.roles);
  return Object.freeze(user);
}

export class UsersStore {
  readonly tables: Tables;
  private readonly store: Store;
  private readonly kept = new Map<string, Kept>();

  constructor(store: Store) {
    this.store = store;
    this.tables = new Tables(store, 'user_profiles', SCHEMA);
    const db = store.database;
    db.function(CHANGED_FN, { deterministic: false, varargs: true }, (...rowids: unknown[]) => {
      for (const [tenantId, kept] of this.kept) {
        if (kept.dirty.size >= MAX_DIRTY) this.kept.delete(tenantId);
        else for (const rowid of rowids) kept.dirty.add(Number(rowid));
      }
      return null;
    });
    // TEMP: the triggers live with this connection only (nothing is written to a --data file).
    const triggers = { insert: 'NEW.rowid', update: 'OLD.rowid, NEW.rowid', delete: 'OLD.rowid' };
    for (const [event, rowids] of Object.entries(triggers))
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS qlik_emulator_users_${event} AFTER ${event.toUpperCase()} ON main.users
         BEGIN SELECT ${CHANGED_FN}(${rowids}); END`,
      );
  }

  /** Users in creation order: fresh records the caller may change (copies of the kept list). */
  list(tenantId: string): UserRecord[] {
    return this.snapshot(tenantId).map((u) => ({ ...u, roles: [...u.roles] }));
  }

  /**
   * Users in creation order, as kept until the users table next changes: the same frozen array (and records) for every
   * call in between, so that what is derived from it (the users API's sort orders) can be kept by its identity.
   */
  snapshot(tenantId: string): readonly UserRecord[] {
    const dataVersion = this.tables.stmt<[], { data_version: number }>('PRAGMA data_version').get()?.data_version ?? 0;
    const found = this.kept.get(tenantId);
    if (found?.dataVersion === dataVersion && found.dirty.size === 0) return found.users;
    const next =
      found?.dataVersion === dataVersion
        ? this.patched(tenantId, found)
        : this.read(
            this.tables
              .stmt<[string], RowWithRowid>('SELECT rowid AS rid, * FROM users WHERE tenant_id = ? ORDER BY rowid')
              .all(tenantId),
          );
    if (!this.store.database.inTransaction) this.kept.set(tenantId, { dataVersion, ...next, dirty: new Set() });
    return next.users;
  }

  private read(rows: RowWithRowid[]): Pick<Kept, 'users' | 'rowids'> {
    return { users: Object.freeze(rows.map(frozen)), rowids: rows.map((r) => r.rid) };
  }

  /** The kept list with its changed rows read again (deleted ones dropped), in rowid order. */
  private patched(tenantId: string, kept: Kept): Pick<Kept, 'users' | 'rowids'> {
    // By rowid only (a condition on tenant_id would make SQLite walk the tenant's index entries instead).
    const rows = this.tables
      .stmt<[string], RowWithRowid>(
        'SELECT rowid AS rid, * FROM users WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      )
      .all(JSON.stringify([...kept.dirty]))
      .filter((row) => row.tenant_id === tenantId);
    const users: UserRecord[] = [];
    const rowids: number[] = [];
    let next = 0;
    const takeReadBefore = (rowid: number): void => {
      for (let row = rows[next]; row !== undefined && row.rid < rowid; row = rows[++next]) {
        users.push(frozen(row));
        rowids.push(row.rid);
      }
    };
    kept.rowids.forEach((rowid, i) => {
      takeReadBefore(rowid);
      const user = kept.users[i];
      if (kept.dirty.has(rowid) || user === undefined) return;
      users.push(user);
      rowids.push(rowid);
    });
    takeReadBefore(Infinity);
    return { users: Object.freeze(users), rowids };
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
    const found = this.snapshot(tenantId).find((u) => u.email.toLowerCase() === lower);
    return found && { ...found, roles: [...found.roles] };
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
      for (const user of this.snapshot(tenantId)) {
        if (!user.roles.includes(from)) continue;
        this.update({ ...user, roles: user.roles.map((r) => (r === from ? to : r)) });
      }
    });
  }
}

/** The users store of this emulator store (its table is created on first use). */
export const usersStore = perStore((store) => new UsersStore(store));
