// The users API's `filter`: the subset of RFC 7644 (SCIM) filters that users.yml documents. Parsing is
// scim2-parse-filter's; this module checks the tree against Qlik's subset (`eq` on the listed fields,
// `co` on name/email/subject, `and`/`or`/`not`, parentheses, status clauses grouped for the whole
// query) and evaluates it case-insensitively against a user. Its cost is bounded (issue 18 rule 20): at most 100
// comparisons (shared/filter-syntax.ts, which also words syntax errors with their position), values lower-cased once
// (the filter's when parsed, a user's once per request and field), role ids looked up once per request (routes.ts).
import { parse, type Filter } from 'scim2-parse-filter';
import type { UserRecord } from '../../store/store.js';
import { checkFilterSyntax, FilterSyntaxError } from '../../shared/filter-syntax.js';
import { printable } from '../../shared/text.js';

/** Fields that support `eq`, lower-cased (attribute names are case-insensitive in SCIM). */
const EQ_FIELDS = new Set([
  'id',
  'subject',
  'name',
  'email',
  'status',
  'clientid',
  'assignedroles.id',
  'assignedroles.name',
  'assignedgroups.id',
  'assignedgroupsassignedroles.name',
  'assignedscopes',
]);
const CO_FIELDS = new Set(['name', 'email', 'subject']);

/** A filter as the emulator evaluates it: only the operators Qlik supports, attribute names lower-cased. */
export type UserFilter = FilterLeaf | { op: 'and' | 'or'; filters: UserFilter[] } | { op: 'not'; filter: UserFilter };
interface FilterLeaf {
  op: 'eq' | 'co';
  field: string;
  /** Lower-cased (comparisons ignore case). */
  value: string;
}

function isLeaf(f: UserFilter): f is FilterLeaf {
  return 'field' in f;
}

/** Why a filter was refused: one line, printable, without echoing long input. */
export class FilterError extends Error {}

function convert(node: Filter): UserFilter {
  switch (node.op) {
    case 'and':
    case 'or':
      if (!('filters' in node)) break;
      return { op: node.op, filters: node.filters.map(convert) };
    case 'not':
      if (!('filter' in node)) break;
      return { op: 'not', filter: convert(node.filter) };
    case 'eq':
    case 'co': {
      if (!('attrPath' in node) || !('compValue' in node)) break;
      const field = node.attrPath.toLowerCase();
      const allowed = node.op === 'eq' ? EQ_FIELDS : CO_FIELDS;
      if (!allowed.has(field))
        throw new FilterError(`the "${node.op}" operator is not supported on "${printable(node.attrPath, 60)}"`);
      if (typeof node.compValue !== 'string')
        throw new FilterError(`the value compared with "${printable(node.attrPath, 60)}" must be a quoted string`);
      return { op: node.op, field, value: node.compValue.toLowerCase() };
    }
    default:
      break;
  }
  const other = node as { op: string; attrPath?: unknown };
  if (other.op === '[]') throw new FilterError('value paths ("attr[...]") are not supported');
  const on = typeof other.attrPath === 'string' ? ` on "${printable(other.attrPath, 60)}"` : '';
  throw new FilterError(`the "${printable(other.op, 10)}" operator is not supported${on}`);
}

function mentionsStatus(f: UserFilter): boolean {
  if (isLeaf(f)) return f.field === 'status';
  if ('filter' in f) return mentionsStatus(f.filter);
  return f.filters.some(mentionsStatus);
}

function onlyStatus(f: UserFilter): boolean {
  if (isLeaf(f)) return f.field === 'status';
  if ('filter' in f) return onlyStatus(f.filter);
  return f.filters.every(onlyStatus);
}

/**
 * "Any filters for status must be grouped together and applied to the whole query": the filter is
 * only about status, or it is an `and` whose parts are each either free of status or only about it.
 */
function checkStatusGrouping(f: UserFilter): void {
  if (!mentionsStatus(f) || onlyStatus(f)) return;
  if (f.op === 'and' && f.filters.every((part) => !mentionsStatus(part) || onlyStatus(part))) return;
  throw new FilterError('status filters must be grouped together and applied to the whole query');
}

/** Parses and checks a filter; throws FilterError with a one-line reason. */
export function parseUserFilter(text: string): UserFilter {
  if (text.trim() === '') throw new FilterError('the filter is empty');
  try {
    checkFilterSyntax(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw new FilterError(e.message);
    throw e;
  }
  let tree: Filter;
  try {
    tree = parse(text);
  } catch (e) {
    // Not reached for what checkFilterSyntax passed (the same grammar); kept so a difference is still a 400.
    throw new FilterError(`syntax error: ${printable(e instanceof Error ? e.message : String(e), 120)}`);
  }
  const filter = convert(tree);
  checkStatusGrouping(filter);
  return filter;
}

export interface FilterScope {
  /** Whether the caller may see this user's roles (a TenantAdmin, or the user themself). */
  rolesVisible(user: UserRecord): boolean;
  /** A role's id by its name (the roles service's). */
  roleId(name: string): string;
  /** The user's groups with their roles (the groups service's), for `assignedGroups.id` and `assignedGroupsAssignedRoles.name`. */
  groupsOf?(user: UserRecord): { id: string; roles: string[] }[];
}

function values(user: UserRecord, field: string, scope: FilterScope): string[] {
  switch (field) {
    case 'id':
      return [user.id];
    case 'subject':
      return [user.subject];
    case 'name':
      return [user.name];
    case 'email':
      return user.email === '' ? [] : [user.email];
    case 'status':
      return [user.status];
    case 'clientid':
      return user.clientId === undefined ? [] : [user.clientId];
    case 'assignedroles.id':
      return scope.rolesVisible(user) ? user.roles.map((r) => scope.roleId(r)) : [];
    case 'assignedroles.name':
      return scope.rolesVisible(user) ? [...user.roles] : [];
    case 'assignedgroups.id':
      return (scope.groupsOf?.(user) ?? []).map((g) => g.id);
    case 'assignedgroupsassignedroles.name':
      return scope.rolesVisible(user) ? (scope.groupsOf?.(user) ?? []).flatMap((g) => g.roles) : [];
    default:
      // assignedScopes: the emulator has no scopes.
      return [];
  }
}

/** A user's values per field, lower-cased, computed at most once per user and request. */
export type UserValues = (field: string) => string[];

/** The lower-cased values of `user` for the scope, each field computed on first use only. */
export function userValues(user: UserRecord, scope: FilterScope): UserValues {
  const memo = new Map<string, string[]>();
  return (field) => {
    let found = memo.get(field);
    if (found === undefined) {
      found = values(user, field, scope).map((v) => v.toLowerCase());
      memo.set(field, found);
    }
    return found;
  };
}

type Matcher = (of: UserValues) => boolean;

/**
 * The filter as one function: the `eq` parts of an `or` on one field become one set (300 `assignedRoles.id eq` clauses
 * cost one look-up a user, not 300).
 */
function compile(f: UserFilter): Matcher {
  if (isLeaf(f)) {
    const { field, value } = f;
    return f.op === 'eq' ? (of) => of(field).includes(value) : (of) => of(field).some((v) => v.includes(value));
  }
  if (f.op === 'not') {
    const inner = compile(f.filter);
    return (of) => !inner(of);
  }
  if (f.op === 'and') {
    const parts = f.filters.map(compile);
    return (of) => parts.every((part) => part(of));
  }
  const sets = new Map<string, Set<string>>();
  const others: Matcher[] = [];
  for (const part of f.filters) {
    if (isLeaf(part) && part.op === 'eq') {
      const set = sets.get(part.field) ?? new Set<string>();
      set.add(part.value);
      sets.set(part.field, set);
    } else others.push(compile(part));
  }
  const checks: Matcher[] = [
    ...[...sets].map(
      ([field, set]): Matcher =>
        (of) =>
          of(field).some((v) => set.has(v)),
    ),
    ...others,
  ];
  return (of) => checks.some((check) => check(of));
}

const compiled = new WeakMap<UserFilter, Matcher>();

/** Whether the user (its values, from userValues) matches; comparisons ignore case, as the users API documents. */
export function matches(f: UserFilter, of: UserValues): boolean {
  let matcher = compiled.get(f);
  if (matcher === undefined) {
    matcher = compile(f);
    compiled.set(f, matcher);
  }
  return matcher(of);
}
