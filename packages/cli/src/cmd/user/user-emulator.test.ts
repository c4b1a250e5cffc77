// qlik user ls / get / filter end to end, in-process against the emulator with 250 added users (issue #12's "Done
// when"): --limit paging across pages (exactly N, no duplicates, in order), SCIM filters, a malformed filter, --fields,
// the filter action paged with its body re-sent; and the key-for-a-user workflow the README shows (find a user by
// email, create a key for them, list their keys), run with an admin's API key and with an OAuth client.
import { beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorUser, type RequestLogEntry, useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, homeWithOAuthContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';

const emu = useEmulator({ reset: false });
let added: EmulatorUser[];
let admin: string;

const pad = (i: number) => String(i).padStart(3, '0');

beforeAll(async () => {
  // p-000 … p-249 (sorted by name in index order), u0@example.com … u249@example.com.
  added = await emu.addUsers(
    Array.from({ length: 250 }, (_, i) => ({ name: `p-${pad(i)}`, email: `u${i}@example.com` })),
  );
  admin = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
});

const qlik = (argv: string[], home = admin): Promise<RunResult> => runQlik(argv, { home });
const ids = (r: RunResult): string[] => (r.stdout === '' ? [] : r.stdout.trimEnd().split('\n'));
const byEmail = (email: string) => added.find((u) => u.email === email)!;

async function logFromNow(): Promise<() => Promise<RequestLogEntry[]>> {
  const seen = (await emu.requests()).at(-1)?.seq ?? 0;
  return async () => (await emu.requests()).filter((q) => q.seq > seen && q.path.startsWith('/api/'));
}

/** Every user in the API's default order (+name), read page by page with the emulator's own links. */
async function allUsersInOrder(): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  let next: string | undefined = '/api/v1/users?limit=100';
  while (next !== undefined) {
    const page = await emu.call('GET', next, { as: emu.admin });
    expect(page.status).toBe(200);
    out.push(...(page.body.data as { id: string; name: string }[]));
    next = page.body.links.next?.href as string | undefined;
  }
  return out;
}

describe('user ls --limit pages through 250 users', () => {
  it('--limit 230 -q: exactly 230 ids, no duplicates, in the API order, in pages of 100', async () => {
    const log = await logFromNow();
    const r = await qlik(['user', 'ls', '--limit', '230', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const got = ids(r);
    expect(got).toHaveLength(230);
    expect(new Set(got).size).toBe(230);
    const pages = await log();
    const all = await allUsersInOrder();
    // 250 added, 3 seeded users and the OAuth client's bot user.
    expect(all).toHaveLength(254);
    expect(got).toEqual(all.slice(0, 230).map((u) => u.id));
    const names = all.map((u) => u.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(pages.map((q) => [q.method, q.path, q.query.limit, q.status])).toEqual([
      ['GET', '/api/v1/users', '100', 200],
      ['GET', '/api/v1/users', '100', 200],
      ['GET', '/api/v1/users', '100', 200],
    ]);
    expect(pages[0]!.query.next).toBeUndefined();
    expect(pages[1]!.query.next).toBeDefined();
    expect(pages[2]!.query.next).not.toBe(pages[1]!.query.next);
  });

  it('--limit 230 as JSON: the users without links, the same ids', async () => {
    const r = await qlik(['user', 'ls', '--limit', '230']);
    expect(r.code, r.stderr).toBe(0);
    const users = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(users).toHaveLength(230);
    expect(users.some((u) => 'links' in u)).toBe(false);
    expect(users.find((u) => u.id === added[0]!.id)).toMatchObject({
      name: 'p-000',
      email: 'u0@example.com',
      status: 'active',
    });
  });
});

describe('user ls --filter (SCIM) against the emulator', () => {
  const namesOf = (r: RunResult) => (JSON.parse(r.stdout) as { name: string }[]).map((u) => u.name);

  it('email eq "…" -q gives exactly that user id', async () => {
    const r = await qlik(['user', 'ls', '--filter', 'email eq "u7@example.com"', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${byEmail('u7@example.com').id}\n`);
  });

  it.each([
    ['case-insensitive eq', 'EMAIL EQ "U7@Example.COM"', ['p-007']],
    ['co', 'email co "u12"', ['p-012', ...Array.from({ length: 10 }, (_, i) => `p-${120 + i}`)]],
    ['and', 'email co "u12" and name eq "p-125"', ['p-125']],
    ['or', 'email eq "u1@example.com" or email eq "u200@example.com"', ['p-001', 'p-200']],
    [
      'and binds tighter than or',
      'email eq "u1@example.com" or email eq "u200@example.com" and name co "p-1"',
      ['p-001'],
    ],
    ['parentheses', '(email eq "u1@example.com" or email eq "u200@example.com") and name co "p-2"', ['p-200']],
    [
      'not',
      'name co "p-00" and not (email eq "u3@example.com")',
      ['p-000', 'p-001', 'p-002', 'p-004', 'p-005', 'p-006', 'p-007', 'p-008', 'p-009'],
    ],
    ['no match', 'email eq "nobody@example.com"', []],
  ])('%s: %s', async (_name, filter, expected) => {
    const r = await qlik(['user', 'ls', '--filter', filter, '--limit', '100']);
    expect(r.code, r.stderr).toBe(0);
    expect(namesOf(r)).toEqual(expected);
  });

  it('a malformed filter: the 400 naming filter, exit 1, nothing on stdout, not retried', async () => {
    const log = await logFromNow();
    const r = await qlik(['user', 'ls', '--filter', 'email eq', '--retry', '2', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({
      errors: [{ code: 'USERS-2', status: 400, source: { parameter: 'filter' } }],
    });
    expect((await log()).map((q) => q.status)).toEqual([400]);
  });
});

describe('user get and user filter against the emulator', () => {
  it('user get <id>: the user without links; --fields: the id and those fields', async () => {
    const u = byEmail('u42@example.com');
    const full = await qlik(['user', 'get', u.id]);
    expect(full.code, full.stderr).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({
      id: u.id,
      name: 'p-042',
      email: 'u42@example.com',
      tenantId: emu.tenantId,
      status: 'active',
    });
    expect(full.stdout).not.toContain('"links"');
    const some = await qlik(['user', 'get', u.id, '--fields', 'name,email']);
    expect(some.code, some.stderr).toBe(0);
    expect(JSON.parse(some.stdout)).toEqual({ id: u.id, name: 'p-042', email: 'u42@example.com' });
    const missing = await qlik(['user', 'get', '0123456789abcdef01234567', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ errors: [{ code: 'USERS-7', status: 404 }] });
  });

  it('user filter --filter: POSTs the filter and prints the matching users; -q their ids', async () => {
    const r = await qlik(['user', 'filter', '--filter', 'email eq "u5@example.com" or email eq "u6@example.com"']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((u) => u.id)).toEqual([
      byEmail('u5@example.com').id,
      byEmail('u6@example.com').id,
    ]);
    const q = await qlik(['user', 'filter', '--filter', 'email eq "u5@example.com"', '-q']);
    expect(q.stdout).toBe(`${byEmail('u5@example.com').id}\n`);
  });

  it('user filter --limit 150: pages of 100, each next page POSTed with the same filter body', async () => {
    // u1, u10–u19, u100–u199: 111 users, in name order (p-001, p-010 …).
    const expected = added.filter((u) => u.email.startsWith('u1')).map((u) => u.id);
    expect(expected).toHaveLength(111);
    const log = await logFromNow();
    const r = await qlik(['user', 'filter', '--filter', 'email co "u1"', '--limit', '150', '-q']);
    expect(r.code, r.stderr).toBe(0);
    // Only the emails that start with u1 contain "u1"; the second page is filtered too, so its POST had the body.
    expect(ids(r)).toEqual(expected);
    const posts = await log();
    expect(posts.map((q) => [q.method, q.path, q.query.limit, q.status])).toEqual([
      ['POST', '/api/v1/users/actions/filter', '100', 200],
      ['POST', '/api/v1/users/actions/filter', '100', 200],
    ]);
    expect(posts[1]!.query.next).toBeDefined();
  });

  it('user filter with a malformed filter: the 400 naming /filter, exit 1', async () => {
    const r = await qlik(['user', 'filter', '--filter', 'email eq', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ errors: [{ code: 'USERS-2', source: { pointer: '/filter' } }] });
  });
});

describe('the key-for-a-user workflow (the README example)', () => {
  const oauthHome = (): Promise<string> => {
    const m2m = emu.oauthClient('m2m');
    return homeWithOAuthContext(emu.url, m2m.clientId, m2m.clientSecret, 'm2m');
  };

  it.each([
    ['an admin API key', () => Promise.resolve(admin)],
    ['an OAuth client', oauthHome],
  ])('with %s: find the user by email, create a key for them, list their keys', async (_kind, makeHome) => {
    const home = await makeHome();
    const email = `ann.${_kind.replace(/\W/g, '')}@example.com`;
    const ann = await emu.addUser({ name: `Ann ${_kind}`, email, roles: ['Developer'] });

    // id=$(qlik user ls --filter 'email eq "ann@example.com"' -q)
    const find = await qlik(['user', 'ls', '--filter', `email eq "${email}"`, '-q'], home);
    expect(find.code, find.stderr).toBe(0);
    expect(find.stdout).toBe(`${ann.id}\n`);
    const id = find.stdout.trim();

    // qlik api-key create --sub "$id" --description "CI key for Ann" --expiry PT12H
    const create = await qlik(
      ['api-key', 'create', '--sub', id, '--description', 'CI key for Ann', '--expiry', 'PT12H'],
      home,
    );
    expect(create.code, create.stderr).toBe(0);
    const key = JSON.parse(create.stdout) as { id: string; sub: string; token: string; description: string };
    expect(key).toMatchObject({ sub: ann.id, description: 'CI key for Ann' });
    // The key is Ann's: its token reads her own user.
    const me = await emu.call('GET', '/api/v1/users/me', { token: key.token });
    expect(me.headers.location).toBe(`${emu.url}/api/v1/users/${ann.id}`);

    // qlik api-key ls --sub "$id"
    const ls = await qlik(['api-key', 'ls', '--sub', id], home);
    expect(ls.code, ls.stderr).toBe(0);
    const keys = JSON.parse(ls.stdout) as { id: string; sub: string; description: string }[];
    expect(keys.every((k) => k.sub === ann.id)).toBe(true);
    // Her bootstrap key and the new one.
    expect(keys.map((k) => k.description).sort()).toEqual(['CI key for Ann', 'qlik-emulator bootstrap']);
    expect(keys.map((k) => k.id)).toContain(key.id);
    expect(ls.stdout).not.toContain(key.token);
  });
});
