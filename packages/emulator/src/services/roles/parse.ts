// Request parsing for the roles API: the list query (filter, sort, limit, next/prev, totalResults), the create
// body (CreateRole) and the patch array (PatchRoles). The filter is RFC 7644's syntax (parsed by
// scim2-parse-filter) evaluated case-insensitively on the filterable fields of roles.yml.
import { parse, type Filter } from 'scim2-parse-filter';
import { checkFilterSyntax } from '../../shared/filter-syntax.js';
import { printable } from '../../shared/text.js';
import {
  decodeCursor,
  pagePosition,
  parseLimit,
  parseSort,
  refuseUnknownParams,
  type PageCursor,
} from '../../shared/list-query.js';
import { objectBody, optionalString, pointer, type Fail } from '../../shared/validate.js';
import { rolesErrors, rolesFail } from './errors.js';

/** roles.yml's x-qlik-filterable fields, lower-cased (SCIM attribute names ignore case). */
const FILTER_FIELDS: Record<string, string> = {
  id: 'id',
  name: 'name',
  type: 'type',
  level: 'level',
  tenantid: 'tenantId',
  description: 'description',
  permissions: 'permissions',
  createdat: 'createdAt',
  lastupdatedat: 'lastUpdatedAt',
};
export const SORT_FIELDS = ['id', 'name', 'type', 'level', 'description', 'createdAt', 'lastUpdatedAt'] as const;
const QUERY_PARAMS = ['filter', 'limit', 'next', 'prev', 'sort', 'totalResults'];

export type RoleJson = Record<string, unknown>;

interface RoleQuery {
  filter?: (role: RoleJson) => boolean;
  sort?: { field: string; descending: boolean };
  limit: number;
  cursor?: PageCursor;
  totalResults: boolean;
  /** The query parameters a page link repeats (not the cursor). */
  linkParams: [string, string][];
}

function valuesOf(role: RoleJson, field: string): string[] {
  const v = role[field];
  const text = (x: unknown): string => (typeof x === 'string' ? x : JSON.stringify(x)).toLowerCase();
  if (Array.isArray(v)) return v.map(text);
  return v === undefined ? [] : [text(v)];
}

function compile(node: Filter): (role: RoleJson) => boolean {
  switch (node.op) {
    case 'and':
    case 'or': {
      if (!('filters' in node)) break;
      const parts = node.filters.map(compile);
      return node.op === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
    }
    case 'not': {
      if (!('filter' in node)) break;
      const inner = compile(node.filter);
      return (r) => !inner(r);
    }
    default: {
      if (!('attrPath' in node)) break;
      const field = FILTER_FIELDS[node.attrPath.toLowerCase()];
      if (field === undefined) throw new Error(`"${printable(node.attrPath, 60)}" is not a filterable field of roles`);
      if (node.op === 'pr') return (r) => valuesOf(r, field).length > 0;
      if (!('compValue' in node)) break;
      const want = String(node.compValue).toLowerCase();
      const test: Record<string, (v: string) => boolean> = {
        eq: (v) => v === want,
        ne: (v) => v !== want,
        co: (v) => v.includes(want),
        sw: (v) => v.startsWith(want),
        ew: (v) => v.endsWith(want),
        gt: (v) => v > want,
        ge: (v) => v >= want,
        lt: (v) => v < want,
        le: (v) => v <= want,
      };
      const t = test[node.op];
      if (!t) break;
      if (node.op === 'ne') return (r) => valuesOf(r, field).every(t);
      return (r) => valuesOf(r, field).some(t);
    }
  }
  throw new Error(`the "${node.op}" operator is not supported`);
}

function parseRoleFilter(text: string): (role: RoleJson) => boolean {
  if (text.trim() === '') throw rolesErrors.badQuery('The filter is empty', 'filter');
  try {
    // Says what is wrong where, and bounds the cost (at most 100 comparisons); then the library parses.
    checkFilterSyntax(text);
    return compile(parse(text));
  } catch (e) {
    throw rolesErrors.badQuery(
      `Invalid filter: ${printable(e instanceof Error ? e.message : String(e), 160)}`,
      'filter',
    );
  }
}

const queryFail: Fail = (detail, parameter) => rolesErrors.badQuery(detail, parameter);

/** The tag of a cursor token: tokens of one sort order do not page another. */
export function cursorTag(q: RoleQuery): string {
  return q.sort?.field ?? 'roles';
}

export function parseRoleQuery(query: URLSearchParams, strict: boolean): RoleQuery {
  if (strict) refuseUnknownParams(query, QUERY_PARAMS, queryFail);
  const q: RoleQuery = { limit: 20, totalResults: false, linkParams: [] };
  const filter = query.get('filter');
  if (filter !== null) {
    q.filter = parseRoleFilter(filter);
    q.linkParams.push(['filter', filter]);
  }
  const sort = query.get('sort');
  if (sort !== null) {
    const { field, descending } = parseSort(sort, SORT_FIELDS, queryFail);
    q.sort = { field, descending };
    q.linkParams.push(['sort', sort]);
  }
  const limit = query.get('limit');
  if (limit !== null) {
    q.limit = parseLimit(limit, queryFail);
    q.linkParams.push(['limit', limit]);
  }
  const at = pagePosition(query, ['next', 'prev'], queryFail);
  if (at)
    q.cursor = { id: decodeCursor(at.value, cursorTag(q), 0, at.parameter, queryFail).id, direction: at.direction };
  const total = query.get('totalResults');
  if (total !== null) {
    if (total !== 'true' && total !== 'false')
      throw rolesErrors.badQuery('"totalResults" must be true or false', 'totalResults');
    q.totalResults = total === 'true';
    q.linkParams.push(['totalResults', total]);
  }
  return q;
}

interface CreateRoleInput {
  name: string;
  description: string;
  assignedScopes: string[];
}

function scopesAt(value: unknown, at: string): string[] {
  if (!Array.isArray(value) || !value.every((s): s is string => typeof s === 'string' && s !== ''))
    throw rolesFail('"assignedScopes" must be an array of scope names', at);
  return [...new Set(value)];
}

export function parseCreateRole(body: unknown): CreateRoleInput {
  const obj = objectBody(body, ['name', 'description', 'assignedScopes'], rolesFail);
  const name = optionalString(obj, 'name', rolesFail, true);
  if (name === undefined) throw rolesFail('"name" is required', '/name');
  return {
    name,
    description: optionalString(obj, 'description', rolesFail) ?? '',
    assignedScopes: obj['assignedScopes'] === undefined ? [] : scopesAt(obj['assignedScopes'], '/assignedScopes'),
  };
}

interface RolePatchStep {
  op: 'replace' | 'add' | 'remove-value';
  path: '/name' | '/description' | '/assignedScopes' | '/assignedScopes/-';
  value: string | string[];
  at: string;
}

const OPS = ['replace', 'add', 'remove-value'];
const PATHS = ['/name', '/description', '/assignedScopes', '/assignedScopes/-'];

export function parseRolePatch(body: unknown): RolePatchStep[] {
  if (!Array.isArray(body) || body.length === 0)
    throw rolesFail('The request body must be a non-empty array of JSON Patch operations', '');
  return body.map((item: unknown, i): RolePatchStep => {
    const at = pointer(i);
    const obj = objectBody(item, ['op', 'path', 'value'], (d, p) => rolesFail(d, at + p));
    const { op, path, value } = obj;
    if (typeof op !== 'string' || !OPS.includes(op))
      throw rolesFail(`"op" must be one of: ${OPS.join(', ')}`, `${at}/op`);
    if (typeof path !== 'string' || !PATHS.includes(path))
      throw rolesFail(`"path" must be one of: ${PATHS.join(', ')}`, `${at}/path`);
    if (typeof value === 'string') return { op, path, value, at } as RolePatchStep;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      return { op, path, value, at } as RolePatchStep;
    throw rolesFail('"value" must be a string or an array of strings', `${at}/value`);
  });
}
