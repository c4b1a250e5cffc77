// The roles service's own table: custom roles (default roles are constants, see defaults.ts). Created with
// CREATE TABLE IF NOT EXISTS on the shared database (store/tables.ts), so it needs no slot in the schema's migrations.
import type { Store } from '../../store/store.js';
import { Tables } from '../../store/tables.js';

export interface CustomRoleRecord {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  assignedScopes: string[];
  createdAt: number;
  lastUpdatedAt: number;
  createdBy: string;
  updatedBy: string;
}

interface Row {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  assigned_scopes: string;
  created_at: number;
  last_updated_at: number;
  created_by: string;
  updated_by: string;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS custom_roles (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL,
  description TEXT NOT NULL, assigned_scopes TEXT NOT NULL, created_at INTEGER NOT NULL, last_updated_at INTEGER NOT NULL,
  created_by TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS custom_roles_by_name ON custom_roles (tenant_id, name);`;

function toRecord(row: Row): CustomRoleRecord {
  const scopes: unknown = JSON.parse(row.assigned_scopes);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    assignedScopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

export class RolesStore {
  readonly tables: Tables;

  constructor(store: Store) {
    this.tables = new Tables(store, 'custom_roles', SCHEMA);
  }

  list(tenantId: string): CustomRoleRecord[] {
    return this.tables
      .stmt<[string], Row>('SELECT * FROM custom_roles WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toRecord);
  }

  byId(tenantId: string, id: string): CustomRoleRecord | undefined {
    const row = this.tables
      .stmt<[string, string], Row>('SELECT * FROM custom_roles WHERE tenant_id = ? AND id = ?')
      .get(tenantId, id);
    return row && toRecord(row);
  }

  byName(tenantId: string, name: string): CustomRoleRecord | undefined {
    const row = this.tables
      .stmt<[string, string], Row>('SELECT * FROM custom_roles WHERE tenant_id = ? AND name = ?')
      .get(tenantId, name);
    return row && toRecord(row);
  }

  count(tenantId: string): number {
    return (
      this.tables
        .stmt<[string], { n: number }>('SELECT COUNT(*) AS n FROM custom_roles WHERE tenant_id = ?')
        .get(tenantId)?.n ?? 0
    );
  }

  insert(r: CustomRoleRecord): void {
    this.tables
      .stmt(
        `INSERT INTO custom_roles (id, tenant_id, name, description, assigned_scopes, created_at, last_updated_at,
           created_by, updated_by)
         VALUES (@id, @tenantId, @name, @description, @assignedScopes, @createdAt, @lastUpdatedAt, @createdBy, @updatedBy)`,
      )
      .run({ ...r, assignedScopes: JSON.stringify(r.assignedScopes) });
  }

  update(r: CustomRoleRecord): void {
    this.tables
      .stmt(
        `UPDATE custom_roles SET name = @name, description = @description, assigned_scopes = @assignedScopes,
           last_updated_at = @lastUpdatedAt, updated_by = @updatedBy WHERE tenant_id = @tenantId AND id = @id`,
      )
      .run({ ...r, assignedScopes: JSON.stringify(r.assignedScopes) });
  }

  delete(tenantId: string, id: string): void {
    this.tables.stmt('DELETE FROM custom_roles WHERE tenant_id = ? AND id = ?').run(tenantId, id);
  }
}
