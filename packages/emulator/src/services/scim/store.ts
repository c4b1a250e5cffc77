// The scim_users table: which users of the tenant were provisioned over SCIM, by which IdP, with their
// userName (unique without case, as RFC 7643 makes it), externalId and the attributes the IdP sent (kept
// as sent; the Qlik user record holds the mapped name, email, subject and status).
import type { Store } from '../../store/store.js';
import { perStore, Tables } from '../../store/tables.js';

export interface ScimUserRecord {
  userId: string;
  tenantId: string;
  idpId: string;
  userName: string;
  externalId?: string;
  /** The attributes as sent, without id, meta, schemas, userName, externalId, active and groups. */
  doc: Record<string, unknown>;
  created: number;
  lastModified: number;
}

interface Row {
  user_id: string;
  tenant_id: string;
  idp_id: string;
  user_name: string;
  external_id: string | null;
  doc: string;
  created: number;
  last_modified: number;
}

const DDL = `CREATE TABLE IF NOT EXISTS scim_users (user_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, idp_id TEXT NOT NULL,
    user_name TEXT NOT NULL, user_name_key TEXT NOT NULL, external_id TEXT, doc TEXT NOT NULL, created INTEGER NOT NULL,
    last_modified INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
  CREATE UNIQUE INDEX IF NOT EXISTS scim_users_by_name ON scim_users (tenant_id, user_name_key) WHERE deleted = 0;
  CREATE INDEX IF NOT EXISTS scim_users_by_external_id ON scim_users (tenant_id, external_id);`;

function toRecord(row: Row): ScimUserRecord {
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    idpId: row.idp_id,
    userName: row.user_name,
    ...(row.external_id === null ? {} : { externalId: row.external_id }),
    doc: JSON.parse(row.doc) as Record<string, unknown>,
    created: row.created,
    lastModified: row.last_modified,
  };
}

/** userName uniqueness ignores case (RFC 7643 §4.1.1: caseExact false). */
function userNameKey(userName: string): string {
  return userName.toLowerCase();
}

class ScimStore {
  readonly tables: Tables;

  constructor(store: Store) {
    this.tables = new Tables(store, 'scim_users', DDL);
  }

  /** Inserts or replaces the SCIM record of a user; throws SQLITE_CONSTRAINT_UNIQUE when another user has the userName. */
  put(r: ScimUserRecord): void {
    this.tables
      .stmt(
        `INSERT INTO scim_users (user_id, tenant_id, idp_id, user_name, user_name_key, external_id, doc, created,
           last_modified)
         VALUES (@userId, @tenantId, @idpId, @userName, @key, @externalId, @doc, @created, @lastModified)
         ON CONFLICT (user_id) DO UPDATE SET idp_id = excluded.idp_id, user_name = excluded.user_name,
           user_name_key = excluded.user_name_key, external_id = excluded.external_id, doc = excluded.doc,
           created = CASE WHEN deleted = 1 THEN excluded.created ELSE created END,
           last_modified = excluded.last_modified, deleted = 0`,
      )
      .run({
        userId: r.userId,
        tenantId: r.tenantId,
        idpId: r.idpId,
        userName: r.userName,
        key: userNameKey(r.userName),
        externalId: r.externalId ?? null,
        doc: JSON.stringify(r.doc),
        created: r.created,
        lastModified: r.lastModified,
      });
  }

  get(tenantId: string, userId: string): ScimUserRecord | undefined {
    const row = this.tables
      .stmt<[string, string], Row>('SELECT * FROM scim_users WHERE tenant_id = ? AND user_id = ? AND deleted = 0')
      .get(tenantId, userId);
    return row && toRecord(row);
  }

  byUserName(tenantId: string, userName: string): ScimUserRecord | undefined {
    const row = this.tables
      .stmt<[string, string], Row>('SELECT * FROM scim_users WHERE tenant_id = ? AND user_name_key = ? AND deleted = 0')
      .get(tenantId, userNameKey(userName));
    return row && toRecord(row);
  }

  byExternalId(tenantId: string, externalId: string): ScimUserRecord[] {
    return this.tables
      .stmt<[string, string], Row>(
        'SELECT * FROM scim_users WHERE tenant_id = ? AND external_id = ? AND deleted = 0 ORDER BY rowid',
      )
      .all(tenantId, externalId)
      .map(toRecord);
  }

  /** Every SCIM user of the tenant in creation order. */
  list(tenantId: string): ScimUserRecord[] {
    return this.tables
      .stmt<[string], Row>('SELECT * FROM scim_users WHERE tenant_id = ? AND deleted = 0 ORDER BY rowid')
      .all(tenantId)
      .map(toRecord);
  }

  /** The SCIM resource goes (the user record stays, disabled): the row is kept so that reset still finds the user. */
  delete(tenantId: string, userId: string): void {
    this.tables.stmt('UPDATE scim_users SET deleted = 1 WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId);
  }

  /** The users ever provisioned here, deleted ones included (for reset, which removes them). */
  userIds(tenantId: string): string[] {
    return this.tables
      .stmt<[string], { user_id: string }>('SELECT user_id FROM scim_users WHERE tenant_id = ?')
      .all(tenantId)
      .map((r) => r.user_id);
  }

  deleteAll(tenantId: string): void {
    this.tables.stmt('DELETE FROM scim_users WHERE tenant_id = ?').run(tenantId);
  }
}

export const scimStore = perStore((store) => new ScimStore(store));
