// Filter mistakes answered with what is wrong where, in every service's own error shape (issue 23 item 2), and filters
// whose cost is bounded (issue 18 rule 20): at most 100 comparisons, a 400 naming the limit past it.
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator, type CallResponse } from '../../../test/kit/emulator.js';
import { filterOrFail, pageUsers, parseUserListQuery } from '../src/services/users/query.js';
import type { FilterScope } from '../src/services/users/filter.js';
import type { UserRecord } from '../src/store/store.js';
import { expectError } from './util.js';

const emu = useEmulator({ reset: false });

const q = (filter: string): string => `filter=${encodeURIComponent(filter)}`;
const clauses = (n: number, field = 'name'): string =>
  Array.from({ length: n }, (_, i) => `${field} eq "u${i}"`).join(' or ');
const LIMIT = (n: number, at: number): string =>
  `the filter has more than 100 comparisons (the limit is 100; comparison ${n} is at position ${at})`;

describe('users', () => {
  it('`user ls --filter "email eq"`: the detail says what is missing where', async () => {
    const res = await emu.call('GET', `/api/v1/users?${q('email eq')}`, { as: emu.admin });
    const error = expectError(res, 400, 'USERS-2');
    expect(error.detail).toBe('expected a value after "eq" at position 9 (the end of the filter)');
    expect(error.source).toEqual({ parameter: 'filter' });
  });

  it('takes a filter of 100 comparisons and refuses 101 with a 400 naming the limit', async () => {
    const ok = await emu.call('POST', '/api/v1/users/actions/filter', {
      as: emu.admin,
      body: { filter: clauses(100) },
    });
    expect(ok.status, ok.text).toBe(200);
    const text = clauses(101);
    const res = await emu.call('POST', '/api/v1/users/actions/filter', { as: emu.admin, body: { filter: text } });
    const error = expectError(res, 400, 'USERS-2');
    expect(error.detail).toBe(LIMIT(101, text.lastIndexOf('name') + 1));
    expect(error.source).toEqual({ pointer: '/filter' });
    const get = await emu.call('GET', `/api/v1/users?${q(text)}`, { as: emu.admin });
    expect(expectError(get, 400, 'USERS-2').source).toEqual({ parameter: 'filter' });
  });
});

describe('groups', () => {
  it('names the mistake and its position, in the query and in the filter action', async () => {
    const res = await emu.call('GET', `/api/v1/groups?${q('(name eq "a"')}`, { as: emu.admin });
    expect(expectError(res, 400, 'GROUPS-2').detail).toBe(
      'the "(" at position 1 is not closed: expected ")" at position 13 (the end of the filter)',
    );
    const action = await emu.call('POST', '/api/v1/groups/actions/filter', {
      as: emu.admin,
      body: { filter: 'name eq "a" foo' },
    });
    const error = expectError(action, 400, 'GROUPS-2');
    expect(error.detail).toBe('unexpected "foo" at position 13: expected "and", "or" or the end of the filter');
    expect(error.source).toEqual({ pointer: '/filter' });
  });

  it('refuses more than 100 comparisons', async () => {
    const text = clauses(101);
    const res = await emu.call('GET', `/api/v1/groups?${q(text)}`, { as: emu.admin });
    expect(expectError(res, 400, 'GROUPS-2').detail).toBe(LIMIT(101, text.lastIndexOf('name') + 1));
    expect((await emu.call('GET', `/api/v1/groups?${q(clauses(100))}`, { as: emu.admin })).status).toBe(200);
  });
});

describe('roles', () => {
  it('names an unknown operator and where it is', async () => {
    const res = await emu.call('GET', `/api/v1/roles?${q('name zz "x"')}`, { as: emu.admin });
    expect(res.status, res.text).toBe(400);
    expect((res.body as { errors: { detail: string }[] }).errors[0]?.detail).toBe(
      'Invalid filter: unknown operator "zz" at position 6 (the operators are eq, ne, co, sw, ew, gt, lt, ge, le and pr)',
    );
  });
});

describe('SCIM', () => {
  let token: string;
  beforeAll(async () => {
    const idp = (
      (await emu.call('GET', '/api/v1/identity-providers', { as: emu.admin })).body.data[0] as { id: string }
    ).id;
    const key = await emu.call('POST', '/api/v1/api-keys', {
      as: emu.admin,
      body: { description: 'scim', subType: 'externalClient', sub: `SCIM\\${idp}` },
    });
    token = (key.body as { token: string }).token;
  });
  const scim = (method: string, path: string, body?: unknown): Promise<CallResponse> =>
    emu.call(method, `/api/v1/scim/v2${path}`, {
      token,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/scim+json' } }),
    });
  const detail = (res: CallResponse, scimType: string): string => {
    expect(res.status, res.text).toBe(400);
    expect(res.body.scimType).toBe(scimType);
    return res.body.detail as string;
  };

  it('names the mistake in a list filter', async () => {
    expect(detail(await scim('GET', `/Users?${q('userName eq')}`), 'invalidFilter')).toBe(
      'The filter is not valid: expected a value after "eq" at position 12 (the end of the filter)',
    );
    expect(detail(await scim('GET', `/Groups?${q('displayName eq "a" and (')}`), 'invalidFilter')).toBe(
      'The filter is not valid: expected a comparison at position 25 (the end of the filter)',
    );
  });

  it('refuses more than 100 comparisons', async () => {
    const text = clauses(101, 'userName');
    expect(detail(await scim('GET', `/Users?${q(text)}`), 'invalidFilter')).toBe(
      `The filter is not valid: ${LIMIT(101, text.lastIndexOf('userName') + 1)}`,
    );
  });

  it('names the mistake in a PATCH path filter, with positions in the path', async () => {
    const user = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'pat@contoso.example',
      emails: [{ type: 'work', value: 'pat@contoso.example' }],
    });
    expect(user.status, user.text).toBe(201);
    const res = await scim('PATCH', `/Users/${user.body.id as string}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'emails[type eq].value', value: 'x@y.z' }],
    });
    expect(detail(res, 'invalidPath')).toBe(
      'The filter in the path "emails[type eq].value" is not valid: expected a value after "eq" at position 15 (the end of the filter)',
    );
  });
});

describe('the cost of a users filter', () => {
  // 10 000 users and a 10 000-character filter of 100 comparisons, evaluated as the list does (in memory, no HTTP).
  // Speed itself is measured outside the tests; this checks the answer and that every comparison kind is covered.
  const users: UserRecord[] = Array.from({ length: 10_000 }, (_, i) => ({
    id: `u${String(i).padStart(23, '0')}`,
    tenantId: 't',
    name: `User ${i}`,
    email: `user${i}@example.com`,
    subject: `auth0|${i}`,
    status: 'active',
    roles: i % 3 === 0 ? ['Developer'] : ['User'],
    createdAt: 0,
    lastUpdatedAt: 0,
  }));
  let described = 0;
  const scope: FilterScope = {
    rolesVisible: () => true,
    roleId: (name) => {
      described += 1;
      return `id-${name.toLowerCase()}`;
    },
    groupsOf: () => [],
  };

  it('answers a 10 000-character filter of 100 comparisons over 10 000 users', () => {
    const parts = [
      ...Array.from({ length: 97 }, (_, i) => `assignedRoles.id eq "id-nobody-${'x'.repeat(62)}-${i}"`),
      'assignedRoles.id eq "ID-DEVELOPER"',
      'email co "USER1234@"',
      'not (status eq "disabled")',
    ];
    const text = `(${parts.slice(0, 99).join(' or ')}) and ${parts[99] ?? ''}`;
    expect(text.length).toBeGreaterThan(9_000);
    expect(text.length).toBeLessThanOrEqual(10_000);
    const query = parseUserListQuery(new URLSearchParams({ limit: '100', filter: text }), false);
    const page = pageUsers(users, query, scope);
    expect(page.total).toBe(users.filter((u, i) => i % 3 === 0 || u.email === 'user1234@example.com').length);
    // Role ids are looked up once per role name and request in routes.ts; here the scope is the test's own.
    expect(described).toBeGreaterThan(0);
    expect(() => filterOrFail(`${text} or name eq "x"`, { parameter: 'filter' })).toThrow();
  });
});
