// The api-keys service's SQL: the api_keys table (keys are soft-deleted: a tombstone stays for the ledger and for
// paging cursors), the tenant's config (configs) and the create ledger (ledger: which created keys were delivered to
// their caller). The tables themselves are created by the shared schema (store/schema.ts); the edge's lookups of a
// key by id and its ledger mark are on the Store.
import type { Store } from '../../store/store.js';
import { toKey, type ApiKeysConfig, type KeyRecord, type KeyRow, type Params } from '../../store/records.js';
import { perStore } from '../../store/tables.js';

export type KeyStatus = 'active' | 'expired' | 'revoked';
export type SortField = 'createdByUser' | 'sub' | 'status' | 'description' | 'created';

export interface LedgerRow {
  key: KeyRecord;
  requestSeq: number;
  delivered: boolean;
}

interface KeyListQuery {
  tenantId: string;
  now: number;
  /** For non-admins: only keys whose sub or createdByUser is this user. */
  visibleTo?: string;
  createdByUser?: string;
  sub?: string;
  status?: KeyStatus;
  sortField: SortField;
  descending: boolean;
  cursor?: { id: string; direction: 'after' | 'before' };
  limit: number;
}

interface KeyPage {
  keys: KeyRecord[];
  hasPrev: boolean;
  hasNext: boolean;
}

type CreateResult = { ok: true } | { ok: false; activeKeys: number };

/** The computed status. Deleted keys never reach the API, so they have none. */
const STATUS_SQL = `(CASE WHEN revoked = 1 THEN 'revoked' WHEN expiry <= @now THEN 'expired' ELSE 'active' END)`;

const SORT_SQL: Record<SortField, string> = {
  createdByUser: 'created_by_user',
  sub: 'sub',
  status: STATUS_SQL,
  description: 'description',
  created: 'created',
};

/** A non-admin sees only the keys whose subject or creator they are. */
const VISIBLE_SQL = '(sub = @me OR created_by_user = @me)';

export function keyStatus(key: KeyRecord, now: number): KeyStatus {
  if (key.revoked) return 'revoked';
  return key.expiry <= now ? 'expired' : 'active';
}

/** The WHERE clauses and parameters of a list's filters (the page position aside). */
function listFilter(q: KeyListQuery): { where: string[]; params: Params } {
  const where = ['tenant_id = @tenantId', 'deleted_at IS NULL'];
  const params: Params = { tenantId: q.tenantId, now: q.now, limit: q.limit };
  if (q.visibleTo !== undefined) {
    where.push(VISIBLE_SQL);
    params['me'] = q.visibleTo;
  }
  if (q.createdByUser !== undefined) {
    where.push('created_by_user = @createdByUser');
    params['createdByUser'] = q.createdByUser;
  }
  if (q.sub !== undefined) {
    where.push('sub = @sub');
    params['sub'] = q.sub;
  }
  if (q.status !== undefined) {
    where.push(`${STATUS_SQL} = @status`);
    params['status'] = q.status;
  }
  return { where, params };
}

export class KeysStore {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** The bootstrap key of each user, live or not. */
  bootstrapKeys(tenantId: string): KeyRecord[] {
    return this.store
      .stmt<[string], KeyRow>('SELECT * FROM api_keys WHERE tenant_id = ? AND bootstrap = 1 ORDER BY rowid')
      .all(tenantId)
      .map(toKey);
  }

  /** Inserts a key without quota checks (bootstrap keys and control-API mints). */
  insertKey(k: KeyRecord): void {
    this.store
      .stmt(
        `INSERT INTO api_keys (id, tenant_id, description, sub, sub_type, created_by_user, expiry, created,
           last_updated, revoked, deleted_at, bootstrap, token)
         VALUES (@id, @tenantId, @description, @sub, @subType, @createdByUser, @expiry, @created,
           @lastUpdated, @revoked, @deletedAt, @bootstrap, @token)`,
      )
      .run({ ...k, revoked: k.revoked ? 1 : 0, bootstrap: k.bootstrap ? 1 : 0 });
  }

  /** Active keys whose subject is `sub` (bootstrap keys included: on a real tenant they would be ordinary keys). */
  private countActiveKeys(tenantId: string, sub: string, now: number): number {
    const row = this.store
      .stmt<Params, { n: number }>(
        `SELECT COUNT(*) AS n FROM api_keys WHERE tenant_id = @tenantId AND sub = @sub AND deleted_at IS NULL
           AND revoked = 0 AND expiry > @now`,
      )
      .get({ tenantId, sub, now });
    return row?.n ?? 0;
  }

  /**
   * Creates a key through the public API, atomically with its quota check and its ledger entry
   * (undelivered until markDelivered). `quota` undefined means no quota applies.
   */
  createKey(k: KeyRecord, quota: number | undefined, requestSeq: number): CreateResult {
    return this.store.inTransaction((): CreateResult => {
      if (quota !== undefined) {
        const active = this.countActiveKeys(k.tenantId, k.sub, k.created);
        if (active >= quota) return { ok: false, activeKeys: active };
      }
      this.insertKey(k);
      this.store.stmt('INSERT INTO ledger (key_id, request_seq, delivered) VALUES (?, ?, 0)').run(k.id, requestSeq);
      return { ok: true };
    });
  }

  updateDescription(tenantId: string, id: string, description: string, now: number): boolean {
    const info = this.store
      .stmt(
        'UPDATE api_keys SET description = ?, last_updated = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
      )
      .run(description, now, tenantId, id);
    return info.changes === 1;
  }

  /** Marks a key revoked. A key that is already revoked is left untouched. */
  revokeKey(tenantId: string, id: string, now: number): void {
    this.store
      .stmt(
        'UPDATE api_keys SET revoked = 1, last_updated = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL AND revoked = 0',
      )
      .run(now, tenantId, id);
  }

  /** Revokes every live key whose subject is `sub` (a deleted user's); returns how many. */
  revokeKeysOf(tenantId: string, sub: string, now: number): number {
    return this.store
      .stmt(
        'UPDATE api_keys SET revoked = 1, last_updated = ? WHERE tenant_id = ? AND sub = ? AND deleted_at IS NULL AND revoked = 0',
      )
      .run(now, tenantId, sub).changes;
  }

  /** Forgets every key whose subject is `sub`, tombstones included (reset of a user a service provisioned). */
  purgeKeysOf(tenantId: string, sub: string): void {
    this.store.stmt('DELETE FROM api_keys WHERE tenant_id = ? AND sub = ?').run(tenantId, sub);
  }

  /** Removes a key from the tenant. The row stays as a tombstone for the ledger and for paging cursors. */
  deleteKey(tenantId: string, id: string, now: number): void {
    this.store
      .stmt(
        'UPDATE api_keys SET deleted_at = ?, last_updated = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
      )
      .run(now, now, tenantId, id);
  }

  /**
   * One page of keys in keyset order: by the sort value, then by id. A cursor names the key the page starts after
   * (or ends before); the page is read walking away from it, then put in the list's order. Undefined when the
   * cursor key does not exist or is not visible to `visibleTo`.
   */
  listKeys(q: KeyListQuery): KeyPage | undefined {
    const sortBy = SORT_SQL[q.sortField];
    const { where, params } = listFilter(q);
    const ascending = !q.descending;
    /** `(sort value, id)` beyond (`>` in the ascending direction) the edge row given as @edgeValue, @edgeId. */
    const beyond = (walkAscending: boolean): string =>
      `(${sortBy}, id) ${walkAscending ? '>' : '<'} (@edgeValue, @edgeId)`;

    let walkAscending = ascending;
    let pageWhere = where;
    if (q.cursor) {
      const edge = this.cursorEdge(q, sortBy);
      if (!edge) return undefined;
      walkAscending = q.cursor.direction === 'after' ? ascending : !ascending;
      pageWhere = [...where, beyond(walkAscending)];
      Object.assign(params, { edgeValue: edge.value, edgeId: q.cursor.id });
    }
    const order = walkAscending ? 'ASC' : 'DESC';
    const rows = this.store
      .stmt<Params, KeyRow & { sort_value: string | number }>(
        `SELECT *, ${sortBy} AS sort_value FROM api_keys WHERE ${pageWhere.join(' AND ')}
         ORDER BY ${sortBy} ${order}, id ${order} LIMIT @limit`,
      )
      .all(params);
    if (walkAscending !== ascending) rows.reverse();

    /** Whether the list has a key after (or before) this row, in the list's order. */
    const more = (row: { sort_value: string | number; id: string } | undefined, after: boolean): boolean =>
      row !== undefined &&
      this.store
        .stmt<Params, { one: number }>(
          `SELECT 1 AS one FROM api_keys WHERE ${[...where, beyond(after === ascending)].join(' AND ')} LIMIT 1`,
        )
        .get({ ...params, edgeValue: row.sort_value, edgeId: row.id }) !== undefined;
    return { keys: rows.map(toKey), hasPrev: more(rows[0], false), hasNext: more(rows[rows.length - 1], true) };
  }

  /**
   * The sort value of the cursor's key. A key the caller may not see counts as unknown: otherwise where a page
   * starts would leak another user's description, sub, status or creation time (and whether the id exists).
   */
  private cursorEdge(q: KeyListQuery, sortBy: string): { value: string | number } | undefined {
    const visible = q.visibleTo === undefined ? '' : ` AND ${VISIBLE_SQL}`;
    const row = this.store
      .stmt<Params, { v: string | number }>(
        `SELECT ${sortBy} AS v FROM api_keys WHERE tenant_id = @tenantId AND id = @cursorId${visible}`,
      )
      .get({ tenantId: q.tenantId, now: q.now, me: q.visibleTo ?? null, cursorId: q.cursor?.id ?? '' });
    return row && { value: row.v };
  }

  // ---- config ----

  getConfig(tenantId: string): ApiKeysConfig | undefined {
    return this.store
      .stmt<[string], ApiKeysConfig>(
        'SELECT max_api_key_expiry, max_keys_per_user, scim_externalClient_expiry FROM configs WHERE tenant_id = ?',
      )
      .get(tenantId);
  }

  updateConfig(tenantId: string, patch: Partial<ApiKeysConfig>): ApiKeysConfig | undefined {
    return this.store.inTransaction(() => {
      const current = this.getConfig(tenantId);
      if (!current) return undefined;
      const next = { ...current, ...patch };
      this.writeConfig(tenantId, next);
      return next;
    });
  }

  writeConfig(tenantId: string, c: ApiKeysConfig): void {
    this.store
      .stmt(
        `INSERT INTO configs (tenant_id, max_api_key_expiry, max_keys_per_user, scim_externalClient_expiry)
         VALUES (@tenantId, @max_api_key_expiry, @max_keys_per_user, @scim_externalClient_expiry)
         ON CONFLICT (tenant_id) DO UPDATE SET max_api_key_expiry = excluded.max_api_key_expiry,
           max_keys_per_user = excluded.max_keys_per_user, scim_externalClient_expiry = excluded.scim_externalClient_expiry`,
      )
      .run({ tenantId, ...c });
  }

  // ---- ledger ----

  ledger(tenantId: string): LedgerRow[] {
    return this.store
      .stmt<[string], KeyRow & { request_seq: number; delivered: number }>(
        `SELECT k.*, l.request_seq, l.delivered FROM ledger l JOIN api_keys k ON k.id = l.key_id
         WHERE k.tenant_id = ? ORDER BY l.request_seq, k.rowid`,
      )
      .all(tenantId)
      .map((row) => ({ key: toKey(row), requestSeq: row.request_seq, delivered: row.delivered === 1 }));
  }

  maxRequestSeq(): number {
    const row = this.store.stmt<[], { n: number | null }>('SELECT MAX(request_seq) AS n FROM ledger').get();
    return row?.n ?? 0;
  }

  // ---- reset ----

  /** Removes every non-bootstrap key and the ledger, restores bootstrap keys and the given config. */
  reset(tenantId: string, config: ApiKeysConfig, bootstrapDescription: string): void {
    this.store.inTransaction(() => {
      this.store.stmt('DELETE FROM ledger').run();
      this.store.stmt('DELETE FROM api_keys WHERE tenant_id = ? AND bootstrap = 0').run(tenantId);
      this.store
        .stmt(
          'UPDATE api_keys SET revoked = 0, deleted_at = NULL, description = ?, last_updated = created WHERE tenant_id = ?',
        )
        .run(bootstrapDescription, tenantId);
      this.writeConfig(tenantId, config);
    });
  }
}

/** The api-keys store of this emulator store. */
export const keysStore = perStore((store) => new KeysStore(store));
