// qlik identity-provider create: flags → the nested body; bad input → one error line and no request; the created
// IdP printed with its secrets masked.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

const P = '/api/v1/identity-providers';

describe('identity-provider create: flags → the request', () => {
  it.each([
    [
      [
        '--protocol',
        'jwtAuth',
        '--provider',
        'external',
        '--interactive=false',
        '--options-issuer',
        'iss',
        '--options-staticKeys-kid',
        'k1',
        '--options-staticKeys-pem',
        'PEM',
      ],
      {
        protocol: 'jwtAuth',
        provider: 'external',
        interactive: false,
        options: { issuer: 'iss', staticKeys: [{ kid: 'k1', pem: 'PEM' }] },
      },
    ],
    [
      [
        '--protocol',
        'OIDC',
        '--provider',
        'azureAD',
        '--interactive',
        '--clockToleranceSec',
        '10',
        '--tenantIds',
        't1,t2',
        '--pendingOptions-clientId',
        'cid',
        '--pendingOptions-clientSecret',
        'sec',
        '--pendingOptions-discoveryUrl',
        'https://d',
        '--pendingOptions-claimsMapping-sub',
        'sub',
        '--pendingOptions-claimsMapping-email',
        'email,upn',
        '--pendingOptions-idTokenSignatureAlg',
        'RS512',
      ],
      {
        protocol: 'OIDC',
        provider: 'azureAD',
        interactive: true,
        clockToleranceSec: 10,
        tenantIds: ['t1', 't2'],
        pendingOptions: {
          clientId: 'cid',
          clientSecret: 'sec',
          discoveryUrl: 'https://d',
          claimsMapping: { sub: ['sub'], email: ['email', 'upn'] },
          idTokenSignatureAlg: 'RS512',
        },
      },
    ],
    [
      ['--protocol', 'SAML', '--options-certificates', '[{"name":"a","certificate":"X"}]', '--skipVerify'],
      { protocol: 'SAML', options: { certificates: [{ name: 'a', certificate: 'X' }] }, skipVerify: true },
    ],
    [
      ['--options-openid_configuration-token_endpoint', 'https://t'],
      { options: { openid_configuration: { token_endpoint: 'https://t' } } },
    ],
  ])('%j', async (flags, body) => {
    const r = await runStubbed(['identity-provider', 'create', ...flags], (reg) =>
      reg.register('POST', P, json(201, { id: 'i9' })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map(sent)).toEqual([{ method: 'POST', path: P, body }]);
  });

  it.each([
    [
      ['--pendingOptions-idTokenSignatureAlg', 'HS256'],
      'Error: invalid argument "HS256" for "--pendingOptions-idTokenSignatureAlg" flag: must be one of "RS256", "RS512"\n',
    ],
    [
      ['--clockToleranceSec', 'ten'],
      'Error: invalid argument "ten" for "--clockToleranceSec" flag: strconv.ParseInt: parsing "ten": invalid syntax\n',
    ],
    [
      ['--options-staticKeys', 'nope'],
      'Error: --options-staticKeys: invalid JSON at line 1, column 1: invalid symbol\n',
    ],
  ])('%j → one error line, no request', async (flags, error) => {
    const r = await runStubbed(['identity-provider', 'create', ...flags]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});

describe('identity-provider create: answers → output', () => {
  it('the created IdP with its client secret masked; --raw as sent', async () => {
    const created = { id: 'i9', pendingOptions: { clientId: 'cid', clientSecret: 'sec' } };
    const a = await runStubbed(['identity-provider', 'create', '--protocol', 'OIDC'], (reg) =>
      reg.register('POST', P, json(201, created)),
    );
    expect(JSON.parse(a.stdout)).toEqual({
      id: 'i9',
      pendingOptions: { clientId: 'cid', clientSecret: '**omitted**' },
    });
    const b = await runStubbed(['identity-provider', 'create', '--protocol', 'OIDC', '--raw'], (reg) =>
      reg.register('POST', P, json(201, created)),
    );
    expect(b.stdout).toBe(`${JSON.stringify(created)}\n`);
  });
});
