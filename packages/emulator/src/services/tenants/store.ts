// The tenants service's SQL: the one tenant of the emulator (the tenants table comes from store/schema.ts).
import type { Store } from '../../store/store.js';

export interface TenantRecord {
  id: string;
  name: string;
  created: number;
  lastUpdated: number;
  createdByUser: string | null;
}

interface TenantRow {
  id: string;
  name: string;
  created: number;
  last_updated: number;
  created_by_user: string | null;
}

/** The tenant, once seeded. */
export function getTenant(store: Store): TenantRecord | undefined {
  const row = store.stmt<[], TenantRow>('SELECT * FROM tenants LIMIT 1').get();
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

export function insertTenant(store: Store, t: TenantRecord): void {
  store
    .stmt('INSERT INTO tenants (id, name, created, last_updated, created_by_user) VALUES (?, ?, ?, ?, ?)')
    .run(t.id, t.name, t.created, t.lastUpdated, t.createdByUser);
}
