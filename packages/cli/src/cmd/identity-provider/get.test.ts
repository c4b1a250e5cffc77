// qlik identity-provider get: the GET sent; secrets masked unless --json or --raw.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, scratchDir, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/identity-providers/i1';
const IDP = {
  id: 'i1',
  protocol: 'OIDC',
  pendingOptions: { clientId: 'c', clientSecret: 'pending-secret' },
  options: { clientSecret: 'live-secret', realm: 'r' },
  links: { self: { href: 'x' } },
};

describe('identity-provider get', () => {
  it.each([
    [
      [],
      {
        id: 'i1',
        protocol: 'OIDC',
        pendingOptions: { clientId: 'c', clientSecret: '**omitted**' },
        options: { clientSecret: '**omitted**', realm: 'r' },
      },
    ],
    [
      ['--json'],
      {
        id: 'i1',
        protocol: 'OIDC',
        pendingOptions: { clientId: 'c', clientSecret: 'pending-secret' },
        options: { clientSecret: 'live-secret', realm: 'r' },
      },
    ],
    [['--raw'], IDP],
  ])('%j', async (flags, shown) => {
    const r = await runStubbed(['identity-provider', 'get', 'i1', ...flags], (reg) =>
      reg.register('GET', P, json(200, IDP)),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(shown);
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path: P, body: undefined }]);
  });

  it('a -c config file with json: true prints the secrets as sent too', async () => {
    const cfg = join(await scratchDir(), 'c.yml');
    await writeFile(cfg, 'json: true\n');
    const r = await runStubbed(['identity-provider', 'get', 'i1', '-c', cfg], (reg) =>
      reg.register('GET', P, json(200, IDP)),
    );
    expect(r.stdout).toContain('live-secret');
  });

  it.each([
    [[], 'Error: accepts 1 arg(s), received 0\n'],
    [['a', 'b'], 'Error: accepts 1 arg(s), received 2\n'],
  ])('%j → one error line, no request', async (args, error) => {
    const r = await runStubbed(['identity-provider', 'get', ...args]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
