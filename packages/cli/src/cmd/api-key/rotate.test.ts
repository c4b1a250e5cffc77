// qlik api-key rotate against stubs: the exact requests of each step, and each failure — nothing changed (exit 2)
// before the new key is stored, the old key still active (exit 3) after. (Flows: rotate-emulator.test.ts.)
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, json, qlikError, type StubRegistry } from '../../../../../test/kit/httpmock.js';
import { homeWithContext } from '../../../../../test/kit/run.js';
import { keyRecord, runStubbed, SERVER } from '../../../../../test/kit/verb.js';

const jwt = (jti: string, sub = 'user-1'): string =>
  [
    'e30',
    Buffer.from(JSON.stringify({ jti, tenantId: 't1', sub, subType: 'user' })).toString('base64url'),
    `sig-${jti}`,
  ].join('.');
const OLD = jwt('old-key');
const NEW = jwt('new-key');

const bearer = (r: { headers: Record<string, string> }) => r.headers.authorization;

/** The preflight: the old key (its `sub` is the caller), the owner's keys, the tenant's limit. */
function preflight(reg: StubRegistry, active = 2, max = 5): void {
  reg.register(
    'GET',
    '/api/v1/api-keys/old-key',
    json(
      200,
      keyRecord('old-key', {
        description: 'ci',
        created: '2026-12-01T00:00:00.000Z',
        expiry: '2026-12-01T20:00:00.000Z',
      }),
    ),
  );
  // No users/me with the old key: the context's key is the caller, its `sub` the caller's id.
  reg.register(
    'GET',
    '/api/v1/api-keys?sub=user-1&status=active&limit=100',
    json(200, { data: Array.from({ length: active }, (_, i) => keyRecord(i === 0 ? 'old-key' : `k${i}`)), links: {} }),
  );
  reg.register('GET', '/api/v1/api-keys/configs/t1', json(200, { max_keys_per_user: max }));
}

/** The create (with the safe create's own untag, back to the rotation's tagged description). */
let posted = '';
function create(reg: StubRegistry): void {
  reg.register('POST', '/api/v1/api-keys', (r) => {
    posted = (r.json as { description: string }).description;
    return json(201, { ...keyRecord('new-key', { description: posted }), token: NEW });
  });
  // The safe create reads the key back (it must carry the attempt's tag), then takes its tag off.
  reg.register('GET', '/api/v1/api-keys/new-key', () => json(200, keyRecord('new-key', { description: posted })));
  reg.register('PATCH', '/api/v1/api-keys/new-key', empty(204));
}

/** A rotation up to its verification: the preflight, the create, and the new key answering as the same user. */
function verified(reg: StubRegistry): void {
  preflight(reg);
  create(reg);
  reg.register('GET', '/api/v1/users/me', json(200, { id: 'user-1' }));
}

/** A whole rotation that succeeds: verified, then the untag and the old key's deletion answered. */
function succeeds(reg: StubRegistry): void {
  verified(reg);
  reg.register('PATCH', '/api/v1/api-keys/new-key', empty(204));
  reg.register('DELETE', '/api/v1/api-keys/old-key', empty(204));
}

async function home(): Promise<string> {
  return homeWithContext(SERVER, { apiKey: OLD });
}

async function contextToken(h: string): Promise<string> {
  return /Bearer (\S+)/.exec(await readFile(join(h, '.qlik', 'contexts.yml'), 'utf8'))![1]!;
}

describe('api-key rotate (stubbed)', () => {
  it('the whole rotation: these requests, in this order, each with the right key', async () => {
    const h = await home();
    const r = await runStubbed(
      ['api-key', 'rotate'],
      (reg) => {
        preflight(reg);
        create(reg);
        reg.register('GET', '/api/v1/users/me', (q) =>
          bearer(q) === `Bearer ${NEW}` ? json(200, { id: 'user-1' }) : json(401, {}),
        );
        reg.register('PATCH', '/api/v1/api-keys/new-key', empty(204));
        reg.register('DELETE', '/api/v1/api-keys/old-key', (q) =>
          bearer(q) === `Bearer ${NEW}` ? empty(204) : json(403, {}),
        );
      },
      { home: h },
    );
    expect(r.code, r.stderr).toBe(0);
    const asked = r.requests.map((q) => `${q.method} ${q.path}`);
    // The preflight's three reads go out together (the token names the owner), in any order.
    expect(asked.slice(0, 3).sort()).toEqual([
      'GET /api/v1/api-keys/configs/t1',
      'GET /api/v1/api-keys/old-key',
      'GET /api/v1/api-keys?sub=user-1&status=active&limit=100',
    ]);
    expect(asked.slice(3)).toEqual([
      'POST /api/v1/api-keys',
      'GET /api/v1/api-keys/new-key',
      'PATCH /api/v1/api-keys/new-key',
      'GET /api/v1/users/me',
      'PATCH /api/v1/api-keys/new-key',
      'DELETE /api/v1/api-keys/old-key',
    ]);
    const post = r.requests[3]!.json as { description: string; expiry: string };
    expect(post.description).toMatch(/^ci \[qlik-cli:rot\.[\w-]+\] \[qlik-cli:[\w-]+\.1\]$/);
    expect(post.expiry).toBe('PT20H');
    expect(r.requests[7]!.json).toEqual([{ op: 'replace', path: '/description', value: 'ci' }]);
    expect(await contextToken(h)).toBe(NEW);
  });

  it("a token that names another owner than the key's record: what was asked for that owner is not used", async () => {
    const claimed = jwt('old-key', 'user-9');
    const h = await homeWithContext(SERVER, { apiKey: claimed });
    const r = await runStubbed(
      ['api-key', 'rotate'],
      (reg) => {
        verified(reg);
        // The guessed owner's quota is full; the real owner's (user-1, from the key's record) is not.
        reg.register(
          'GET',
          '/api/v1/api-keys?sub=user-9&status=active&limit=100',
          json(200, { data: Array.from({ length: 5 }, (_, i) => keyRecord(`x${i}`, { sub: 'user-9' })), links: {} }),
        );
        // The tenant's limit is asked again too, with the real owner's keys.
        reg.register('GET', '/api/v1/api-keys/configs/t1', json(200, { max_keys_per_user: 5 }));
        reg.register('PATCH', '/api/v1/api-keys/new-key', empty(204));
        reg.register('DELETE', '/api/v1/api-keys/old-key', empty(204));
      },
      { home: h },
    );
    expect(r.code, r.stderr).toBe(0);
    const asked = r.requests.map((q) => `${q.method} ${q.path}`);
    expect(asked).toContain('GET /api/v1/api-keys?sub=user-9&status=active&limit=100');
    // Asked again for the owner the record names, before anything was written.
    const real = asked.indexOf('GET /api/v1/api-keys?sub=user-1&status=active&limit=100');
    expect(real).toBeGreaterThan(asked.indexOf('GET /api/v1/api-keys/old-key'));
    expect(real).toBeLessThan(asked.indexOf('POST /api/v1/api-keys'));
  });

  it('an expiry record that cannot be written costs its warning only: the rotation completes', async () => {
    const h = await home();
    // A directory where the record goes: writing it fails.
    await mkdir(join(h, '.qlik', 'key-expiry.json'));
    const r = await runStubbed(['api-key', 'rotate'], succeeds, { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.map((q) => `${q.method} ${q.path}`)).toContain('DELETE /api/v1/api-keys/old-key');
    expect(await contextToken(h)).toBe(NEW);
    expect((await stat(join(h, '.qlik', 'key-expiry.json'))).isDirectory()).toBe(true);
    // Nothing half-written is left beside it.
    expect((await readdir(join(h, '.qlik'))).filter((n) => n.includes('key-expiry'))).toEqual(['key-expiry.json']);
  });

  it('-v traces the requests made with the old and the new key, and shows neither token', async () => {
    const h = await home();
    const r = await runStubbed(['api-key', 'rotate', '-v'], succeeds, { home: h });
    expect(r.code, r.stderr).toBe(0);
    const traced = r.stderr.split('\n').filter((l) => /^(GET|POST|PATCH|DELETE) http/.test(l));
    expect(traced).toHaveLength(r.requests.length);
    expect(traced).toContain(`DELETE ${SERVER}/api/v1/api-keys/old-key`);
    expect(r.stderr).toContain('Authorization: Bearer **omitted**');
    expect(r.stderr).not.toContain(OLD);
    expect(r.stderr).not.toContain(NEW);
    expect(await contextToken(h)).toBe(NEW);
  });

  it('the create is refused (400): exit 2, nothing changed, nothing deleted', async () => {
    const h = await home();
    const r = await runStubbed(
      ['api-key', 'rotate'],
      (reg) => {
        preflight(reg);
        reg.register(
          'POST',
          '/api/v1/api-keys',
          json(400, {
            errors: [
              {
                code: 'APIKEYS-7',
                title: 'Invalid request',
                detail: 'The expiry exceeds the maximum allowed for this tenant (PT12H)',
                status: 400,
              },
            ],
          }),
        );
        // The safe create checks once that a refused POST made nothing; the rotation's undo looks for its tag.
        reg.register('GET', '/api/v1/users/me', json(200, { id: 'user-1' }), 2);
        reg.register(
          'GET',
          '/api/v1/api-keys?createdByUser=user-1&sort=-created&limit=100',
          json(200, { data: [keyRecord('old-key')], links: {} }),
        );
        reg.register(
          'GET',
          '/api/v1/api-keys?createdByUser=user-1&status=active&limit=100',
          json(200, { data: [keyRecord('old-key')], links: {} }),
        );
      },
      { home: h },
    );
    expect(r.code).toBe(2);
    // The server's own words, and the way out: the lifetime refused is the old key's (20 hours), which the user never
    // typed, so the hint says where it came from.
    expect(r.stderr).toBe(
      'Error: Invalid request: The expiry exceeds the maximum allowed for this tenant (PT12H) (APIKEYS-7); nothing changed\n' +
        "Hint: the new key asks for the old key's lifetime, PT20H; the longest expiry this tenant allows is PT12H: pass --expiry PT12H or shorter (a TenantAdmin raises it with qlik api-key config patch --op replace --path /max_api_key_expiry --value PT20H)\n",
    );
    expect(r.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(await contextToken(h)).toBe(OLD);
    await expect(stat(join(h, '.qlik', 'rotations', 'test.json'))).rejects.toThrow();
  });

  it('the new key answers as another user: it is deleted, exit 2, the context keeps the old key', async () => {
    const h = await home();
    const r = await runStubbed(
      ['api-key', 'rotate'],
      (reg) => {
        preflight(reg);
        create(reg);
        reg.register(
          'GET',
          '/api/v1/users/me',
          (q) => (bearer(q) === `Bearer ${NEW}` ? json(200, { id: 'someone-else' }) : json(200, { id: 'user-1' })),
          2,
        );
        // The new key as listed after the safe create's untag: the rotation's tag is still on it.
        reg.register('GET', '/api/v1/api-keys?createdByUser=user-1&status=active&limit=100', () =>
          json(200, {
            data: [
              keyRecord('old-key'),
              keyRecord('new-key', { description: `ci ${/\[qlik-cli:rot\.[\w-]+\]/.exec(posted)?.[0] ?? ''}` }),
            ],
            links: {},
          }),
        );
        reg.register('DELETE', '/api/v1/api-keys/new-key', (q) =>
          bearer(q) === `Bearer ${OLD}` ? empty(204) : json(403, {}),
        );
      },
      { home: h },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^Error: the new API key answers as user someone-else, not user-1; nothing changed \(deleted API key new-key, created by this run\)\n$/,
    );
    expect(await contextToken(h)).toBe(OLD);
  });

  it('retiring the old key fails: exit 3, the context holds the new key, the journal says how to resume', async () => {
    const h = await home();
    const r = await runStubbed(
      ['api-key', 'rotate'],
      (reg) => {
        verified(reg);
        reg.register('PATCH', '/api/v1/api-keys/new-key', empty(204));
        reg.register('DELETE', '/api/v1/api-keys/old-key', qlikError(503, 'X', 'Unavailable'), 4); // sent once and retried 3 times (readPolicy)
      },
      { home: h },
    );
    expect(r.code).toBe(3);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines.slice(0, -1).map((l) => l.startsWith('Server error (503 Service Unavailable)'))).toEqual([
      true,
      true,
      true,
    ]);
    expect(lines.at(-1)).toMatch(
      /^Error: the new API key new-key is in place, but the old API key old-key could not be deleted \(.*\); run 'qlik api-key rotate --resume --context test'$/,
    );
    expect(await contextToken(h)).toBe(NEW);
    const j = JSON.parse(await readFile(join(h, '.qlik', 'rotations', 'test.json'), 'utf8')) as Record<string, unknown>;
    expect(j).toMatchObject({ step: 'stored', oldKeyId: 'old-key', newKeyId: 'new-key' });
    expect(JSON.stringify(j)).not.toContain('sig-');
    // --resume finishes with the new key (the untag again, then the retire).
    const again = await runStubbed(
      ['api-key', 'rotate', '--resume'],
      (reg) => {
        reg.register('PATCH', '/api/v1/api-keys/new-key', (q) =>
          bearer(q) === `Bearer ${NEW}` ? empty(204) : json(403, {}),
        );
        reg.register('DELETE', '/api/v1/api-keys/old-key', (q) =>
          bearer(q) === `Bearer ${NEW}` ? empty(204) : json(403, {}),
        );
      },
      { home: h },
    );
    expect(again.code, again.stderr).toBe(0);
  });

  it('removing the tag fails after storing: exit 3, resume hint', async () => {
    const h = await home();
    const r = await runStubbed(
      ['api-key', 'rotate'],
      (reg) => {
        verified(reg);
        reg.register('PATCH', '/api/v1/api-keys/new-key', qlikError(400, 'X', 'Bad'));
      },
      { home: h },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "the new API key new-key is stored, the old API key old-key is still active; run 'qlik api-key rotate --resume --context test'",
    );
    expect(await contextToken(h)).toBe(NEW);
  });

  it('a context without an API key, an OAuth context: one line, no request', async () => {
    const r = await runStubbed(['api-key', 'rotate'], () => undefined, {
      home: await homeWithContext(SERVER, { apiKey: 'not-a-jwt' }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: context 'test': its API key is not a JWT with a key id; rotate it with --id KEY_ID\n$/,
    );
  });
});

describe('api-key rotate --id of a SCIM key (stubbed)', () => {
  it('verifies the new key with the SCIM service, untags and retires with the caller, prints the token once', async () => {
    const scim = (id: string, extra: Record<string, unknown> = {}) =>
      keyRecord(id, {
        sub: 'SCIM\\idp-1',
        subType: 'externalClient',
        createdByUser: 'user-1',
        description: 'okta',
        created: '2026-01-01T00:00:00.000Z',
        expiry: '2027-01-01T00:00:00.000Z',
        ...extra,
      });
    const SCIM_TOKEN = jwt('scim-new');
    const r = await runStubbed(
      ['api-key', 'rotate', '--id', 'scim-old'],
      (reg) => {
        reg.register('GET', '/api/v1/api-keys/scim-old', json(200, scim('scim-old')));
        reg.register('GET', '/api/v1/users/me', json(200, { id: 'user-1' }));
        let d = '';
        reg.register('POST', '/api/v1/api-keys', (q) => {
          d = (q.json as { description: string }).description;
          return json(201, { ...scim('scim-new', { description: d }), token: SCIM_TOKEN });
        });
        reg.register('GET', '/api/v1/api-keys/scim-new', () => json(200, scim('scim-new', { description: d })));
        reg.register('PATCH', '/api/v1/api-keys/scim-new', empty(204));
        reg.register('GET', '/api/v1/scim/v2/ServiceProviderConfig', (q) =>
          bearer(q) === `Bearer ${SCIM_TOKEN}` ? json(200, { schemas: [] }) : json(401, {}),
        );
        reg.register('PATCH', '/api/v1/api-keys/scim-new', (q) =>
          bearer(q) === `Bearer ${OLD}` ? empty(204) : json(403, {}),
        );
        reg.register('DELETE', '/api/v1/api-keys/scim-old', (q) =>
          bearer(q) === `Bearer ${OLD}` ? empty(204) : json(403, {}),
        );
      },
      { home: await home() },
    );
    expect(r.code, r.stderr).toBe(0);
    const post = r.requests.find((q) => q.method === 'POST')!.json as Record<string, unknown>;
    expect(post).toMatchObject({ sub: 'SCIM\\idp-1', subType: 'externalClient', expiry: 'P365D' });
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'rotated',
      oldKeyId: 'scim-old',
      newKeyId: 'scim-new',
      token: SCIM_TOKEN,
    });
    expect(r.stderr).not.toContain(SCIM_TOKEN);
  });
});
