// The query of GET /api/v1/users and POST /api/v1/users/actions/filter: parameters (users.yml, plus
// the deprecated ones Qlik's CLI still offers), the sort order, opaque next/prev cursors, and paging.
// Users are few (a tenant's worth), so a page is cut from the sorted, filtered list in memory.
import type { ErrorSource } from '../../shared/errors.js';
import { errors } from './errors.js';
import { USER_STATUSES, type UserRecord } from '../../store/store.js';
import type { Fail } from '../../shared/validate.js';
import {
  decodeCursor,
  encodeCursor,
  pagePosition,
  parseGoBool,
  parseLimit,
  parseSort,
  refuseUnknownParams,
  type CursorValue,
} from '../../shared/list-query.js';
import { FilterError, matches, parseUserFilter, userValues, type FilterScope, type UserFilter } from './filter.js';

const USER_SORT_FIELDS = [
  'name',
  '_id',
  'id',
  'tenantId',
  'clientId',
  'status',
  'subject',
  'email',
  'inviteExpiry',
  'createdAt',
] as const;
type UserSortField = (typeof USER_SORT_FIELDS)[number];

/** Deprecated parameters of GET /api/v1/users (older specs; still flags of `qlik user ls`). */
const DEPRECATED = [
  'email',
  'endingBefore',
  'role',
  'sortBy',
  'sortOrder',
  'startingAfter',
  'status',
  'subject',
  'tenantId',
];
const LIST_PARAMS = ['fields', 'filter', 'limit', 'next', 'prev', 'sort', 'totalResults', ...DEPRECATED];
const FILTER_ACTION_PARAMS = ['fields', 'limit', 'next', 'prev', 'sort'];

type SortValue = CursorValue;

type Position =
  | { direction: 'next' | 'prev'; value: SortValue; id: string; parameter: string }
  | { direction: 'next' | 'prev'; userId: string; parameter: string };

interface DeprecatedFilters {
  email?: string;
  role?: string;
  subject?: string;
  tenantId?: string;
  statuses?: string[];
}

export interface UserQuery {
  filter?: UserFilter;
  deprecated?: DeprecatedFilters;
  sortField: UserSortField;
  descending: boolean;
  limit: number;
  position?: Position;
  fields?: string[];
  totalResults: boolean;
  /** The parameters that links repeat (everything but the position). */
  linkParams: [string, string][];
}

interface UserPage {
  users: UserRecord[];
  next?: string;
  prev?: string;
  total: number;
}

function bad(detail: string, parameter: string): never {
  throw errors.usersBadQuery(detail, parameter);
}

const fail: Fail = (detail, parameter) => errors.usersBadQuery(detail, parameter);

function parseSortField(
  raw: string,
  fields: readonly UserSortField[],
): { sortField: UserSortField; descending: boolean } {
  const { field, descending } = parseSort(raw, fields, fail);
  return { sortField: field, descending };
}

/** The sort field as a cursor names it. */
function sortKey(field: UserSortField): string {
  return field === '_id' ? 'id' : field;
}

/**
 * A filter's text as a UserFilter, or a 400 naming where it came from. At most 100 comparisons (parseUserFilter), which
 * also keeps the filter action within its documented 100 ids.
 */
export function filterOrFail(text: string, source: ErrorSource): UserFilter {
  try {
    return parseUserFilter(text);
  } catch (e) {
    // The title says "Invalid filter"; the detail says what is wrong where (a client shows both).
    if (e instanceof FilterError) throw errors.usersBadFilter(e.message, source);
    throw e;
  }
}

function position(query: URLSearchParams, sortField: UserSortField, deprecated: boolean): Position | undefined {
  const at = pagePosition(query, ['next', 'prev'], fail);
  if (at) {
    const { values, id } = decodeCursor(at.value, sortKey(sortField), 1, at.parameter, fail);
    return { direction: at.direction, value: values[0] ?? null, id, parameter: at.parameter };
  }
  if (!deprecated) return undefined;
  const old = pagePosition(query, ['startingAfter', 'endingBefore'], fail);
  return old && { direction: old.direction, userId: old.value, parameter: old.parameter };
}

export function parseFields(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

function parseDeprecated(query: URLSearchParams): DeprecatedFilters | undefined {
  const used = DEPRECATED.filter((name) => query.has(name));
  if (used.length === 0) return undefined;
  if (query.has('filter'))
    bad(`"filter" cannot be combined with the deprecated parameter "${used[0] ?? ''}"`, used[0] ?? 'filter');
  const out: DeprecatedFilters = {};
  for (const name of ['email', 'role', 'subject', 'tenantId'] as const) {
    const value = query.get(name);
    if (value !== null) out[name] = value;
  }
  // The deprecated API listed active users unless told otherwise.
  const statuses = (query.get('status') ?? 'active').split(',').map((s) => s.trim());
  for (const status of statuses)
    if (!(USER_STATUSES as readonly string[]).includes(status))
      bad(`"status" must be a comma-separated list of ${USER_STATUSES.join(', ')}`, 'status');
  out.statuses = statuses;
  return out;
}

/** GET /api/v1/users. */
export function parseUserListQuery(query: URLSearchParams, strict: boolean): UserQuery {
  if (strict) refuseUnknownParams(query, LIST_PARAMS, fail);
  const get = (name: string): string | undefined => query.get(name) ?? undefined;
  const deprecated = parseDeprecated(query);
  let sortText = get('sort');
  if (sortText === undefined && deprecated) {
    const by = get('sortBy') ?? 'name';
    if (by !== 'name') bad('"sortBy" must be name', 'sortBy');
    const order = get('sortOrder') ?? 'asc';
    if (order !== 'asc' && order !== 'desc') bad('"sortOrder" must be asc or desc', 'sortOrder');
    sortText = `${order === 'desc' ? '-' : '+'}name`;
  }
  const sort = parseSortField(sortText ?? '+name', USER_SORT_FIELDS);
  const filterText = get('filter');
  const fields = parseFields(get('fields'));
  const totalResults = get('totalResults');
  const q: UserQuery = {
    ...sort,
    limit: parseLimit(get('limit') ?? '20', fail),
    totalResults: totalResults === undefined ? false : parseGoBool(totalResults, 'totalResults', fail),
    linkParams: [],
  };
  if (filterText !== undefined) q.filter = filterOrFail(filterText, { parameter: 'filter' });
  if (deprecated) q.deprecated = deprecated;
  if (fields) q.fields = fields;
  const at = position(query, sort.sortField, deprecated !== undefined);
  if (at) q.position = at;
  q.linkParams = keptParams(query, ['next', 'prev', 'startingAfter', 'endingBefore']);
  return q;
}

/** POST /api/v1/users/actions/filter: the query part (the filter is in the body). */
export function parseFilterActionQuery(query: URLSearchParams, strict: boolean): UserQuery {
  if (strict) refuseUnknownParams(query, FILTER_ACTION_PARAMS, fail);
  const get = (name: string): string | undefined => query.get(name) ?? undefined;
  const sort = parseSortField(get('sort') ?? '+name', ['name']);
  const fields = parseFields(get('fields'));
  const q: UserQuery = { ...sort, limit: parseLimit(get('limit') ?? '20', fail), totalResults: false, linkParams: [] };
  if (fields) q.fields = fields;
  const at = position(query, sort.sortField, false);
  if (at) q.position = at;
  q.linkParams = keptParams(query, ['next', 'prev']);
  return q;
}

/** The request's parameters, first value of each (as the service reads them), without the position ones. */
function keptParams(query: URLSearchParams, drop: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const name of new Set(query.keys())) {
    const value = query.get(name);
    if (!drop.includes(name) && value !== null) out.push([name, value]);
  }
  return out;
}

// ---- evaluation ----

function sortValue(u: UserRecord, field: UserSortField): SortValue {
  switch (field) {
    case 'name':
      return u.name.toLowerCase();
    case '_id':
    case 'id':
      return u.id;
    case 'tenantId':
      return u.tenantId;
    case 'clientId':
      return u.clientId ?? null;
    case 'status':
      return u.status;
    case 'subject':
      return u.subject.toLowerCase();
    case 'email':
      return u.email === '' ? null : u.email.toLowerCase();
    case 'createdAt':
      return u.createdAt;
    case 'inviteExpiry':
      return null;
  }
}

/** Missing values first (as MongoDB sorts them), then numbers, then strings; ties by id. */
function compareKeys(a: [SortValue, string], b: [SortValue, string]): number {
  const rank = (v: SortValue): number => (v === null ? 0 : typeof v === 'number' ? 1 : 2);
  const [va, ia] = a;
  const [vb, ib] = b;
  if (rank(va) !== rank(vb)) return rank(va) - rank(vb);
  if (va !== null && vb !== null && va !== vb) return va < vb ? -1 : 1;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

function keep(user: UserRecord, q: UserQuery, scope: FilterScope, filter: UserFilter | undefined): boolean {
  if (filter && !matches(filter, userValues(user, scope))) return false;
  const d = q.deprecated;
  if (!d) return true;
  if (d.email !== undefined && user.email.toLowerCase() !== d.email.toLowerCase()) return false;
  if (d.subject !== undefined && user.subject !== d.subject) return false;
  if (d.tenantId !== undefined && user.tenantId !== d.tenantId) return false;
  if (d.role !== undefined && !(scope.rolesVisible(user) && user.roles.includes(d.role))) return false;
  return d.statuses === undefined || d.statuses.includes(user.status);
}

interface Keyed {
  u: UserRecord;
  key: [SortValue, string];
}

/** The sort orders of a frozen user list (the users store's snapshot), by field and direction, made on first use. */
const orders = new WeakMap<readonly UserRecord[], Map<string, readonly Keyed[]>>();

/**
 * `users` in the query's order. Keys are unique (ties go by id), so the order is total and descending is ascending
 * reversed. A frozen list cannot change, so its orders are kept with it: a page of a list that has not changed since
 * costs no sort.
 */
function ordered(users: readonly UserRecord[], field: UserSortField, descending: boolean): readonly Keyed[] {
  const keep = Object.isFrozen(users);
  let byOrder = keep ? orders.get(users) : undefined;
  if (byOrder === undefined) {
    byOrder = new Map();
    if (keep) orders.set(users, byOrder);
  }
  const name = `${descending ? '-' : '+'}${field}`;
  let found = byOrder.get(name);
  if (found === undefined) {
    const ascending = byOrder.get(`+${field}`) ?? sortedAscending(users, field);
    byOrder.set(`+${field}`, ascending);
    found = descending ? [...ascending].reverse() : ascending;
    byOrder.set(name, found);
  }
  return found;
}

function sortedAscending(users: readonly UserRecord[], field: UserSortField): readonly Keyed[] {
  return users.map((u): Keyed => ({ u, key: [sortValue(u, field), u.id] })).sort((a, b) => compareKeys(a.key, b.key));
}

/** One page of `users` for the query; `filter` overrides the query's (the filter action's body). */
export function pageUsers(
  users: readonly UserRecord[],
  q: UserQuery,
  scope: FilterScope,
  filter: UserFilter | undefined = q.filter,
): UserPage {
  const sign = q.descending ? -1 : 1;
  const all = ordered(users, q.sortField, q.descending);
  // Filtering keeps the order, so it is applied to the sorted list.
  const keyed =
    filter === undefined && q.deprecated === undefined ? all : all.filter((k) => keep(k.u, q, scope, filter));
  let start = 0;
  let end = keyed.length;
  const at = q.position;
  if (at) {
    let key: [SortValue, string];
    if ('userId' in at) {
      const anchor = users.find((u) => u.id === at.userId);
      if (!anchor) bad(`"${at.parameter}" does not reference an existing user`, at.parameter);
      key = [sortValue(anchor, q.sortField), anchor.id];
    } else key = [at.value, at.id];
    // The first index whose key sorts after the position.
    const after = keyed.findIndex((k) => sign * compareKeys(k.key, key) > 0);
    const firstAfter = after === -1 ? keyed.length : after;
    if (at.direction === 'next') start = firstAfter;
    else {
      const notBefore = keyed.findIndex((k) => sign * compareKeys(k.key, key) >= 0);
      end = notBefore === -1 ? keyed.length : notBefore;
    }
  }
  if (at?.direction === 'prev') start = Math.max(0, end - q.limit);
  else end = Math.min(keyed.length, start + q.limit);
  const page = keyed.slice(start, end);
  const first = page[0];
  const last = page[page.length - 1];
  const result: UserPage = { users: page.map((k) => k.u), total: keyed.length };
  if (last && end < keyed.length) result.next = encodeCursor(sortKey(q.sortField), [last.key[0]], last.key[1]);
  if (first && start > 0) result.prev = encodeCursor(sortKey(q.sortField), [first.key[0]], first.key[1]);
  return result;
}

/** Keeps `id` and the requested fields of a presented user, in the presented order. */
export function project(user: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (fields === undefined) return user;
  const wanted = new Set(['id', ...fields]);
  return Object.fromEntries(Object.entries(user).filter(([name]) => wanted.has(name)));
}
