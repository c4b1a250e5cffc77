// The users API's response schemas (users.yml: Users, User, UserCount, Errors), written out as
// checks: required fields, types, enums, and no property the schema does not define.
import { expect } from 'vitest';

const USER_PROPS: Record<string, (v: unknown) => boolean> = {
  id: isString,
  name: isString,
  email: isString,
  links: (v) => isObject(v) && isObject(v['self']) && isString(v['self']['href']) && keysIn(v, ['self']),
  locale: isString,
  status: (v) => ['active', 'invited', 'disabled', 'deleted', 'provisioned'].includes(v as string),
  picture: isString,
  subject: isString,
  tenantId: isString,
  zoneinfo: isString,
  createdAt: isDateTime,
  inviteExpiry: (v) => typeof v === 'number',
  assignedRoles: (v) => Array.isArray(v) && v.every(isRole),
  lastUpdatedAt: isDateTime,
  assignedGroups: (v) =>
    Array.isArray(v) &&
    v.every(
      (g) =>
        isObject(g) &&
        isString(g['id']) &&
        isString(g['name']) &&
        keysIn(g, ['id', 'name', 'providerType', 'assignedRoles']),
    ),
  assignedScopes: (v) => Array.isArray(v) && v.every(isString),
  preferredLocale: isString,
  preferredZoneinfo: isString,
};
const USER_REQUIRED = ['id', 'subject', 'name', 'tenantId'];

function isString(v: unknown): v is string {
  return typeof v === 'string';
}
function isObject(v: unknown): v is Record<string, Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isDateTime(v: unknown): boolean {
  return isString(v) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v);
}
function keysIn(obj: object, allowed: string[]): boolean {
  return Object.keys(obj).every((k) => allowed.includes(k));
}
function isRole(r: unknown): boolean {
  return (
    isObject(r) &&
    isString(r['id']) &&
    isString(r['name']) &&
    ['default', 'custom'].includes(r['type'] as unknown as string) &&
    ['admin', 'user'].includes(r['level'] as unknown as string) &&
    keysIn(r, ['id', 'name', 'type', 'level'])
  );
}

/** A full User (no `fields` projection). */
export function expectUser(user: unknown): void {
  expect(isObject(user), JSON.stringify(user)).toBe(true);
  const u = user as Record<string, unknown>;
  for (const name of USER_REQUIRED) expect(u, `missing ${name}`).toHaveProperty(name);
  for (const [name, value] of Object.entries(u)) {
    const check = USER_PROPS[name];
    expect(check, `unknown User property ${name}`).toBeDefined();
    expect(check?.(value), `bad User.${name}: ${JSON.stringify(value)}`).toBe(true);
  }
}

/** A Users page: data (each a full User), links.self/next/prev with href, optional integer totalResults. */
export function expectUsers(body: unknown): void {
  expect(isObject(body)).toBe(true);
  const b = body as Record<string, unknown>;
  expect(keysIn(b, ['data', 'links', 'totalResults']), Object.keys(b).join()).toBe(true);
  expect(Array.isArray(b['data'])).toBe(true);
  for (const user of b['data'] as unknown[]) expectUser(user);
  const links = b['links'] as Record<string, unknown>;
  expect(isObject(links) && keysIn(links, ['self', 'next', 'prev'])).toBe(true);
  for (const [name, link] of Object.entries(links)) {
    expect(isObject(link) && isString(link['href']) && keysIn(link, ['href']), `links.${name}`).toBe(true);
  }
  expect(links['self']).toBeDefined();
  if (b['totalResults'] !== undefined) expect(Number.isInteger(b['totalResults'])).toBe(true);
}

/** An Errors body with a numeric status on each error (users.yml's Error). */
export function expectUsersError(body: unknown): void {
  expect(isObject(body)).toBe(true);
  const b = body as { errors: Record<string, unknown>[]; traceId: unknown };
  expect(keysIn(b, ['errors', 'traceId'])).toBe(true);
  expect(isString(b.traceId)).toBe(true);
  for (const e of b.errors) {
    expect(isString(e['code']) && isString(e['title'])).toBe(true);
    expect(keysIn(e, ['code', 'meta', 'title', 'detail', 'source', 'status'])).toBe(true);
    expect(typeof e['status']).toBe('number');
  }
}
