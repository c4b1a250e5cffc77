// The identity_providers table: one row per IdP, the protocol-specific document as JSON beside the
// columns that lists and auth look up (active, interactive), in creation order (rowid).
import type { Store } from '../../store/store.js';
import { perStore, Tables } from '../../store/tables.js';

export type IdpProtocol = 'OIDC' | 'SAML' | 'jwtAuth';

/** The fields a create body sets (parse.ts's CreateIdpInput adds `tenantIds`, which is not stored). */
export interface IdpFields {
  protocol: IdpProtocol;
  provider: string;
  interactive: boolean;
  description?: string;
  clockToleranceSec: number;
  createNewUsersOnLogin?: boolean;
  postLogoutRedirectUri?: string;
  options?: Record<string, unknown>;
  pendingOptions?: Record<string, unknown>;
}

export interface IdpRecord extends IdpFields {
  id: string;
  tenantId: string;
  active: boolean;
  pendingState?: 'verified' | 'pending' | 'error';
  meta?: Record<string, unknown>;
  created: number;
  lastUpdated: number;
}

interface IdpRow {
  id: string;
  tenant_id: string;
  active: number;
  interactive: number;
  doc: string;
  created: number;
  last_updated: number;
}

const DDL = `CREATE TABLE IF NOT EXISTS identity_providers (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL,
  active INTEGER NOT NULL, interactive INTEGER NOT NULL, doc TEXT NOT NULL, created INTEGER NOT NULL,
  last_updated INTEGER NOT NULL);`;

type Doc = Omit<IdpRecord, 'id' | 'tenantId' | 'active' | 'interactive' | 'created' | 'lastUpdated'>;

function toRecord(row: IdpRow): IdpRecord {
  const doc = JSON.parse(row.doc) as Doc;
  return {
    ...doc,
    id: row.id,
    tenantId: row.tenant_id,
    active: row.active === 1,
    interactive: row.interactive === 1,
    created: row.created,
    lastUpdated: row.last_updated,
  };
}

const COLUMNS = new Set(['id', 'tenantId', 'active', 'interactive', 'created', 'lastUpdated']);

function docOf(r: IdpRecord): string {
  return JSON.stringify(Object.fromEntries(Object.entries(r).filter(([key]) => !COLUMNS.has(key))));
}

/** The statements' parameters for a record (an UPDATE leaves `created` unused). */
function params(r: IdpRecord): Record<string, string | number> {
  return {
    id: r.id,
    tenantId: r.tenantId,
    active: r.active ? 1 : 0,
    interactive: r.interactive ? 1 : 0,
    doc: docOf(r),
    created: r.created,
    lastUpdated: r.lastUpdated,
  };
}

class IdpStore {
  readonly tables: Tables;

  constructor(store: Store) {
    this.tables = new Tables(store, 'identity_providers', DDL);
  }

  insert(r: IdpRecord): void {
    this.tables
      .stmt(
        `INSERT INTO identity_providers (id, tenant_id, active, interactive, doc, created, last_updated)
         VALUES (@id, @tenantId, @active, @interactive, @doc, @created, @lastUpdated)`,
      )
      .run(params(r));
  }

  update(r: IdpRecord): void {
    this.tables
      .stmt(
        `UPDATE identity_providers SET active = @active, interactive = @interactive, doc = @doc,
           last_updated = @lastUpdated WHERE tenant_id = @tenantId AND id = @id`,
      )
      .run(params(r));
  }

  get(tenantId: string, id: string): IdpRecord | undefined {
    const row = this.tables
      .stmt<[string, string], IdpRow>('SELECT * FROM identity_providers WHERE tenant_id = ? AND id = ?')
      .get(tenantId, id);
    return row && toRecord(row);
  }

  /** Every IdP of the tenant in creation order. */
  list(tenantId: string): IdpRecord[] {
    return this.tables
      .stmt<[string], IdpRow>('SELECT * FROM identity_providers WHERE tenant_id = ? ORDER BY rowid')
      .all(tenantId)
      .map(toRecord);
  }

  delete(tenantId: string, id: string): boolean {
    return (
      this.tables.stmt('DELETE FROM identity_providers WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes > 0
    );
  }

  /** Replaces every IdP of the tenant with `records` (reset to the seeded ones). */
  replaceAll(tenantId: string, records: IdpRecord[]): void {
    this.tables.tx(() => {
      this.tables.stmt('DELETE FROM identity_providers WHERE tenant_id = ?').run(tenantId);
      for (const r of records) this.insert(r);
    });
  }
}

export const idpStore = perStore((store) => new IdpStore(store));
