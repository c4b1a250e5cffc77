// qlik user ls: Qlik's query flags → the request, --limit paging through links.next, -q ids, deprecated flags.
import { describe, expect, it } from 'vitest';
import { json, StubRegistry } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const SERVER = 'https://tenant.example.com';
const user = (i: number) => ({
  id: `u${i}`,
  name: `User ${i}`,
  email: `user${i}@example.com`,
  links: { self: { href: `${SERVER}/api/v1/users/u${i}` } },
});

async function ls(args: string[], reg: StubRegistry) {
  return runQlik(['user', 'ls', ...args], { home: await homeWithContext(SERVER), transport: reg });
}

describe('qlik user ls', () => {
  it('sends the filter and the other query flags, and prints the data array without links', async () => {
    const reg = new StubRegistry().register(
      'GET',
      '/api/v1/users?fields=id%2Cname&filter=email+eq+%22a%40b.c%22&sort=-name&totalResults=true',
      json(200, { data: [user(1)], links: { self: { href: 'x' } }, totalResults: 1 }),
    );
    const r = await ls(
      ['--filter', 'email eq "a@b.c"', '--fields', 'id,name', '--sort', '-name', '--totalResults'],
      reg,
    );
    expect(r.stderr).toBe('');
    reg.verify();
    expect(JSON.parse(r.stdout)).toEqual([{ id: 'u1', name: 'User 1', email: 'user1@example.com' }]);
  });

  it('-q prints one id per line (find a user by email)', async () => {
    const reg = new StubRegistry().register(
      'GET',
      /^\/api\/v1\/users\?filter=/,
      json(200, { data: [user(7)], links: {} }),
    );
    const r = await ls(['--filter', 'email eq "user7@example.com"', '-q'], reg);
    expect(r.stdout).toBe('u7\n');
  });

  it('--limit above a page follows links.next until it has enough', async () => {
    const reg = new StubRegistry()
      .register(
        'GET',
        '/api/v1/users?limit=100',
        json(200, {
          data: Array.from({ length: 100 }, (_, i) => user(i)),
          links: { next: { href: `${SERVER}/api/v1/users?limit=100&next=c1` } },
        }),
      )
      .register(
        'GET',
        '/api/v1/users?limit=100&next=c1',
        json(200, {
          data: Array.from({ length: 100 }, (_, i) => user(100 + i)),
          links: { next: { href: `${SERVER}/api/v1/users?limit=100&next=c2` } },
        }),
      )
      .register(
        'GET',
        '/api/v1/users?limit=100&next=c2',
        json(200, { data: Array.from({ length: 50 }, (_, i) => user(200 + i)), links: {} }),
      );
    const r = await ls(['--limit', '230', '-q'], reg);
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    const ids = r.stdout.trim().split('\n');
    expect(ids).toHaveLength(230);
    expect(ids.at(-1)).toBe('u229');
  });

  it('still accepts the deprecated parameters older scripts pass, and shows them marked (Deprecated) as Qlik does', async () => {
    const reg = new StubRegistry().register(
      'GET',
      '/api/v1/users?email=a%40b.c&status=active',
      json(200, { data: [], links: {} }),
    );
    expect((await ls(['--email', 'a@b.c', '--status', 'active'], reg)).code).toBe(0);
    reg.verify();
    const help = await runQlik(['user', 'ls', '--help']);
    expect(help.stdout).toContain(
      '      --email string           (Deprecated) The email to filter by. Deprecated. Use the new ˋfilterˋ parameter to provide an advanced query filter.\n',
    );
    expect(help.stdout).toContain(
      '      --endingBefore string    (Deprecated) Get users with IDs that are lower than the target user ID. Cannot be used in conjunction with startingAfter. Deprecated. Use ˋprevˋ instead.\n',
    );
  });

  it('rejects an unknown sort before any request', async () => {
    const reg = new StubRegistry();
    const r = await ls(['--sort', 'age'], reg);
    expect(r.stderr).toMatch(/^Error: invalid argument "age" for "--sort" flag: must be one of "name", "\+name"/);
    expect(reg.requests).toEqual([]);
  });
});
