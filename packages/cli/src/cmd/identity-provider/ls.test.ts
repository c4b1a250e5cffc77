// qlik identity-provider ls: flags → the query; paging; secrets in options masked in the default output, and printed
// as the server sent them with --json and --raw.
import { describe, expect, it } from 'vitest';
import { json, type StubRegistry } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent, SERVER, withoutLinks } from '../../../../../test/kit/verb.js';

const P = '/api/v1/identity-providers';
const idp = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  provider: 'azureAD',
  protocol: 'OIDC',
  interactive: true,
  active: true,
  options: {
    clientId: 'cid',
    clientSecret: 's3cr3t-value',
    discoveryUrl: 'https://login.example/.well-known/openid-configuration',
    claimsMapping: { sub: ['sub'] },
  },
  pendingOptions: { clientSecret: '' },
  ...extra,
  links: { self: { href: `${SERVER}${P}/${id}` } },
});
const one = (reg: StubRegistry) => reg.register('GET', P, json(200, { data: [idp('i1')], links: {} }));

describe('identity-provider ls: flags → the request', () => {
  it.each([
    [[], P],
    [['--active'], `${P}?active=true`],
    [['--active=false'], `${P}?active=false`],
    [['--next', 'c1', '--limit', '10'], `${P}?next=c1&limit=10`],
    [['--prev', 'c0'], `${P}?prev=c0`],
    [['--limit', '1000'], `${P}?limit=100`],
  ])('%j → GET %s', async (flags, path) => {
    const r = await runStubbed(['identity-provider', 'ls', ...flags], (reg) =>
      reg.register('GET', path, json(200, { data: [], links: {} })),
    );
    expect(r).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it.each([
    [
      ['--active=yes'],
      'Error: invalid argument "yes" for "--active" flag: strconv.ParseBool: parsing "yes": invalid syntax\n',
    ],
    [['--limit', '-1'], 'Error: invalid argument "-1" for "--limit" flag: must be at least 1\n'],
    [['--filter', 'x'], 'Error: unknown flag: --filter\n'],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['identity-provider', 'ls', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});

describe('identity-provider ls: answers → output', () => {
  it('masks the client secret (not empty values), keeps the rest, drops links', async () => {
    const r = await runStubbed(['identity-provider', 'ls'], one);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('s3cr3t-value');
    // The fixture as sent, but for its links and the one secret.
    const given = idp('i1');
    expect(JSON.parse(r.stdout)).toEqual([
      { ...withoutLinks(given), options: { ...given.options, clientSecret: '**omitted**' } },
    ]);
  });

  it('--json prints what the server sent (links dropped as always); --raw the body itself', async () => {
    const plain = Object.fromEntries(Object.entries(idp('i1')).filter(([k]) => k !== 'links'));
    const a = await runStubbed(['identity-provider', 'ls', '--json'], one);
    expect(JSON.parse(a.stdout)).toEqual([plain]);
    const b = await runStubbed(['identity-provider', 'ls', '--raw'], one);
    expect(b.stdout).toBe(`${JSON.stringify({ data: [idp('i1')], links: {} })}\n`);
  });
});
