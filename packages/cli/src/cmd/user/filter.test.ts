import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, qlikError, StubRegistry } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const SERVER = 'https://tenant.example.com';

describe('qlik user filter', () => {
  it('POSTs the filter as the body, the other flags as the query, and prints the array', async () => {
    const reg = new StubRegistry().register(
      'POST',
      '/api/v1/users/actions/filter?sort=%2Bname&limit=5',
      json(200, { data: [{ id: 'u1', name: 'A' }], links: {} }),
    );
    const r = await runQlik(['user', 'filter', '--filter', 'email eq "a@b.c"', '--limit', '5', '--sort', '+name'], {
      home: await homeWithContext(SERVER),
      transport: reg,
    });
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    expect(reg.requests[0]!.json).toEqual({ filter: 'email eq "a@b.c"' });
    expect(JSON.parse(r.stdout)).toEqual([{ id: 'u1', name: 'A' }]);
  });

  it('takes the body from -f, and retries like a read', async () => {
    const home = await homeWithContext(SERVER);
    const file = join(home, 'filter.json');
    await writeFile(file, '{"filter":"name co \\"a\\""}');
    const reg = new StubRegistry()
      .register('POST', '/api/v1/users/actions/filter', qlikError(503, 'HTTP-503', 'Unavailable'))
      .register('POST', '/api/v1/users/actions/filter', json(200, { data: [], links: {} }));
    const r = await runQlik(['user', 'filter', '-f', file, '--retry', '1'], { home, transport: reg });
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    expect(reg.requests[1]!.json).toEqual({ filter: 'name co "a"' });
  });

  it('--limit above a page: pages of 100, each next page POSTed again with the same body', async () => {
    const F = '/api/v1/users/actions/filter';
    const users = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${from + i}` }));
    const reg = new StubRegistry()
      .register(
        'POST',
        `${F}?limit=100`,
        json(200, { data: users(0, 100), links: { next: { href: `${SERVER}${F}?limit=100&next=c1` } } }),
      )
      .register(
        'POST',
        `${F}?limit=100&next=c1`,
        json(200, { data: users(100, 100), links: { next: { href: `${SERVER}${F}?limit=100&next=c2` } } }),
      );
    const r = await runQlik(['user', 'filter', '--filter', 'name co "a"', '--limit', '150', '-q'], {
      home: await homeWithContext(SERVER),
      transport: reg,
    });
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    expect(reg.requests.map((q) => q.json)).toEqual([{ filter: 'name co "a"' }, { filter: 'name co "a"' }]);
    expect(r.stdout.trimEnd().split('\n')).toEqual(users(0, 150).map((u) => u.id));
  });
});
