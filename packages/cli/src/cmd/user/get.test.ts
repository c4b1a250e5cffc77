import { describe, expect, it } from 'vitest';
import { json, StubRegistry } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const SERVER = 'https://tenant.example.com';

describe('qlik user get', () => {
  it('GETs the user (the id URL-encoded) with --fields, and prints it', async () => {
    const reg = new StubRegistry().register(
      'GET',
      '/api/v1/users/a%2Fb?fields=name',
      json(200, { id: 'a/b', name: 'Ann', links: { self: { href: 'x' } } }),
    );
    const r = await runQlik(['user', 'get', 'a/b', '--fields', 'name'], {
      home: await homeWithContext(SERVER),
      transport: reg,
    });
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    expect(JSON.parse(r.stdout)).toEqual({ id: 'a/b', name: 'Ann' });
  });
});
