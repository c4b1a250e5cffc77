// The users API over 250+ users: GET /api/v1/users (filter, sort, cursors both ways, fields,
// totalResults, the deprecated parameters), POST /actions/filter, /actions/count, who sees what,
// and the 400s that name the parameter. Every 200 and error body is checked against users.yml.
import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type CallResponse, useEmulator } from '../../../test/kit/emulator.js';
import { expectUser, expectUsers, expectUsersError } from './users-schema.js';
import { expectError, walkLinks } from './util.js';

interface User {
  id: string;
  name: string;
  email?: string;
  subject: string;
  status: string;
  createdAt: string;
  assignedRoles?: { name: string }[];
}

interface Page {
  data: User[];
  links: { self: { href: string }; next?: { href: string }; prev?: { href: string } };
  totalResults?: number;
}

const ROLES = [['User'], ['Developer'], ['TenantAdmin'], ['ManageApiKeys', 'User']];
const STATUSES = ['active', 'active', 'active', 'disabled', 'invited'];
const ADDED = 250;
const emu = useEmulator({ reset: false });
const strict = useEmulator({ strict: true, reset: false });
let everyone: User[] = [];

beforeAll(async () => {
  const users = Array.from({ length: ADDED }, (_, i) => ({
    // Mixed case and repeated names, so that the name order and its id tie-break both matter.
    name: `${i % 3 === 0 ? 'User' : 'user'} ${String((i * 7) % 120).padStart(3, '0')}`,
    email: `person.${i}@${i % 2 === 0 ? 'acme' : 'globex'}.example`,
    roles: ROLES[i % ROLES.length]!,
    status: STATUSES[i % STATUSES.length]!,
    subject: `idp|${1000 + i}`,
  }));
  const added = await emu.addUsers(users);
  expect(added).toHaveLength(ADDED);
  everyone = await walk('/api/v1/users?limit=100');
}, 60_000);

async function page(href: string, token = emu.admin.apiKey): Promise<Page> {
  const res = await emu.call('GET', href, { token });
  expect(res.status, res.text).toBe(200);
  expectUsers(res.body);
  return res.body as Page;
}

function walkPages(start: string, direction: 'next' | 'prev' = 'next', token?: string): Promise<Page[]> {
  return walkLinks(start, direction, (href) => page(href, token));
}

async function walk(start: string, token?: string): Promise<User[]> {
  return (await walkPages(start, 'next', token)).flatMap((p) => p.data);
}

function ids(users: { id: string }[]): string[] {
  return users.map((u) => u.id);
}

function nameOrder(a: User, b: User): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function filterIds(res: CallResponse): string[] {
  expect(res.status, res.text).toBe(200);
  expectUsers(res.body);
  return ids((res.body as Page).data);
}

const q = (filter: string): string => `/api/v1/users?limit=100&filter=${encodeURIComponent(filter)}`;

describe('GET /api/v1/users', () => {
  it('lists every user (seeded, added and the OAuth bot) in +name order by default, 20 a page', async () => {
    const first = await page('/api/v1/users');
    expect(first.data).toHaveLength(20);
    expect(first.links.prev).toBeUndefined();
    expect(first.links.self.href).toBe(`${emu.url}/api/v1/users`);
    expect(first.links.next!.href.startsWith(`${emu.url}/api/v1/users?next=`)).toBe(true);
    expect(first.totalResults).toBeUndefined();
    expect(everyone.length).toBeGreaterThanOrEqual(ADDED + 3);
    expect(new Set(ids(everyone)).size).toBe(everyone.length);
    expect(ids(everyone)).toEqual(ids([...everyone].sort(nameOrder)));
    expect(ids(first.data)).toEqual(ids(everyone.slice(0, 20)));
  });

  it('walks back with links.prev page for page, and pages the same set with every limit', async () => {
    const forward = await walkPages('/api/v1/users?limit=33');
    expect(forward.flatMap((p) => ids(p.data))).toEqual(ids(everyone));
    const backward = await walkPages(forward.at(-1)!.links.self.href, 'prev');
    expect(backward.map((p) => ids(p.data))).toEqual(forward.map((p) => ids(p.data)).reverse());
    expect(backward.at(-1)!.links.prev).toBeUndefined();
    for (const limit of [1, 7, 100]) {
      if (limit === 1) {
        const one = await page('/api/v1/users?limit=1');
        expect(ids(one.data)).toEqual(ids(everyone.slice(0, 1)));
        continue;
      }
      expect(ids(await walk(`/api/v1/users?limit=${limit}`))).toEqual(ids(everyone));
    }
  });

  it.each([
    ['-name', (a: User, b: User) => -nameOrder(a, b)],
    ['email', (a: User, b: User) => cmp(a.email?.toLowerCase() ?? null, b.email?.toLowerCase() ?? null, a.id, b.id)],
    ['-createdAt', (a: User, b: User) => -cmp(Date.parse(a.createdAt), Date.parse(b.createdAt), a.id, b.id)],
    ['+id', (a: User, b: User) => cmp(a.id, b.id, a.id, b.id)],
    ['-_id', (a: User, b: User) => -cmp(a.id, b.id, a.id, b.id)],
    ['status', (a: User, b: User) => cmp(a.status, b.status, a.id, b.id)],
    ['-subject', (a: User, b: User) => -cmp(a.subject.toLowerCase(), b.subject.toLowerCase(), a.id, b.id)],
  ])('sorts completely and in order with sort=%s', async (sort, order) => {
    const users = await walk(`/api/v1/users?limit=90&sort=${encodeURIComponent(sort)}`);
    expect(ids(users)).toEqual(ids([...everyone].sort(order)));
  });

  it('accepts every documented sort value', async () => {
    // users.yml's list, written out here rather than taken from the implementation.
    for (const field of 'name _id id tenantId clientId status subject email inviteExpiry createdAt'.split(' ')) {
      for (const sign of ['', '+', '-']) {
        const res = await emu.call('GET', `/api/v1/users?limit=3&sort=${encodeURIComponent(sign + field)}`, {
          as: emu.admin,
        });
        expect(res.status, `${sign}${field}: ${res.text}`).toBe(200);
      }
    }
  });

  it('sorts by clientId with the users that have none first', async () => {
    const users = await walk('/api/v1/users?limit=100&sort=-clientId');
    const bot = emu.oauthClients[0]!;
    expect(users[0]!.id).toBe(bot.userId);
  });

  it('keeps its place when users are added between pages', async () => {
    const first = await page('/api/v1/users?limit=50&sort=-createdAt');
    await emu.addUser({ name: 'aaa newcomer' });
    const rest = await walk(first.links.next!.href);
    const seen = new Set(ids(first.data));
    expect(rest.some((u) => seen.has(u.id))).toBe(false);
    expect(rest.some((u) => u.name === 'aaa newcomer')).toBe(false);
    expect(first.data.length + rest.length).toBe(everyone.length);
    everyone = await walk('/api/v1/users?limit=100');
  });

  it('returns totalResults when asked, and only the requested fields', async () => {
    const counted = await page(
      '/api/v1/users?limit=5&totalResults=true&filter=' + encodeURIComponent('status eq "disabled"'),
    );
    expect(counted.totalResults).toBe(everyone.filter((u) => u.status === 'disabled').length);
    expect(counted.links.next!.href).toContain('totalResults=true');
    const res = await emu.call('GET', '/api/v1/users?limit=2&fields=name,email', { as: emu.admin });
    expect(res.status).toBe(200);
    for (const u of res.body.data) expect(Object.keys(u)).toEqual(['id', 'name', 'email']);
    const withLinks = await emu.call('GET', '/api/v1/users?limit=2&fields=links', { as: emu.admin });
    expect(Object.keys(withLinks.body.data[0])).toEqual(['id', 'links']);
    expect(withLinks.body.links.next.href).toContain('fields=links');
  });
  it('shows the bot user of the seeded OAuth client with its TenantAdmin role and no email', async () => {
    const bot = emu.oauthClients[0]!;
    const [user] = (await page(q(`clientId eq "${bot.clientId}"`))).data;
    expect(user).toMatchObject({ id: bot.userId, name: bot.name, assignedRoles: [{ name: 'TenantAdmin' }] });
    expect(user!.email).toBeUndefined();
  });
});

function cmp(a: string | number | null, b: string | number | null, ia: string, ib: string): number {
  if (a !== b) {
    if (a === null) return -1;
    if (b === null) return 1;
    return a < b ? -1 : 1;
  }
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

describe('filter', () => {
  it('finds one user by email, ignoring case', async () => {
    expect(filterIds(await emu.call('GET', q('email eq "PERSON.42@ACME.example"'), { as: emu.admin }))).toEqual(
      ids(everyone.filter((u) => u.email === 'person.42@acme.example')),
    );
    expect(filterIds(await emu.call('GET', q('Email EQ "person.42@acme.example"'), { as: emu.admin }))).toHaveLength(1);
    expect(filterIds(await emu.call('GET', q('email eq "nobody@nowhere"'), { as: emu.admin }))).toEqual([]);
  });

  it.each<[string, (u: User) => boolean]>([
    ['name co "user 01"', (u) => u.name.toLowerCase().includes('user 01')],
    ['email co "GLOBEX"', (u) => u.email?.includes('globex') === true],
    ['subject co "idp|10"', (u) => u.subject.includes('idp|10')],
    ['subject eq "idp|1007"', (u) => u.subject === 'idp|1007'],
    ['status eq "invited"', (u) => u.status === 'invited'],
    ['name co "0" and email co "acme"', (u) => u.name.includes('0') && u.email?.includes('acme') === true],
    [
      'email eq "person.1@globex.example" or email eq "person.2@acme.example"',
      (u) => ['person.1@globex.example', 'person.2@acme.example'].includes(u.email ?? ''),
    ],
    [
      '(name co "user 00" or name co "user 11") and (status eq "active" or status eq "disabled")',
      (u) =>
        (u.name.toLowerCase().includes('user 00') || u.name.toLowerCase().includes('user 11')) &&
        ['active', 'disabled'].includes(u.status),
    ],
    ['not (email co "acme")', (u) => u.email?.includes('acme') !== true],
    ['assignedRoles.name eq "developer"', (u) => u.assignedRoles?.some((r) => r.name === 'Developer') === true],
  ])('%s', async (filter, predicate) => {
    const got = await walk(q(filter));
    const expected = everyone.filter(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(got)).toEqual(ids(expected));
  });

  it('matches ids and role ids', async () => {
    const [a, b] = everyone;
    expect(filterIds(await emu.call('GET', q(`id eq "${a!.id}" or id eq "${b!.id}"`), { as: emu.admin }))).toEqual([
      a!.id,
      b!.id,
    ]);
    const roleId = (await emu.call('GET', `/api/v1/users/${emu.admin.id}`, { as: emu.admin })).body.assignedRoles[0]
      .id as string;
    const admins = filterIds(await emu.call('GET', q(`assignedRoles.id eq "${roleId}"`), { as: emu.admin }));
    expect(admins).toContain(emu.admin.id);
    expect(admins).toEqual(ids(everyone.filter((u) => u.assignedRoles?.some((r) => r.name === 'TenantAdmin'))));
  });

  it.each([
    ['name eq', 'expected a value after "eq" at position 8 (the end of the filter)'],
    ['name eq "unterminated', 'the quoted value at position 9 has no closing quote'],
    ['(name eq "a"', 'the "(" at position 1 is not closed: expected ")" at position 13 (the end of the filter)'],
    ['name eq "a")', 'unexpected ")" at position 12: no "(" is open'],
    ['name eq "a" or', 'expected a comparison after "or" at position 15 (the end of the filter)'],
    [
      'name is "a"',
      'unknown operator "is" at position 6 (the operators are eq, ne, co, sw, ew, gt, lt, ge, le and pr)',
    ],
    ['name eq "a" foo', 'unexpected "foo" at position 13: expected "and", "or" or the end of the filter'],
    ['name ne "a"', /"ne" operator is not supported on "name"/],
    ['status co "act"', /"co" operator is not supported on "status"/],
    ['title eq "x"', /"eq" operator is not supported on "title"/],
    ['name pr', /"pr" operator is not supported on "name"/],
    ['name eq "a" and', 'expected a comparison after "and" at position 16 (the end of the filter)'],
    ['emails[type eq "work"]', /value paths/],
    ['name eq 5', /must be a quoted string/],
    [
      'name eq "Bob" or name eq "Alice" and (status eq "active" or status eq "disabled")',
      /status filters must be grouped/,
    ],
    ['', /the filter is empty/],
  ])('refuses %j with a 400 naming filter', async (filter, detail) => {
    const res = await emu.call('GET', `/api/v1/users?filter=${encodeURIComponent(filter)}`, { as: emu.admin });
    const error = expectError(res, 400, 'USERS-2');
    expectUsersError(res.body);
    expect(error.source).toEqual({ parameter: 'filter' });
    if (typeof detail === 'string') expect(error.detail).toBe(detail);
    else expect(error.detail).toMatch(detail);
    expect(error.status).toBe(400);
  });
});

describe('query errors', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['sort=age', 'sort'],
    ['totalResults=yes', 'totalResults'],
    ['next=abc&prev=def', 'prev'],
    ['next=not-a-cursor', 'next'],
    ['prev=WyJ4Il0', 'prev'],
  ])('?%s is a 400 naming %s', async (query, parameter) => {
    const res = await emu.call('GET', `/api/v1/users?${query}`, { as: emu.admin });
    const error = expectError(res, 400, 'USERS-1');
    expectUsersError(res.body);
    expect(error.source).toEqual({ parameter });
  });

  it('refuses a cursor made for another sort order', async () => {
    const first = await page('/api/v1/users?limit=5&sort=email');
    const cursor = new URL(first.links.next!.href).searchParams.get('next')!;
    const error = expectError(
      await emu.call('GET', `/api/v1/users?sort=name&next=${cursor}`, { as: emu.admin }),
      400,
      'USERS-1',
    );
    expect(error.source).toEqual({ parameter: 'next' });
  });

  it('--strict refuses unknown and repeated parameters', async () => {
    expect(
      expectError(await strict.call('GET', '/api/v1/users?owner=me', { as: strict.admin }), 400, 'USERS-1').source,
    ).toEqual({
      parameter: 'owner',
    });
    expect(
      expectError(await strict.call('GET', '/api/v1/users?limit=2&limit=3', { as: strict.admin }), 400, 'USERS-1')
        .source,
    ).toEqual({
      parameter: 'limit',
    });
    expect((await emu.call('GET', '/api/v1/users?owner=me&limit=2&limit=3', { as: emu.admin })).body.data).toHaveLength(
      2,
    );
    expect(
      expectError(await strict.call('GET', '/api/v1/users/actions/count?x=1', { as: strict.admin }), 400, 'USERS-1')
        .source,
    ).toEqual({
      parameter: 'x',
    });
  });
});

describe('deprecated parameters', () => {
  it('filter by email, subject, role and status (active by default), sortBy/sortOrder, startingAfter', async () => {
    const one = everyone.find((u) => u.email === 'person.10@acme.example')!;
    expect(one.status).toBe('active');
    expect(filterIds(await emu.call('GET', '/api/v1/users?email=PERSON.10@acme.example', { as: emu.admin }))).toEqual([
      one.id,
    ]);
    expect(
      filterIds(await emu.call('GET', `/api/v1/users?subject=${encodeURIComponent(one.subject)}`, { as: emu.admin })),
    ).toEqual([one.id]);
    const disabled = everyone.find((u) => u.status === 'disabled')!;
    expect(filterIds(await emu.call('GET', `/api/v1/users?email=${disabled.email!}`, { as: emu.admin }))).toEqual([]);
    expect(
      filterIds(
        await emu.call('GET', `/api/v1/users?email=${disabled.email!}&status=disabled,invited`, { as: emu.admin }),
      ),
    ).toEqual([disabled.id]);
    const devs = await walk('/api/v1/users?limit=100&role=Developer');
    expect(ids(devs)).toEqual(
      ids(everyone.filter((u) => u.status === 'active' && u.assignedRoles?.some((r) => r.name === 'Developer'))),
    );
    const desc = await walk('/api/v1/users?limit=100&sortBy=name&sortOrder=desc&status=active,disabled,invited');
    expect(ids(desc)).toEqual(ids([...everyone].sort((a, b) => -nameOrder(a, b))));
    const active = everyone.filter((u) => u.status === 'active');
    const after = await page(`/api/v1/users?limit=4&status=active&startingAfter=${active[9]!.id}`);
    expect(ids(after.data)).toEqual(ids(active.slice(10, 14)));
    const before = await page(`/api/v1/users?limit=4&status=active&endingBefore=${active[9]!.id}`);
    expect(ids(before.data)).toEqual(ids(active.slice(5, 9)));
    expect(new URL(before.links.next!.href).searchParams.get('status')).toBe('active');
  });

  it('cannot be combined with filter', async () => {
    const error = expectError(
      await emu.call('GET', `/api/v1/users?email=a@b&filter=${encodeURIComponent('name eq "x"')}`, { as: emu.admin }),
      400,
      'USERS-1',
    );
    expect(error.source).toEqual({ parameter: 'email' });
    expect(
      expectError(await emu.call('GET', '/api/v1/users?status=gone', { as: emu.admin }), 400, 'USERS-1').source,
    ).toEqual({
      parameter: 'status',
    });
    expect(
      expectError(
        await emu.call('GET', '/api/v1/users?startingAfter=0123456789abcdef01234567', { as: emu.admin }),
        400,
        'USERS-1',
      ).source,
    ).toEqual({
      parameter: 'startingAfter',
    });
  });
});

describe('POST /api/v1/users/actions/filter', () => {
  const FILTER = '/api/v1/users/actions/filter';

  it('filters with the body, pages with links (the client re-sends the body), sorts by name', async () => {
    const body = { filter: 'email co "acme"' };
    const expected = everyone.filter((u) => u.email?.includes('acme') === true);
    const got: User[] = [];
    let href: string | undefined = `${FILTER}?limit=30`;
    while (href !== undefined) {
      const res = await emu.call('POST', href, { as: emu.admin, body });
      expect(res.status, res.text).toBe(200);
      expectUsers(res.body);
      got.push(...(res.body as Page).data);
      href = (res.body as Page).links.next?.href;
      if (href !== undefined) expect(href.startsWith(`${emu.url}${FILTER}?`)).toBe(true);
    }
    expect(ids(got)).toEqual(ids(expected));
    const desc = await emu.call('POST', `${FILTER}?limit=100&sort=-name`, { as: emu.admin, body });
    expect(ids(desc.body.data)).toEqual(ids([...expected].sort((a, b) => -nameOrder(a, b)).slice(0, 100)));
  });

  it('lists everyone without a body or filter', async () => {
    expect(filterIds(await emu.call('POST', `${FILTER}?limit=100`, { as: emu.admin }))).toEqual(
      ids(everyone.slice(0, 100)),
    );
    expect(filterIds(await emu.call('POST', `${FILTER}?limit=100`, { as: emu.admin, body: {} }))).toEqual(
      ids(everyone.slice(0, 100)),
    );
  });

  it('refuses a bad filter at /filter, more than 100 ids, a bad body and other sorts', async () => {
    const bad = expectError(
      await emu.call('POST', FILTER, { as: emu.admin, body: { filter: 'name eq' } }),
      400,
      'USERS-2',
    );
    expect(bad.source).toEqual({ pointer: '/filter' });
    const many = Array.from({ length: 101 }, (_, i) => `id eq "${String(i).padStart(24, '0')}"`).join(' or ');
    expect(
      expectError(await emu.call('POST', FILTER, { as: emu.admin, body: { filter: many } }), 400, 'USERS-2').detail,
    ).toMatch(/^the filter has more than 100 comparisons \(the limit is 100; comparison 101 is at position \d+\)$/);
    const hundred = Array.from({ length: 100 }, (_, i) => `id eq "${everyone[i]!.id}"`).join(' or ');
    expect(
      filterIds(await emu.call('POST', `${FILTER}?limit=100`, { as: emu.admin, body: { filter: hundred } })),
    ).toHaveLength(100);
    expect(
      expectError(await emu.call('POST', FILTER, { as: emu.admin, body: { filter: 5 } }), 400, 'USERS-3').source,
    ).toEqual({
      pointer: '/filter',
    });
    expect(expectError(await emu.call('POST', FILTER, { as: emu.admin, body: '{' }), 400, 'USERS-3').source).toEqual({
      pointer: '',
    });
    expect(expectError(await emu.call('POST', FILTER, { as: emu.admin, body: [] }), 400, 'USERS-3').source).toEqual({
      pointer: '',
    });
    expect(
      expectError(await emu.call('POST', `${FILTER}?sort=email`, { as: emu.admin, body: {} }), 400, 'USERS-1').source,
    ).toEqual({
      parameter: 'sort',
    });
  });
});

describe('count, get, me', () => {
  it('counts every user with GET and POST', async () => {
    const total = (await emu.call('GET', '/api/v1/users?limit=1&totalResults=true', { as: emu.admin })).body
      .totalResults as number;
    for (const method of ['GET', 'POST']) {
      const res = await emu.call(method, '/api/v1/users/actions/count', { token: emu.viewer.apiKey });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ total });
    }
  });

  it('GET /users/{id} takes fields; /users/me passes its query on', async () => {
    const full = await emu.call('GET', `/api/v1/users/${emu.dev.id}`, { as: emu.admin });
    expectUser(full.body);
    const part = await emu.call('GET', `/api/v1/users/${emu.dev.id}?fields=name,assignedRoles`, { as: emu.admin });
    expect(part.body).toEqual({ id: emu.dev.id, name: 'dev', assignedRoles: full.body.assignedRoles });
    const me = await emu.call('GET', '/api/v1/users/me?fields=assignedRoles', { token: emu.dev.apiKey });
    expect(me.status).toBe(301);
    expect(me.headers['location']).toBe(`${emu.url}/api/v1/users/${emu.dev.id}?fields=assignedRoles`);
  });
});

describe('who sees what', () => {
  it('lets any user list users, and shows other users’ roles to a TenantAdmin only', async () => {
    const seen = await walk('/api/v1/users?limit=100', emu.viewer.apiKey);
    expect(ids(seen)).toEqual(ids(everyone));
    for (const u of seen) {
      if (u.id === emu.viewer.id) expect(u.assignedRoles).toEqual([expect.objectContaining({ name: 'User' })]);
      else expect(u.assignedRoles).toBeUndefined();
    }
    const other = await emu.call('GET', `/api/v1/users/${emu.admin.id}`, { token: emu.viewer.apiKey });
    expect(other.status).toBe(200);
    expect(other.body.assignedRoles).toBeUndefined();
    expectUser(other.body);
    // A role filter cannot reveal roles the caller may not see.
    const admins = await walk(q('assignedRoles.name eq "TenantAdmin"'), emu.viewer.apiKey);
    expect(admins).toEqual([]);
    const mine = await walk(q('assignedRoles.name eq "User"'), emu.viewer.apiKey);
    expect(ids(mine)).toEqual([emu.viewer.id]);
  });

  it('refuses SCIM (externalClient) keys with 403', async () => {
    const scim = await emu.control<{ token: string }>('POST', 'keys', {
      userId: emu.admin.id,
      subType: 'externalClient',
      sub: 'SCIM\\idp',
    });
    for (const [method, path] of [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users/actions/filter'],
      ['GET', '/api/v1/users/actions/count'],
    ] as const) {
      expect((await emu.call(method, path, { token: scim.token })).status).toBe(403);
    }
  });
});

describe('seeding many users', () => {
  it('--seed takes a long users list with subjects and statuses', async () => {
    const seeded = await startEmulator({
      seed: {
        users: [
          { name: 'root', roles: ['TenantAdmin'] },
          ...Array.from({ length: 120 }, (_, i) => ({
            name: `s${i}`,
            subject: `corp\\s${i}`,
            status: i % 2 ? ('disabled' as const) : ('active' as const),
          })),
        ],
      },
    });
    try {
      const root = seeded.user('root').apiKey;
      const res = await seeded.call(
        'GET',
        `/api/v1/users?limit=100&totalResults=true&filter=${encodeURIComponent('status eq "disabled"')}`,
        { token: root },
      );
      expect(res.body.totalResults).toBe(60);
      // A backslash in a filter value is taken literally (only \" escapes a quote), as subjects like DOMAIN\user need.
      const bySubject = await seeded.call(
        'GET',
        `/api/v1/users?filter=${encodeURIComponent('subject eq "CORP\\S7"')}`,
        {
          token: root,
        },
      );
      expect(bySubject.body.data.map((u: User) => u.name)).toEqual(['s7']);
    } finally {
      await seeded.stop();
    }
  });

  it('POST /__emulator/users/batch validates every entry before adding any', async () => {
    const before = (await emu.call('GET', '/api/v1/users/actions/count', { as: emu.admin })).body.total as number;
    await expect(emu.addUsers([{ name: 'ok' }, { name: '' }])).rejects.toThrow(/at \/users\/1\/name/);
    await expect(emu.control('POST', 'users/batch', { users: [] })).rejects.toThrow(/"users" must be an array/);
    expect((await emu.call('GET', '/api/v1/users/actions/count', { as: emu.admin })).body.total).toBe(before);
  });
});
