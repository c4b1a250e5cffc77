// Completion that knows the tenant, in process through Cobra's `__complete` protocol: key ids with their descriptions,
// user ids with names, context names; and nothing, silently, when offline, refused (401), without credentials, or
// slower than the budget (a stub that never answers).
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { failure, json, StubRegistry, type RecordedRequest } from '../../../../../test/kit/httpmock.js';
import { homeWithContext, runQlik, type RunResult } from '../../../../../test/kit/run.js';
import { homeWith } from '../../../../../test/kit/temp.js';
import { SERVER } from '../../../../../test/kit/verb.js';
import type { TransportResponse } from '../../http/transport.js';

const KEYS = {
  data: [
    { id: 'k-1', description: 'ci key', status: 'active' },
    { id: 'k-2', description: 'old', status: 'revoked' },
  ],
};
const USERS = {
  data: [
    { id: 'u-1', name: 'Ann', email: 'ann@example.com' },
    { id: 'u-2', name: 'Bob' },
  ],
};
const DONE = 'Completion ended with directive: ShellCompDirectiveNoFileComp\n';

async function complete(
  words: string[],
  setup: (reg: StubRegistry) => void = () => undefined,
  home?: string,
): Promise<RunResult & { requests: RecordedRequest[] }> {
  const reg = new StubRegistry();
  setup(reg);
  const r = await runQlik(['__complete', ...words], { home: home ?? (await homeWithContext(SERVER)), transport: reg });
  reg.verify();
  return { ...r, requests: reg.requests };
}

describe('dynamic completion against stubs', () => {
  it.each(['get', 'patch', 'edit', 'rm'])('api-key %s <TAB>: key ids with their descriptions', async (verb) => {
    const r = await complete(['api-key', verb, ''], (reg) =>
      reg.register('GET', '/api/v1/api-keys?limit=100', json(200, KEYS)),
    );
    expect(r).toMatchObject({ code: 0, stdout: 'k-1\tci key\nk-2\told (revoked)\n:4\n', stderr: DONE });
  });

  it('api-key rm k-<TAB> filters by the word; a second argument offers nothing and asks nothing', async () => {
    const r = await complete(['api-key', 'rm', 'k-2'], (reg) =>
      reg.register('GET', '/api/v1/api-keys?limit=100', json(200, KEYS)),
    );
    expect(r.stdout).toBe('k-2\told (revoked)\n:4\n');
    const second = await complete(['api-key', 'rm', 'k-1', '']);
    expect(second).toMatchObject({ code: 0, stdout: ':4\n', requests: [] });
  });

  it('--sub <TAB> on create and ls: user ids with names; after --subType externalClient no users are offered', async () => {
    for (const verb of ['create', 'ls']) {
      const r = await complete(['api-key', verb, '--sub', ''], (reg) =>
        reg.register('GET', '/api/v1/users?limit=100', json(200, USERS)),
      );
      expect(r).toMatchObject({ code: 0, stdout: 'u-1\tAnn <ann@example.com>\nu-2\tBob\n:4\n', stderr: DONE });
    }
    // After --subType externalClient the IdPs are asked for (cmd/identity-provider), not the users.
    const scim = await complete(['api-key', 'create', '--subType', 'externalClient', '--sub', ''], (reg) =>
      reg.register('GET', '/api/v1/identity-providers?limit=100', json(200, { data: [] })),
    );
    expect(scim.stdout).toBe(':4\n');
    expect(scim.requests.map((q) => q.path)).toEqual(['/api/v1/identity-providers?limit=100']);
  });

  it('the line’s own --server and --headers are the ones used', async () => {
    const r = await complete(
      [
        '--server',
        'https://other.example.com',
        '--headers',
        'Authorization=Bearer other-key-0123',
        'api-key',
        'get',
        '',
      ],
      (reg) => reg.register('GET', '/api/v1/api-keys?limit=100', json(200, KEYS)),
    );
    expect(r.stdout).toBe('k-1\tci key\nk-2\told (revoked)\n:4\n');
    expect(r.requests.map((q) => [q.url.origin, q.headers.authorization])).toEqual([
      ['https://other.example.com', 'Bearer other-key-0123'],
    ]);
  });

  it.each<[string, TransportResponse | ReturnType<typeof failure>]>([
    ['offline (connection refused)', failure('not-sent')],
    ['a reset', failure('ambiguous')],
    ['401', json(401, { errors: [{ code: 'HTTP-401', title: 'Unauthorized', status: '401' }] })],
    ['a body that is not JSON', { status: 200, headers: {}, body: Buffer.from('<html>') }],
  ])('%s: nothing offered, no error, one attempt', async (_what, answer) => {
    const r = await complete(['api-key', 'rm', ''], (reg) => reg.register('GET', '/api/v1/api-keys?limit=100', answer));
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE });
    expect(r.requests).toHaveLength(1);
  });

  it('no credentials at all: no request', async () => {
    const home = await homeWith('current-context: bare\ncontexts:\n  bare:\n    server: https://tenant.example.com\n');
    const r = await complete(['api-key', 'rm', ''], () => undefined, home);
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE, requests: [] });
    const none = await complete(['api-key', 'rm', ''], () => undefined, await homeWith('contexts: {}\n'));
    expect(none).toMatchObject({ code: 0, stdout: ':4\n', requests: [] });
  });

  it('a server that never answers: the budget ends the wait, the request is aborted, nothing is offered', async () => {
    let aborted: unknown;
    const reg = new StubRegistry().register(
      'GET',
      '/api/v1/api-keys?limit=100',
      () => new Promise<never>(() => undefined),
    );
    // The stub never settles; the transport's abort signal is what the budget fires.
    const transport = {
      request: (req: Parameters<StubRegistry['request']>[0]) => {
        req.signal?.addEventListener('abort', () => {
          aborted = req.signal?.reason;
        });
        return reg.request(req);
      },
      close: () => reg.close(),
    };
    const r = await runQlik(['__complete', 'api-key', 'get', ''], { home: await homeWithContext(SERVER), transport });
    expect(r).toMatchObject({ code: 0, stdout: ':4\n', stderr: DONE });
    expect(reg.requests).toHaveLength(1);
    expect((aborted as Error | undefined)?.name).toBe('TimeoutError');
  });

  it('context use|rm|get|rename <TAB>: context names, no request', async () => {
    const home = await homeWith(
      'current-context: dev\ncontexts:\n  dev:\n    server: https://dev.example.com\n  prod:\n    server: https://prod.example.com\n',
    );
    for (const verb of ['use', 'rm', 'get', 'rename']) {
      const r = await complete(['context', verb, ''], () => undefined, home);
      expect(r).toMatchObject({ code: 0, stdout: 'dev\nprod\n:4\n', requests: [] });
    }
  });
});

describe('dynamic completion against the emulator', () => {
  const emu = useEmulator({ reset: false });

  it("api-key get <TAB> offers the caller's key ids; --sub <TAB> the users; a revoked key offers nothing", async () => {
    const made = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'completion me', expiry: 'PT1H' },
    });
    const home = await homeWithContext(emu.url, { apiKey: emu.dev.apiKey });
    const r = await runQlik(['__complete', 'api-key', 'get', ''], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${made.body.id as string}\tcompletion me\n`);
    const admin = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
    const users = await runQlik(['__complete', 'api-key', 'create', '--sub', ''], { home: admin });
    expect(users.stdout).toContain(`${emu.dev.id}\t${emu.dev.name} <${emu.dev.email}>\n`);
    expect(
      (await emu.call('DELETE', `/api/v1/api-keys/${made.body.id as string}`, { token: emu.admin.apiKey })).status,
    ).toBe(204);
    const dead = await homeWithContext(emu.url, { apiKey: made.body.token as string });
    expect(await runQlik(['__complete', 'api-key', 'get', ''], { home: dead })).toMatchObject({
      code: 0,
      stdout: ':4\n',
      stderr: DONE,
    });
  });
});
