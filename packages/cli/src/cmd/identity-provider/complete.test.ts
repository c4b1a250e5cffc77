// Completion of IdP ids from the server, in process (Cobra's `__complete` protocol): `identity-provider get|patch|rm
// <TAB>` offers the tenant's IdP ids, `api-key create --subType externalClient --sub <TAB>` offers `SCIM\<id>`; offline,
// unauthenticated, an odd answer or a server that does not answer within the budget offers nothing, silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, json, qlikError, text, type StubRegistry } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';
import { localServer, runStubbed } from '../../../../../test/kit/verb.js';

const LIST = '/api/v1/identity-providers?limit=100';
const IDPS = {
  data: [
    { id: '65f1c2d3e4a5b6c7d8e9f012', provider: 'azureAD', protocol: 'OIDC', active: true, description: 'Entra ID' },
    { id: '65f1c2d3e4a5b6c7d8e9f999', provider: 'external', protocol: 'jwtAuth', active: false },
  ],
  links: {},
};
const DONE = 'Completion ended with directive: ShellCompDirectiveNoFileComp\n';

describe('identity-provider <verb> <TAB>', () => {
  it.each([['get'], ['patch'], ['rm']])(
    '%s offers the IdP ids with provider, protocol and description',
    async (verb) => {
      const r = await runStubbed(['__complete', 'identity-provider', verb, ''], (reg) =>
        reg.register('GET', LIST, json(200, IDPS)),
      );
      expect(r).toMatchObject({
        code: 0,
        stdout:
          '65f1c2d3e4a5b6c7d8e9f012\tazureAD OIDC Entra ID\n65f1c2d3e4a5b6c7d8e9f999\texternal jwtAuth inactive\n:4\n',
        stderr: DONE,
      });
    },
  );

  it('filters by what is typed; a second argument offers nothing and asks nothing', async () => {
    const a = await runStubbed(['__completeNoDesc', 'identity-provider', 'get', '65f1c2d3e4a5b6c7d8e9f9'], (reg) =>
      reg.register('GET', LIST, json(200, IDPS)),
    );
    expect(a.stdout).toBe('65f1c2d3e4a5b6c7d8e9f999\n:4\n');
    const b = await runStubbed(['__completeNoDesc', 'identity-provider', 'get', 'x', '']);
    expect(b).toMatchObject({ stdout: ':4\n', requests: [] });
  });

  it.each([
    ['offline', failure('not-sent')],
    ['401', qlikError(401, 'AUTH-1', 'Unauthorized')],
    ['403', qlikError(403, 'IDP-403', 'Forbidden')],
    ['not JSON', text(200, '<html>')],
    ['no data array', json(200, { data: 'x' })],
  ])('%s: nothing, silently', async (_name, answer) => {
    const r = await runStubbed(['__complete', 'identity-provider', 'get', ''], (reg) =>
      reg.register('GET', LIST, answer),
    );
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE });
    expect(r.requests).toHaveLength(1);
  });

  it('no context: nothing, silently, and no request', async () => {
    const r = await runQlik(['__complete', 'identity-provider', 'get', '']);
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE });
  });
});

describe('a server that does not answer within the budget', () => {
  let server: Awaited<ReturnType<typeof localServer>>;
  beforeAll(async () => {
    server = await localServer(() => undefined); // never answers
  });
  afterAll(async () => server.close());

  it('offers nothing, silently (the request is abandoned)', async () => {
    const r = await runQlik(['__complete', 'identity-provider', 'get', ''], {
      home: await homeWithContext(server.url),
    });
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE });
    expect(server.requests()).toBe(1);
  });
});

describe('api-key create --sub <TAB>', () => {
  it('after --subType externalClient: SCIM\\<id> for each IdP', async () => {
    const r = await runStubbed(
      ['__completeNoDesc', 'api-key', 'create', '--subType', 'externalClient', '--sub', ''],
      (reg) => reg.register('GET', LIST, json(200, IDPS)),
    );
    expect(r).toMatchObject({
      code: 0,
      stdout: 'SCIM\\65f1c2d3e4a5b6c7d8e9f012\nSCIM\\65f1c2d3e4a5b6c7d8e9f999\n:4\n',
    });
  });

  it('--sub=<TAB> and a typed prefix', async () => {
    const r = await runStubbed(
      ['__completeNoDesc', 'api-key', 'create', '--subType=externalClient', '--sub=SCIM\\65f1c2d3e4a5b6c7d8e9f0'],
      (reg) => reg.register('GET', LIST, json(200, IDPS)),
    );
    expect(r.stdout).toBe('SCIM\\65f1c2d3e4a5b6c7d8e9f012\n:4\n');
  });

  it('without --subType externalClient: no IdPs are asked for', async () => {
    // (Users are offered instead: cmd/completion/dynamic.test.ts.)
    const users = (reg: StubRegistry) => reg.register('GET', '/api/v1/users?limit=100', json(200, { data: [] }));
    const a = await runStubbed(['__completeNoDesc', 'api-key', 'create', '--sub', ''], users);
    expect(a.requests.map((q) => q.path)).toEqual(['/api/v1/users?limit=100']);
    const b = await runStubbed(['__completeNoDesc', 'api-key', 'create', '--subType', 'user', '--sub', ''], users);
    expect(b.requests.map((q) => q.path)).toEqual(['/api/v1/users?limit=100']);
  });

  it('offline: nothing, silently', async () => {
    const r = await runStubbed(['__complete', 'api-key', 'create', '--subType', 'externalClient', '--sub', ''], (reg) =>
      reg.register('GET', LIST, failure('not-sent')),
    );
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE });
  });
});
