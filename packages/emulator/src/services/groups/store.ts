// The groups and group_members tables. A group's members are users (group membership is what the users
// API shows as `assignedGroups`); its roles are role names, as users' are.
import type { Store } from '../../store/store.js';
import { perStore, Tables } from '../../store/tables.js';

export interface GroupRecord {
  id: string;
  tenantId: string;
  name: string;
  description?: string;
  status: 'active' | 'disabled';
  providerType: 'idp' | 'custom';
  roles: string[];
  createdAt: number;
  lastUpdatedAt: number;
  createdBy?: string;
  updatedBy?: string;
  /** Set for groups provisioned over SCIM: the IdP's id for the group. */
  externalId?: string;
}

interface GroupRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  status: string;
  provider_type: string;
  roles: string;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  updated_by: string | null;
  external_id: string | null;
}

const DDL = `CREATE TABLE IF NOT EXISTS groups (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL,
    description TEXT, status TEXT NOT NULL, provider_type TEXT NOT NULL, roles TEXT NOT NULL,
    created_at INTEGER NOT NULL, last_updated_at INTEGER NOT NULL, created_by TEXT, updated_by TEXT, external_id TEXT);
  CREATE UNIQUE INDEX IF NOT EXISTS groups_by_name ON groups (tenant_id, name);
  CREATE TABLE IF NOT EXISTS group_members (tenant_id TEXT NOT NULL, group_id TEXT NOT NULL, user_id TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id));
  CREATE INDEX IF NOT EXISTS group_members_by_user ON group_members (tenant_id, user_id);`;

/** The role names of a group's `roles` column (a JSON array). */
function roleNames(json: string): string[] {
  const roles: unknown = JSON.parse(json);
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

function toGroup(row: GroupRow): GroupRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    ...(row.description === null ? {} : { description: row.description }),
    status: row.status === 'disabled' ? 'disabled' : 'active',
    providerType: row.provider_type === 'custom' ? 'custom' : 'idp',
    roles: roleNames(row.roles),
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
    ...(row.created_by === null ? {} : { createdBy: row.created_by }),
    ...(row.updated_by === null ? {} : { updatedBy: row.updated_by }),
    ...(row.external_id === null ? {} : { externalId: row.external_id }),
  };
}

function params(g: GroupRecord): Record<string, string | number | null> {
  return {
    id: g.id,
    tenantId: g.tenantId,
    name: g.name,
    description: g.description ?? null,
    status: g.status,
    providerType: g.providerType,
    roles: JSON.stringify(g.roles),
    createdAt: g.createdAt,
    lastUpdatedAt: g.lastUpdatedAt,
    createdBy: g.createdBy ?? null,
    updatedBy: g.updatedBy ?? null,
    externalId: g.externalId ?? null,
  };
}

/** A UNIQUE constraint failed: another group of the tenant has this name. */
export function isNameConflict(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class GroupStore {
  readonly tables: Tables;

  constructor(store: Store) {
    this.tables = new Tables(store, 'groups', DDL);
  }

  /** Throws a UNIQUE constraint error (isNameConflict) when the name is taken. */
  insert(g: GroupRecord): void {
    this.tables
      .stmt(
        `INSERT INTO groups (id, tenant_id, name, description, status, provider_type, roles, created_at,
           last_updated_at, created_by, updated_by, external_id)
         VALUES (@id, @tenantId, @name, @description, @status, @providerType, @roles, @createdAt, @lastUpdatedAt,
           @createdBy, @updatedBy, @externalId)`,
      )
      .run(params(g));
  }

  /** Throws a UNIQUE constraint error (isNameConflict) when the new name is taken. */
  update(g: GroupRecord): void {
    this.tables
      .stmt(
        `UPDATE groups SET name = @name, description = @description, status = @status, provider_type = @providerType,
           roles = @roles, last_updated_at = @lastUpdatedAt, updated_by = @updatedBy, external_id = @externalId
         WHERE tenant_id = @tenantId AND id = @id`,
      )
      .run(params(g));
  }

  get(tenantId: string, id: string): GroupRecord | undefined {
    const row = this.tables
      .stmt<[string, string], GroupRow>('SELECT * FROM groups WHERE tenant_id = ? AND id = ?')
      .get(tenantId, id);
    return row && toGroup(row);
  }

  byName(tenantId: string, name: string): GroupRecord | undefined {
    const row = this.tables
      .stmt<[string, string], GroupRow>('SELECT * FROM groups WHERE tenant_id = ? AND name = ?')
      .get(tenantId, name);
    return row && toGroup(row);
  }

  /** Every group of the tenant in creation order. */
  list(tenantId: string): GroupRecord[] {
    return this.tables
      .stmt<[string], GroupRow>('SELECT * FROM groups WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toGroup);
  }

  delete(tenantId: string, id: string): boolean {
    return this.tables.tx(() => {
      this.tables.stmt('DELETE FROM group_members WHERE tenant_id = ? AND group_id = ?').run(tenantId, id);
      return this.tables.stmt('DELETE FROM groups WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes > 0;
    });
  }

  members(tenantId: string, groupId: string): string[] {
    return this.tables
      .stmt<[string, string], { user_id: string }>(
        'SELECT user_id FROM group_members WHERE tenant_id = ? AND group_id = ? ORDER BY rowid',
      )
      .all(tenantId, groupId)
      .map((r) => r.user_id);
  }

  groupsOf(tenantId: string, userId: string): GroupRecord[] {
    return this.tables
      .stmt<[string, string], GroupRow>(
        `SELECT g.* FROM group_members m JOIN groups g ON g.id = m.group_id
         WHERE m.tenant_id = ? AND m.user_id = ? ORDER BY g.name, g.id`,
      )
      .all(tenantId, userId)
      .map(toGroup);
  }

  /**
   * Every member's groups (id and roles), each user's in the order of groupsOf (name, then id): one query for the
   * tenant instead of one a user (the users API's filter on group fields reads them for every user).
   */
  groupsByUser(tenantId: string): Map<string, { id: string; name: string; roles: string[] }[]> {
    const rows = this.tables
      .stmt<[string], { user_id: string; id: string; name: string; roles: string }>(
        `SELECT m.user_id, g.id, g.name, g.roles FROM group_members m JOIN groups g ON g.id = m.group_id
         WHERE m.tenant_id = ? ORDER BY g.name, g.id`,
      )
      .all(tenantId);
    const out = new Map<string, { id: string; name: string; roles: string[] }[]>();
    for (const row of rows) {
      const list = out.get(row.user_id) ?? [];
      list.push({ id: row.id, name: row.name, roles: roleNames(row.roles) });
      out.set(row.user_id, list);
    }
    return out;
  }

  addMember(tenantId: string, groupId: string, userId: string): void {
    this.tables
      .stmt('INSERT OR IGNORE INTO group_members (tenant_id, group_id, user_id) VALUES (?, ?, ?)')
      .run(tenantId, groupId, userId);
  }

  removeMember(tenantId: string, groupId: string, userId: string): void {
    this.tables
      .stmt('DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND user_id = ?')
      .run(tenantId, groupId, userId);
  }

  removeUser(tenantId: string, userId: string): void {
    this.tables.stmt('DELETE FROM group_members WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId);
  }

  /** How many groups hold the role (the roles service's holders). */
  holding(tenantId: string, role: string): number {
    return this.list(tenantId).filter((g) => g.roles.includes(role)).length;
  }

  /** Renames a role in every group's list. */
  renameRole(tenantId: string, from: string, to: string): void {
    this.tables.tx(() => {
      for (const g of this.list(tenantId)) {
        if (!g.roles.includes(from)) continue;
        this.update({ ...g, roles: [...new Set(g.roles.map((r) => (r === from ? to : r)))] });
      }
    });
  }

  deleteAll(tenantId: string): void {
    this.tables.tx(() => {
      this.tables.stmt('DELETE FROM group_members WHERE tenant_id = ?').run(tenantId);
      this.tables.stmt('DELETE FROM groups WHERE tenant_id = ?').run(tenantId);
    });
  }
}

export const groupStore = perStore((store) => new GroupStore(store));
