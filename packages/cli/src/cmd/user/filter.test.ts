import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, qlikError, StubRegistry } from '../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../test/kit/run.js';

const SERVER = 'https://tenant.example.com';

describe('qlik user filter', () => {
  it('POSTs the filter as the body, the other flags as the query, and prints the array', async () => {
    const reg = new StubRegistry().register('POST', '/api/v1/users/actions/filter?limit=5&sort=%2Bname', json(200, { data: [{ id: 'u1', name: 'A' }], links: {} }));
    const r = await runQlik(['user', 'filter', '--filter', 'email eq "a@b.c"', '--limit', '5', '--sort', '+name'], { home: await homeWithContext(SERVER), transport: reg });
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
});
