// Cursor paging of GET /api/v1/api-keys over 250+ keys: following links verbatim in both directions,
// every sort order, filters echoed in links, endingBefore, and stability under inserts and deletes.
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../test/kit/emulator.js';
import { walkLinks } from './util.js';

interface Key {
  id: string;
  sub: string;
  createdByUser: string;
  status: string;
  description: string;
  created: string;
}

interface Page {
  data: Key[];
  links: { self: { href: string }; next?: { href: string }; prev?: { href: string } };
}

const emu = useEmulator({ reset: false });
let all: Key[] = [];
const MINTED = 250;

beforeAll(async () => {
  const owners = [emu.dev, emu.admin, emu.viewer];
  for (let i = 0; i < MINTED; i++) {
    if (i % 50 === 0) await emu.control('POST', 'time', { offsetMs: i * 1_000 });
    const owner = owners[i % 3]!;
    const key = await emu.control<Key>('POST', 'keys', {
      userId: owner.id,
      description: `desc-${String((i * 37) % 40).padStart(2, '0')}`,
      ...(i % 5 === 0 ? { expiry: 'PT1H' } : {}),
    });
    // Revoke some keys the admin does not own (an admin's DELETE of a foreign key revokes it).
    if (i % 7 === 0 && owner !== emu.admin)
      expect((await emu.call('DELETE', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).status).toBe(204);
  }
  // Two hours later the PT1H keys have expired.
  await emu.control('POST', 'time', { offsetMs: 2 * 3_600_000 });
  all = await walk('/api/v1/api-keys?limit=100');
}, 60_000);

async function page(href: string, token = emu.admin.apiKey): Promise<Page> {
  const res = await emu.call('GET', href, { token });
  expect(res.status, res.text).toBe(200);
  return res.body as Page;
}

/** Follows links[direction] from `start` until there is none; returns every key in order. */
async function walk(start: string, direction: 'next' | 'prev' = 'next', token = emu.admin.apiKey): Promise<Key[]> {
  const pages = await walkPages(start, direction, token);
  return pages.flatMap((p) => p.data);
}

function walkPages(start: string, direction: 'next' | 'prev', token = emu.admin.apiKey): Promise<Page[]> {
  return walkLinks(start, direction, (href) => page(href, token));
}

function sortValue(k: Key, field: string): string | number {
  return field === 'created' ? Date.parse(k.created) : k[field as keyof Key];
}

function expectSorted(keys: Key[], field: string, descending: boolean): void {
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1]!;
    const b = keys[i]!;
    const va = sortValue(a, field);
    const vb = sortValue(b, field);
    const cmp = va < vb ? -1 : va > vb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    expect(descending ? cmp > 0 : cmp < 0, `${field} order broken at ${i}: ${a.id} / ${b.id}`).toBe(true);
  }
}

function ids(keys: Key[]): string[] {
  return keys.map((k) => k.id);
}

describe('paging through 253 keys', () => {
  it('has the expected data set', () => {
    expect(all).toHaveLength(MINTED + 3);
    expect(new Set(ids(all)).size).toBe(all.length);
    const statuses = new Set(all.map((k) => k.status));
    expect([...statuses].sort()).toEqual(['active', 'expired', 'revoked']);
  });

  it('follows links.next with the default sort (-created) without duplicates or gaps', async () => {
    const pages = await walkPages('/api/v1/api-keys?limit=25', 'next');
    expect(pages).toHaveLength(11);
    expect(pages[0]!.links.prev).toBeUndefined();
    expect(pages.at(-1)!.links.next).toBeUndefined();
    const keys = pages.flatMap((p) => p.data);
    expect(new Set(ids(keys)).size).toBe(keys.length);
    expect(keys).toHaveLength(all.length);
    expectSorted(keys, 'created', true);
    for (const p of pages) {
      expect(p.links.self.href.startsWith(`${emu.url}/api/v1/api-keys?`)).toBe(true);
      if (p.links.next) expect(new URL(p.links.next.href).searchParams.get('startingAfter')).toBe(p.data.at(-1)!.id);
    }
  });

  it.each([
    ['+created', 'created', false],
    ['description', 'description', false],
    ['-description', 'description', true],
    ['sub', 'sub', false],
    ['-createdByUser', 'createdByUser', true],
    ['status', 'status', false],
    ['-status', 'status', true],
  ])('pages completely and in order with sort=%s', async (sort, field, descending) => {
    const keys = await walk(`/api/v1/api-keys?limit=40&sort=${encodeURIComponent(sort)}`);
    expect(keys).toHaveLength(all.length);
    expect(new Set(ids(keys)).size).toBe(all.length);
    expectSorted(keys, field, descending);
  });

  it('walks back with links.prev to the first page, page for page', async () => {
    for (const sort of ['-created', '+description']) {
      const forward = await walkPages(`/api/v1/api-keys?limit=30&sort=${encodeURIComponent(sort)}`, 'next');
      const lastHref = forward.at(-1)!.links.self.href;
      const backward = await walkPages(lastHref, 'prev');
      expect(backward.map((p) => ids(p.data))).toEqual(forward.map((p) => ids(p.data)).reverse());
      expect(backward.at(-1)!.links.prev).toBeUndefined();
    }
  });

  it('serves the items just before a cursor with endingBefore', async () => {
    const target = all[100]!;
    const before = await page(`/api/v1/api-keys?limit=10&endingBefore=${target.id}`);
    expect(ids(before.data)).toEqual(ids(all.slice(90, 100)));
    expect(new URL(before.links.prev!.href).searchParams.get('endingBefore')).toBe(all[90]!.id);
    const after = await page(before.links.next!.href);
    expect(ids(after.data)).toEqual(ids(all.slice(100, 110)));
    const first = await page(`/api/v1/api-keys?limit=10&endingBefore=${all[5]!.id}`);
    expect(ids(first.data)).toEqual(ids(all.slice(0, 5)));
    expect(first.links.prev).toBeUndefined();
  });

  it('echoes the filters in every link, and pages only matching keys', async () => {
    const start = `/api/v1/api-keys?limit=7&status=active&sub=${emu.dev.id}&sort=description`;
    const pages = await walkPages(start, 'next');
    for (const p of pages) {
      for (const link of Object.values(p.links)) {
        const q = new URL(link.href).searchParams;
        expect(q.get('status')).toBe('active');
        expect(q.get('sub')).toBe(emu.dev.id);
        expect(q.get('sort')).toBe('description');
        expect(q.get('limit')).toBe('7');
      }
    }
    const expected = all.filter((k) => k.status === 'active' && k.sub === emu.dev.id);
    expect(expected.length).toBeGreaterThan(20);
    expect(new Set(ids(pages.flatMap((p) => p.data)))).toEqual(new Set(ids(expected)));
  });

  it('uses the Host the client addressed for absolute links', async () => {
    const port = new URL(emu.url).port;
    const res = await emu.call('GET', '/api/v1/api-keys?limit=2', {
      as: emu.admin,
      headers: { host: `localhost:${port}` },
    });
    expect(res.body.links.self.href).toBe(`http://localhost:${port}/api/v1/api-keys?limit=2&sort=-created`);
    expect(res.body.links.next.href.startsWith(`http://localhost:${port}/api/v1/api-keys?`)).toBe(true);
  });

  it('pages a non-admin through their own keys only', async () => {
    const keys = await walk('/api/v1/api-keys?limit=13', 'next', emu.dev.apiKey);
    const expected = all.filter((k) => k.sub === emu.dev.id || k.createdByUser === emu.dev.id);
    expect(ids(keys)).toEqual(ids(expected));
  });
});

describe('paging while the data changes', () => {
  it('does not repeat items when keys are created between pages', async () => {
    const first = await page('/api/v1/api-keys?limit=20');
    for (let i = 0; i < 5; i++) await emu.control('POST', 'keys', { userId: emu.dev.id, description: `late-${i}` });
    const rest = await walk(first.links.next!.href);
    const seen = ids(first.data);
    expect(rest.some((k) => seen.includes(k.id))).toBe(false);
    expect(rest.some((k) => k.description.startsWith('late-'))).toBe(false);
  });

  it('keeps working when the cursor key has been deleted since', async () => {
    const filter = `limit=10&sort=description&sub=${emu.dev.id}`;
    const first = await page(`/api/v1/api-keys?${filter}`);
    const cursor = first.data.at(-1)!;
    expect((await emu.call('DELETE', `/api/v1/api-keys/${cursor.id}`, { token: emu.dev.apiKey })).status).toBe(204);
    const next = await page(first.links.next!.href);
    const fresh = await walk(`/api/v1/api-keys?limit=100&sort=description&sub=${emu.dev.id}`);
    expect(ids(fresh.slice(0, 9))).toEqual(ids(first.data.slice(0, 9)));
    expect(ids(next.data)).toEqual(ids(fresh.slice(9, 19)));
  });
});
