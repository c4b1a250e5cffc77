// qlik identity-provider status, me meta and .well-known metadata.json: the GET each sends and what it prints.
import { describe, expect, it } from 'vitest';
import { json } from '../../../../../test/kit/httpmock.js';
import { runStubbed, sent } from '../../../../../test/kit/verb.js';

describe('identity-provider status | me meta | .well-known metadata.json', () => {
  it.each([
    [
      ['status'],
      '/api/v1/identity-providers/status',
      { idps_metadata: [{ active: true, provider: 'azureAD', interactive: true }], active_interactive_idps_count: 1 },
    ],
    [
      ['me', 'meta'],
      '/api/v1/identity-providers/me/meta',
      { userPortalLink: 'https://x', upgradeSubscriptionLink: 'https://y' },
    ],
    [['.well-known', 'metadata.json'], '/api/v1/identity-providers/.well-known/metadata.json', { saml: {}, oidc: {} }],
  ])('%j → GET %s', async (args, path, body) => {
    const r = await runStubbed(['identity-provider', ...args], (reg) => reg.register('GET', path, json(200, body)));
    expect(r).toMatchObject({ code: 0, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' });
    expect(r.requests.map(sent)).toEqual([{ method: 'GET', path, body: undefined }]);
  });

  it.each([
    [['status', 'x'], 'Error: accepts 0 arg(s), received 1\n'],
    [['me', 'meta', '--active'], 'Error: unknown flag: --active\n'],
  ])('%j → one error line, no request', async (args, error) => {
    const r = await runStubbed(['identity-provider', ...args]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: error, requests: [] });
  });
});
