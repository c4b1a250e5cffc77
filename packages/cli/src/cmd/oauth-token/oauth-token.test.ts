import { describe, expect, it } from 'vitest';
import { empty, json, StubRegistry } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const SERVER = 'https://tenant.example.com';

describe('qlik oauth-token', () => {
  it('ls sends its query flags and prints the tokens; -q the ids', async () => {
    const page = { data: [{ id: 't1', userId: 'u1', tenantId: 'x', links: { self: { href: 'h' } } }], links: {} };
    const reg = new StubRegistry()
      .register('GET', '/api/v1/oauth-tokens?page=2&sort=userId&userId=u1', json(200, page))
      .register('GET', '/api/v1/oauth-tokens', json(200, page));
    const home = await homeWithContext(SERVER);
    const r = await runQlik(['oauth-token', 'ls', '--page', '2', '--sort', 'userId', '--userId', 'u1'], {
      home,
      transport: reg,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ id: 't1', userId: 'u1', tenantId: 'x' }]);
    expect((await runQlik(['oauth-token', 'ls', '-q'], { home, transport: reg })).stdout).toBe('t1\n');
    reg.verify();
  });

  it('rm revokes the token by id and prints the status line', async () => {
    const reg = new StubRegistry().register('DELETE', '/api/v1/oauth-tokens/t1', empty(204));
    const r = await runQlik(['oauth-token', 'rm', 't1'], { home: await homeWithContext(SERVER), transport: reg });
    expect(r.code, r.stderr).toBe(0);
    reg.verify();
    expect(r.stdout).toBe('204 No Content\n');
  });
});
