// OAuth machine-to-machine contexts end to end, in-process against the emulator (issue #11's "Done when"): a context
// made with `context create --oauth-client-id … --oauth-client-secret -` from the emulator's seeded client runs the
// api-key verbs and `user me` on one token; later runs reuse the cached token; an expired or revoked token leads to
// exactly one new token; a bad secret fails in one line without a retry loop; faults on /oauth/token follow --retry;
// `oauth-token ls/rm` work on the emulator's tokens. The emulator's request log is the witness for every count.
// (Parallel processes, argv and real stderr are in test/e2e/oauth.test.ts.)
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OAuthClientInfo } from '@qlik-ts/emulator';
import { useEmulator, type FaultRuleInput, type RequestLogEntry } from '../../../../test/kit/emulator.js';
import { homeWithOAuthContext, runQlik, type RunOptions, type RunResult } from '../../../../test/kit/run.js';
import { homeWith } from '../../../../test/kit/temp.js';

const SIX_HOURS = 21_600_000;

const emu = useEmulator({ reset: false });
let m2m: OAuthClientInfo;

beforeAll(async () => {
  m2m = emu.oauthClient('m2m');
  await emu.setConfig({ max_keys_per_user: 100 });
});

/** A home whose current context `emu` is the emulator with an OAuth client, made the way a user would. */
const createdHome = (secret: string, clientId = m2m.clientId): Promise<string> =>
  homeWithOAuthContext(emu.url, clientId, secret);

let contextsYml: string | undefined;
/** A fresh home (an empty token cache) with the seeded client's context: the file `context create` wrote, copied. */
async function oauthHome(): Promise<string> {
  contextsYml ??= await readFile(join(await createdHome(m2m.clientSecret), '.qlik', 'contexts.yml'), 'utf8');
  return homeWith(contextsYml);
}

/** The requests the emulator logs from now on (its log is shared by the file's tests, which run one at a time). */
async function logFromNow(): Promise<() => Promise<RequestLogEntry[]>> {
  const seen = (await emu.requests()).at(-1)?.seq ?? 0;
  return async () => (await emu.requests()).filter((q) => q.seq > seen);
}

const tokenRequests = (log: RequestLogEntry[]) => log.filter((q) => q.path === '/oauth/token');
const summary = (log: RequestLogEntry[]) => log.map((q) => `${q.method} ${q.path} ${q.status}`);

/** The access token the home's cache holds for the emulator (the cache is the only place a test can read it). */
async function cachedToken(home: string): Promise<string> {
  const cache = JSON.parse(await readFile(join(home, '.qlik', 'oauth-tokens.json'), 'utf8')) as {
    tokens: Record<string, { accessToken: string }>;
  };
  const tokens = Object.values(cache.tokens).map((t) => t.accessToken);
  expect(tokens).toHaveLength(1);
  return tokens[0]!;
}

const qlik = (home: string, argv: string[], opts: RunOptions = {}): Promise<RunResult> =>
  runQlik(argv, { home, ...opts });

describe('an OAuth context from the seeded client, against the emulator', () => {
  it('runs api-key ls, api-key create --sub, api-key config get and user me, all on one token request', async () => {
    const home = await createdHome(m2m.clientSecret);
    const log = await logFromNow();

    const ls = await qlik(home, ['api-key', 'ls']);
    expect(ls.code, ls.stderr).toBe(0);
    // The bot is a TenantAdmin: it sees every user's bootstrap key.
    const subs = (JSON.parse(ls.stdout) as { sub: string }[]).map((k) => k.sub);
    expect(subs).toEqual(expect.arrayContaining([emu.admin.id, emu.dev.id, emu.viewer.id]));

    const create = await qlik(home, [
      'api-key',
      'create',
      '--sub',
      emu.dev.id,
      '--description',
      'made by the bot',
      '--expiry',
      'PT1H',
    ]);
    expect(create.code, create.stderr).toBe(0);
    const key = JSON.parse(create.stdout) as {
      id: string;
      token: string;
      sub: string;
      createdByUser: string;
      description: string;
    };
    expect(key).toMatchObject({ sub: emu.dev.id, createdByUser: m2m.userId, description: 'made by the bot' });
    // The new key is dev's, and its token works.
    expect((await emu.call('GET', `/api/v1/api-keys/${key.id}`, { token: key.token })).body).toMatchObject({
      sub: emu.dev.id,
      status: 'active',
    });

    const config = await qlik(home, ['api-key', 'config', 'get']);
    expect(config.code, config.stderr).toBe(0);
    expect(JSON.parse(config.stdout)).toMatchObject({ max_api_key_expiry: 'PT24H', max_keys_per_user: 100 });

    const me = await qlik(home, ['user', 'me']);
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ id: m2m.userId, name: 'm2m' });

    const requests = await log();
    expect(summary(tokenRequests(requests))).toEqual(['POST /oauth/token 200']);
    // config get found the tenant through tenants/me.
    expect(requests.map((q) => q.path)).toContain(`/api/v1/api-keys/configs/${emu.tenantId}`);
    // Every API request carried the bearer, and none was refused.
    const api = requests.filter((q) => q.path.startsWith('/api/'));
    expect(api.every((q) => q.authorization && q.status < 400)).toBe(true);
    // The cache: 0600, without the client secret.
    const cache = join(home, '.qlik', 'oauth-tokens.json');
    expect((await stat(cache)).mode & 0o777).toBe(0o600);
    expect(await readFile(cache, 'utf8')).not.toContain(m2m.clientSecret);
  });

  it("api-key create without --sub: the emulator's refusal of a key owned by the bot, and nothing created", async () => {
    const home = await oauthHome();
    const before = (await emu.ledger()).length;
    const r = await qlik(home, ['api-key', 'create', '--description', 'for the bot itself', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr.slice(r.stderr.indexOf('{')))).toMatchObject({
      errors: [{ code: 'APIKEYS-5', status: 403 }],
    });
    expect(await emu.ledger()).toHaveLength(before);
  });

  it('context get shows the client id and masks the secret', async () => {
    const home = await oauthHome();
    const r = await qlik(home, ['context', 'get']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`oauth-client-id: ${m2m.clientId}\n`);
    expect(r.stdout).toContain('oauth-client-secret: **omitted**\n');
    expect(r.stdout).toContain('authentication: oauth\n');
    expect(r.stdout + r.stderr).not.toContain(m2m.clientSecret);
  });
});

describe('a token the server no longer accepts: exactly one new token, then success', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['the emulator clock moved past its expiry', () => emu.setTime({ offsetMs: SIX_HOURS + 60_000 })],
    [
      'expired by the control API',
      async () => expect(await emu.expireOAuthTokens({ clientId: m2m.clientId })).toBeGreaterThan(0),
    ],
    [
      'revoked by the control API',
      async () => expect(await emu.revokeOAuthTokens({ clientId: m2m.clientId })).toBeGreaterThan(0),
    ],
  ])('%s', async (_name, invalidate) => {
    const home = await oauthHome();
    expect((await qlik(home, ['user', 'me', '-q'])).stdout).toBe(`${m2m.userId}\n`);
    const old = await cachedToken(home);
    try {
      await invalidate();
      const log = await logFromNow();
      const r = await qlik(home, ['user', 'me', '-q']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${m2m.userId}\n`);
      expect(r.stderr).toBe('');
      // users/me answers 301 to /users/{id}, which is followed.
      expect(summary(await log())).toEqual([
        'GET /api/v1/users/me 401',
        'POST /oauth/token 200',
        'GET /api/v1/users/me 301',
        `GET /api/v1/users/${m2m.userId} 200`,
      ]);
      expect(await cachedToken(home)).not.toBe(old);
      // And the run after that uses the new token without asking for another.
      const next = await logFromNow();
      expect((await qlik(home, ['user', 'me', '-q'])).code).toBe(0);
      expect(tokenRequests(await next())).toEqual([]);
    } finally {
      await emu.setTime({ offsetMs: 0 });
    }
  });

  it('api-key create with a revoked token: the refused POST is sent once more after the renewal, and one key exists', async () => {
    const home = await oauthHome();
    expect((await qlik(home, ['user', 'me'])).code).toBe(0);
    await emu.revokeOAuthTokens({ clientId: m2m.clientId });
    const log = await logFromNow();
    const r = await qlik(home, ['api-key', 'create', '--sub', emu.dev.id, '--description', 'after a revoke', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const created = (await log()).map((q) => `${q.method} ${q.path} ${q.status}`);
    expect(created.slice(0, 3)).toEqual([
      'POST /api/v1/api-keys 401',
      'POST /oauth/token 200',
      'POST /api/v1/api-keys 201',
    ]);
    expect((await emu.ledger()).filter((e) => e.description === 'after a revoke').map((e) => [e.id, e.state])).toEqual([
      [r.stdout.trim(), 'active'],
    ]);
  });
});

describe('rejected client credentials', () => {
  it('a bad secret: one line naming the context and the server title/detail, exit 1, one token request even with --retry', async () => {
    const home = await createdHome('not-the-secret-00000000');
    const log = await logFromNow();
    const r = await qlik(home, ['user', 'me', '--retry', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Error: context 'emu': the OAuth client was rejected by ${emu.url} (401): Unauthorized - The client credentials are invalid\n`,
    );
    expect(r.sleeps).toEqual([]);
    expect(summary(await log())).toEqual(['POST /oauth/token 401']);
    expect(r.stderr).not.toContain('not-the-secret');
    // Nothing was cached.
    await expect(stat(join(home, '.qlik', 'oauth-tokens.json'))).rejects.toThrow();
  });

  it('an unknown client id: the same one line', async () => {
    const home = await createdHome(m2m.clientSecret, 'no-such-client');
    const r = await qlik(home, ['api-key', 'ls']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error: context 'emu': the OAuth client was rejected by ${emu.url} (401): Unauthorized - The client credentials are invalid\n`,
    );
  });
});

describe('faults on /oauth/token follow --retry (the token request is safe to repeat)', () => {
  const cases: [string, FaultRuleInput['action'], number, RegExp][] = [
    [
      '503',
      { type: 'status', status: 503 },
      1000,
      /^Error: context 'emu': could not get an access token from http:\/\/127\.0\.0\.1:\d+\/oauth\/token: 503 Service Unavailable \(.+\)\n$/,
    ],
    [
      '500',
      { type: 'status', status: 500 },
      1000,
      /^Error: context 'emu': could not get an access token from http:\/\/127\.0\.0\.1:\d+\/oauth\/token: 500 Internal Server Error \(.+\)\n$/,
    ],
    [
      '429 with retry-after: 3',
      { type: 'status', status: 429, headers: { 'retry-after': '3' } },
      3000,
      /^Error: context 'emu': could not get an access token from http:\/\/127\.0\.0\.1:\d+\/oauth\/token: 429 Too Many Requests \(.+\)\n$/,
    ],
    [
      'a reset before the answer',
      { type: 'reset-before' },
      1000,
      /^Error: context 'emu': could not get an access token from http:\/\/127\.0\.0\.1:\d+\/oauth\/token: request to 127\.0\.0\.1:\d+ failed: connection reset by the server\n$/,
    ],
    [
      'a reset after a token was issued',
      { type: 'reset-after' },
      1000,
      /^Error: context 'emu': could not get an access token from http:\/\/127\.0\.0\.1:\d+\/oauth\/token: request to 127\.0\.0\.1:\d+ failed: connection reset by the server\n$/,
    ],
  ];

  it.each(cases)('%s, with --retry 1: one wait, a second token request, success', async (_name, action, wait) => {
    const home = await oauthHome();
    await emu.faults.add({ method: 'POST', path: '/oauth/token', action });
    const log = await logFromNow();
    const r = await qlik(home, ['user', 'me', '-q', '--retry', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${m2m.userId}\n`);
    // The wait: the interval or retry-after, plus up to 200 ms of jitter.
    expect(r.sleeps).toHaveLength(1);
    expect(r.sleeps[0]).toBeGreaterThanOrEqual(wait);
    expect(r.sleeps[0]).toBeLessThan(wait + 200);
    const tokens = tokenRequests(await log());
    expect(tokens).toHaveLength(2);
    expect(tokens[1]!.status).toBe(200);
  });

  it.each(cases)(
    '%s, without --retry: exit 1, one token request, no API request',
    async (_name, action, _wait, error) => {
      const home = await oauthHome();
      await emu.faults.add({ method: 'POST', path: '/oauth/token', action });
      const log = await logFromNow();
      const r = await qlik(home, ['user', 'me']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(error);
      expect(r.sleeps).toEqual([]);
      expect((await log()).map((q) => q.path)).toEqual(['/oauth/token']);
    },
  );
});

describe('oauth-token ls / rm against the emulator', () => {
  it('ls lists the active tokens (the bot is a TenantAdmin); rm revokes one; the next run gets exactly one new token', async () => {
    const home = await oauthHome();
    expect((await qlik(home, ['user', 'me'])).code).toBe(0);
    const live = (await emu.oauthTokens())
      .filter((t) => t.clientId === m2m.clientId && t.state === 'active')
      .map((t) => t.id);
    expect(live.length).toBeGreaterThan(0);

    const ls = await qlik(home, ['oauth-token', 'ls', '--userId', m2m.userId, '--limit', '100']);
    expect(ls.code, ls.stderr).toBe(0);
    const listed = JSON.parse(ls.stdout) as { id: string; userId: string; tenantId: string }[];
    expect(listed.map((t) => t.id).sort()).toEqual([...live].sort());
    expect(listed.every((t) => t.userId === m2m.userId && t.tenantId === emu.tenantId)).toBe(true);
    expect(ls.stdout).not.toContain('"links"');
    const quiet = await qlik(home, ['oauth-token', 'ls', '-q', '--userId', m2m.userId, '--limit', '100']);
    expect(quiet.stdout.trim().split('\n').sort()).toEqual([...live].sort());

    // Revoke every live token of the client (the one this home uses among them) with the token itself.
    for (const id of live) {
      const rm = await qlik(home, ['oauth-token', 'rm', id]);
      expect(rm.code, rm.stderr).toBe(0);
      expect(rm.stdout).toBe('204 No Content\n');
    }
    const states = (await emu.oauthTokens()).filter((t) => live.includes(t.id)).map((t) => t.state);
    expect(new Set(states)).toEqual(new Set(['revoked']));

    const log = await logFromNow();
    const me = await qlik(home, ['user', 'me', '-q']);
    expect(me.code, me.stderr).toBe(0);
    expect(summary(tokenRequests(await log()))).toEqual(['POST /oauth/token 200']);
  });

  it('rm of a token that is not active: the 404 body, exit 1', async () => {
    const home = await oauthHome();
    const r = await qlik(home, ['oauth-token', 'rm', 'no-such-token', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ errors: [{ code: 'OAUTH-4' }] });
  });
});

describe('secrets stay out of -v traces and errors', () => {
  it('-v across a renewal shows neither the client secret nor either access token', async () => {
    const home = await oauthHome();
    expect((await qlik(home, ['user', 'me'])).code).toBe(0);
    const old = await cachedToken(home);
    await emu.revokeOAuthTokens({ clientId: m2m.clientId });
    const r = await qlik(home, ['api-key', 'ls', '-v']);
    expect(r.code, r.stderr).toBe(0);
    const renewed = await cachedToken(home);
    expect(renewed).not.toBe(old);
    expect(r.stderr).toContain(`POST ${emu.url}/oauth/token`);
    expect(r.stderr).toContain('"client_secret":"**omitted**"');
    expect(r.stderr).toContain('"access_token":"**omitted**"');
    for (const secret of [m2m.clientSecret, old, renewed, old.split('.')[2]!, renewed.split('.')[2]!]) {
      expect(r.stderr).not.toContain(secret);
      expect(r.stdout).not.toContain(secret);
    }
  });
});
