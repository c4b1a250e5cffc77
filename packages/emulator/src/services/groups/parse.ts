// Request parsing for /api/v1/groups: the filter (the RFC 7644 subset groups.yml marks filterable: `eq` on
// id, name, status, providerType, createdAt, lastUpdatedAt; `co` and `sw` on name; and/or/not), the list and
// filter-action queries, create bodies, role references, JSON Patch operations and the settings patch.
import { parse, type Filter } from 'scim2-parse-filter';
import { checkFilterSyntax } from '../../shared/filter-syntax.js';
import { printable } from '../../shared/text.js';
import { isPlainObject, objectBody, pointer, type Fail } from '../../shared/validate.js';
import {
  decodeCursor,
  pagePosition,
  parseGoBool,
  parseLimit,
  parseSort,
  refuseUnknownParams,
  type PageCursor,
} from '../../shared/list-query.js';
import { groupErrors } from './errors.js';

const fail: Fail = (detail, at) => groupErrors.badBody(detail, at);

// ---- filter ----

const EQ_FIELDS = new Set(['id', 'name', 'status', 'providertype', 'createdat', 'lastupdatedat']);
const TEXT_OPS = new Set(['co', 'sw']);

export type GroupFilter = Filter;

function check(node: Filter): void {
  switch (node.op) {
    case 'and':
    case 'or':
      if ('filters' in node) node.filters.forEach(check);
      return;
    case 'not':
      if ('filter' in node) check(node.filter);
      return;
    case 'eq':
    case 'co':
    case 'sw': {
      if (!('attrPath' in node) || !('compValue' in node)) break;
      const field = node.attrPath.toLowerCase();
      if (!(node.op === 'eq' ? EQ_FIELDS.has(field) : TEXT_OPS.has(node.op) && field === 'name'))
        throw new Error(`the "${node.op}" operator is not supported on "${printable(node.attrPath, 60)}"`);
      if (typeof node.compValue !== 'string')
        throw new Error(`the value compared with "${printable(node.attrPath, 60)}" must be a quoted string`);
      return;
    }
    default:
      break;
  }
  throw new Error(`the "${node.op}" operator is not supported`);
}

export function parseGroupFilter(text: string, source: { parameter?: string; pointer?: string }): GroupFilter {
  try {
    if (text.trim() === '') throw new Error('the filter is empty');
    // Says what is wrong where, and bounds the cost (at most 100 comparisons); then the library parses.
    checkFilterSyntax(text);
    const tree = parse(text);
    check(tree);
    return tree;
  } catch (e) {
    // The title says "Invalid filter"; the detail says what is wrong where (a client shows both).
    throw groupErrors.badFilter(printable(e instanceof Error ? e.message : String(e), 200), source);
  }
}

/** Case-insensitive, as groups.yml says of every condition. */
export function matchesGroup(values: Record<string, string>, f: GroupFilter): boolean {
  switch (f.op) {
    case 'and':
      return 'filters' in f && f.filters.every((c) => matchesGroup(values, c));
    case 'or':
      return 'filters' in f && f.filters.some((c) => matchesGroup(values, c));
    case 'not':
      return 'filter' in f && !matchesGroup(values, f.filter);
    default: {
      if (!('attrPath' in f) || !('compValue' in f)) return false;
      const have = (values[f.attrPath.toLowerCase()] ?? '').toLowerCase();
      const want = String(f.compValue).toLowerCase();
      if (f.op === 'eq') return have === want;
      if (f.op === 'co') return have.includes(want);
      return have.startsWith(want);
    }
  }
}

// ---- list queries ----

export const SORT_FIELDS = ['name', 'id', 'status', 'providerType', 'createdAt', 'lastUpdatedAt'] as const;
type GroupSortField = (typeof SORT_FIELDS)[number];

export interface GroupQuery {
  filter?: GroupFilter;
  sortField: GroupSortField;
  descending: boolean;
  limit: number;
  cursor?: PageCursor;
  totalResults: boolean;
  systemGroups: boolean;
  /** Parameters that links repeat. */
  linkParams: [string, string][];
}

const queryFail: Fail = (detail, parameter) => groupErrors.badQuery(detail, parameter);

export function parseGroupQuery(query: URLSearchParams, strict: boolean, action: boolean): GroupQuery {
  const allowed = action
    ? ['limit', 'next', 'prev', 'sort']
    : ['filter', 'limit', 'next', 'prev', 'sort', 'systemGroups', 'totalResults'];
  if (strict) refuseUnknownParams(query, allowed, queryFail);
  const get = (name: string): string | undefined =>
    allowed.includes(name) ? (query.get(name) ?? undefined) : undefined;
  const sortable: readonly GroupSortField[] = action ? ['name'] : SORT_FIELDS;
  const { field, descending } = parseSort(get('sort') ?? '+name', sortable, queryFail);
  const q: GroupQuery = {
    sortField: field,
    descending,
    limit: 20,
    totalResults: false,
    systemGroups: false,
    linkParams: [],
  };
  const limit = get('limit');
  if (limit !== undefined) q.limit = parseLimit(limit, queryFail);
  const filter = get('filter');
  if (filter !== undefined) q.filter = parseGroupFilter(filter, { parameter: 'filter' });
  const total = get('totalResults');
  if (total !== undefined) q.totalResults = parseGoBool(total, 'totalResults', queryFail);
  const system = get('systemGroups');
  if (system !== undefined) {
    q.systemGroups = parseGoBool(system, 'systemGroups', queryFail);
    const other = [...query.keys()].find((k) => k !== 'systemGroups');
    if (q.systemGroups && other !== undefined)
      throw groupErrors.badQuery(`"systemGroups" cannot be combined with "${other}"`, other);
  }
  const at = pagePosition(query, ['next', 'prev'], queryFail);
  if (at) {
    const { id } = decodeCursor(at.value, field, 0, at.parameter, queryFail);
    q.cursor = { direction: at.direction, id };
  }
  for (const name of ['filter', 'limit', 'sort', 'totalResults']) {
    const value = get(name);
    if (value !== undefined) q.linkParams.push([name, value]);
  }
  return q;
}

/** The filter action's body: optional; `{"filter": "…"}` with at most 100 ids. */
export function parseFilterBody(body: unknown): GroupFilter | undefined {
  if (body === undefined) return undefined;
  if (!isPlainObject(body)) throw fail('The request body must be a JSON object', '');
  const filter = body['filter'];
  if (filter === undefined) return undefined;
  if (typeof filter !== 'string') throw fail('"filter" must be a string', '/filter');
  const ids = (filter.match(/\bid\s+eq\b/gi) ?? []).length;
  if (ids > 100)
    throw groupErrors.badFilter('the filter must not contain more than 100 ids', {
      pointer: '/filter',
    });
  return parseGroupFilter(filter, { pointer: '/filter' });
}

// ---- bodies ----

/** `[{name}]` or `[{id}]` (at most 100) as role names. */
/** The role name a `{id}` or `{name}` reference names (the roles service's), or undefined. */
type RoleLookup = (ref: { id?: string; name?: string }) => string | undefined;

export function parseRoleRefs(value: unknown, at: string, lookup: RoleLookup): string[] {
  if (!Array.isArray(value) || value.length > 100)
    throw fail('"assignedRoles" must be an array of at most 100 {"id"} or {"name"} objects', at);
  const names = value.map((ref: unknown, i): string => {
    const obj = objectBody(ref, ['id', 'name'], fail, `${at}/${i}`);
    const id = obj['id'];
    const name = obj['name'];
    if ((typeof name !== 'string' || name === '') && typeof id !== 'string')
      throw fail('A role reference needs a "name" or an "id"', `${at}/${i}`);
    const byName = typeof name === 'string' && name !== '';
    const found = byName ? lookup({ name }) : lookup({ id: id as string });
    if (found === undefined)
      throw fail(
        `No role has the ${byName ? 'name' : 'id'} "${printable(String(byName ? name : id), 40)}"`,
        `${at}/${i}/${byName ? 'name' : 'id'}`,
      );
    return found;
  });
  return [...new Set(names)];
}

interface CreateGroupInput {
  name: string;
  description?: string;
  providerType: 'idp' | 'custom';
  roles: string[];
}

export function parseCreateGroup(body: unknown, lookup: RoleLookup): CreateGroupInput {
  const obj = objectBody(body, ['name', 'status', 'description', 'providerType', 'assignedRoles'], fail);
  const name = obj['name'];
  if (typeof name !== 'string' || name.length < 1 || name.length > 256)
    throw fail('"name" is required: 1-256 characters', '/name');
  if (obj['status'] !== undefined && obj['status'] !== 'active' && obj['status'] !== '')
    throw fail('"status" must be "active"', '/status');
  const providerType = obj['providerType'] ?? 'idp';
  if (providerType !== 'idp' && providerType !== 'custom')
    throw fail('"providerType" must be "idp" or "custom"', '/providerType');
  const input: CreateGroupInput = { name, providerType, roles: [] };
  if (obj['description'] !== undefined) {
    if (typeof obj['description'] !== 'string') throw fail('"description" must be a string', '/description');
    input.description = obj['description'];
  }
  if (obj['assignedRoles'] !== undefined) input.roles = parseRoleRefs(obj['assignedRoles'], '/assignedRoles', lookup);
  return input;
}

type GroupPatch = { path: 'assignedRoles'; roles: string[] } | { path: 'name' | 'description'; value: string };

export function parseGroupPatch(body: unknown, lookup: RoleLookup): GroupPatch[] {
  if (!Array.isArray(body) || body.length === 0)
    throw fail('The request body must be a non-empty JSON Patch array', '');
  return body.map((raw: unknown, i): GroupPatch => {
    const op = objectBody(raw, ['op', 'path', 'value'], fail, pointer(i));
    if (op['op'] !== 'replace') throw fail('"op" must be "replace"', pointer(i, 'op'));
    const path = typeof op['path'] === 'string' ? op['path'].replace(/^\//, '') : '';
    if (path !== 'assignedRoles' && path !== 'name' && path !== 'description')
      throw fail('"path" must be one of: assignedRoles, name, description', pointer(i, 'path'));
    if (path === 'assignedRoles') return { path, roles: parseRoleRefs(op['value'], pointer(i, 'value'), lookup) };
    const value = op['value'];
    if (typeof value !== 'string' || (path === 'name' && (value.length < 1 || value.length > 256)))
      throw fail(
        path === 'name' ? '"value" must be a name of 1-256 characters' : '"value" must be a string',
        pointer(i, 'value'),
      );
    return { path, value };
  });
}

type SettingsPatch =
  { path: 'autoCreateGroups' | 'syncIdpGroups'; value: boolean } | { path: 'everyoneRoles'; roles: string[] };

export const EVERYONE_ID = '000000000000000000000001';

export function parseSettingsPatch(body: unknown, lookup: RoleLookup): SettingsPatch[] {
  if (!Array.isArray(body) || body.length === 0)
    throw fail('The request body must be a non-empty JSON Patch array', '');
  return body.map((raw: unknown, i): SettingsPatch => {
    const op = objectBody(raw, ['op', 'path', 'value'], fail, pointer(i));
    if (op['op'] !== 'replace') throw fail('"op" must be "replace"', pointer(i, 'op'));
    const path = op['path'];
    if (path === '/autoCreateGroups' || path === '/syncIdpGroups') {
      if (typeof op['value'] !== 'boolean') throw fail('"value" must be a boolean', pointer(i, 'value'));
      return { path: path.slice(1) as 'autoCreateGroups' | 'syncIdpGroups', value: op['value'] };
    }
    if (path === `/systemGroups/${EVERYONE_ID}/assignedRoles`)
      return { path: 'everyoneRoles', roles: parseRoleRefs(op['value'], pointer(i, 'value'), lookup) };
    throw fail(
      `"path" must be one of: /autoCreateGroups, /syncIdpGroups, /systemGroups/${EVERYONE_ID}/assignedRoles`,
      pointer(i, 'path'),
    );
  });
}
