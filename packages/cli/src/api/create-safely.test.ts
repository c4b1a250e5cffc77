// create-safely.ts on its own: each attempt's typed outcome, the session's tag lifecycle, and every line it writes for
// a user, with an in-memory attribution (the server's keys are a Map) and the stub registry for the POST itself.
import { describe, expect, it } from 'vitest';
import { empty, failure, json, qlikError, StubRegistry } from '../../../../test/kit/httpmock.js';
import { CliError, TransportError } from '../errors/errors.js';
import { HttpClient } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import { testIO } from '../iostreams/testio.js';
import {
  attemptCreate,
  createSafely,
  CreateSession,
  tagEndings,
  tagSuffix,
  type CreateAttribution,
} from './create-safely.js';

const POLICY = { retry: 0, intervalSeconds: 1 };

/**
 * Keys on a pretend server: id → description; `failRemove` ids refuse deletion, `failFind` makes every search fail
 * (the untagged search for candidates too), `candidates` is what the untagged search finds.
 */
function world(o: { failRemove?: Set<string>; failFind?: boolean; candidates?: string[] } = {}) {
  const keys = new Map<string, string>();
  const removed: string[] = [];
  const r: CreateAttribution = {
    noun: 'API key',
    listCommand: 'qlik api-key ls',
    removeCommand: 'qlik api-key rm',
    complete: (b) => typeof (b as { token?: unknown }).token === 'string',
    tag: (b, t) => ({ ...b, description: `${String(b.description)}${tagSuffix(t)}` }),
    taggedDescription: (b, t) => `${String(b.description)}${tagSuffix(t)}`,
    inspect: (_h, id) => Promise.resolve(keys.has(id) ? { description: keys.get(id), active: true } : undefined),
    untag: (_h, id, b) => {
      keys.set(id, String(b.description));
      return Promise.resolve();
    },
    findTagged: (_h, b, tags) => {
      if (o.failFind) return Promise.reject(new CliError('GET /api/v1/users/me answered 500 Internal Server Error'));
      const out: { id: string; tag: string }[] = [];
      for (const [id, d] of keys)
        for (const t of tags) if (d === `${String(b.description)}${tagSuffix(t)}`) out.push({ id, tag: t });
      return Promise.resolve(out);
    },
    findCandidates: () =>
      o.failFind
        ? Promise.reject(new CliError('GET /api/v1/api-keys answered 500 Internal Server Error'))
        : Promise.resolve(o.candidates ?? []),
    remove: (_h, id) => {
      if (o.failRemove?.has(id)) return Promise.reject(new CliError('DELETE answered 403 Forbidden'));
      keys.delete(id);
      removed.push(id);
      return Promise.resolve();
    },
    present: (text) => text,
  };
  return { r, keys, removed };
}

function client(reg: StubRegistry, io?: { warn: (line: string) => void }): HttpClient {
  return new HttpClient({
    server: 'https://t.example.com',
    headers: {},
    verbose: false,
    warn: (line) => io?.warn(line),
    redactor: new Redactor(),
    transport: reg,
    sleep: () => Promise.resolve(),
  });
}

/** A POST that makes key `id` with the attempt's description, then answers `answer(id)`. */
function post(
  w: ReturnType<typeof world>,
  id: string,
  answer: (id: string) => ReturnType<typeof json> | TransportError,
) {
  return new StubRegistry().register('POST', '/api/v1/api-keys', (req) => {
    w.keys.set(id, (req.json as { description: string }).description);
    return answer(id);
  });
}

const REQ = { method: 'POST', path: '/api/v1/api-keys' };

describe('attemptCreate: one typed outcome per attempt', () => {
  it('created: a complete 2xx whose id reads back with the attempt tag; adopted, tag settled', async () => {
    const w = world();
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    const out = await attemptCreate(
      client(post(w, 'k1', (id) => json(201, { id, token: 't' }))),
      REQ,
      POLICY,
      s,
      testIO(),
    );
    expect(out.kind).toBe('created');
    expect([...s.undelivered]).toEqual(['k1']);
    expect(s.pendingTags).toEqual([]);
  });

  it('lost: a 2xx naming a key without the attempt tag; nothing adopted, the tag stays pending', async () => {
    const w = world();
    w.keys.set('foreign', 'd');
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    const out = await attemptCreate(
      client(post(w, 'mine', () => json(201, { id: 'foreign', token: 't' }))),
      REQ,
      POLICY,
      s,
      testIO(),
    );
    expect(out).toEqual({
      kind: 'lost',
      failure: 'the server answered 201 Created naming API key foreign, which this run did not create (left untouched)',
    });
    expect(s.undelivered.size).toBe(0);
    expect(s.pendingTags).toHaveLength(1);
    expect(w.keys.get('foreign')).toBe('d');
  });

  it('not-executed: a 429 and a refused connection settle the tag', async () => {
    const w = world();
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    const a = await attemptCreate(
      client(new StubRegistry().register('POST', '/api/v1/api-keys', qlikError(429, 'HTTP-429', 'slow down'))),
      REQ,
      POLICY,
      s,
      testIO(),
    );
    const b = await attemptCreate(
      client(new StubRegistry().register('POST', '/api/v1/api-keys', failure('not-sent', 'refused'))),
      REQ,
      POLICY,
      s,
      testIO(),
    );
    expect([a.kind, b.kind]).toEqual(['not-executed', 'not-executed']);
    expect(s.pendingTags).toEqual([]);
  });

  it('rejected (3xx/4xx) and lost (5xx, reset) keep the tag pending', async () => {
    const w = world();
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    const kinds = [];
    for (const answer of [
      qlikError(409, 'X', 'conflict'),
      empty(302),
      qlikError(503, 'X', 'down'),
      failure('ambiguous', 'reset'),
    ]) {
      kinds.push(
        (
          await attemptCreate(
            client(new StubRegistry().register('POST', '/api/v1/api-keys', answer)),
            REQ,
            POLICY,
            s,
            testIO(),
          )
        ).kind,
      );
    }
    expect(kinds).toEqual(['rejected', 'rejected', 'lost', 'lost']);
    expect(s.pendingTags.map((t) => t.split('.')[1])).toEqual(['1', '2', '3', '4']);
  });
});

describe('onAnswer: a complete answer, before it is read back', () => {
  /** The session's view of the order: what onAnswer saw, and each read-back of a key. */
  async function attempt(answer: (id: string) => ReturnType<typeof json>, foreign?: string) {
    const w = world();
    if (foreign !== undefined) w.keys.set(foreign, 'd');
    const seen: string[] = [];
    const r = w.r;
    const inspect: CreateAttribution['inspect'] = (h, id, p) => r.inspect(h, id, p);
    w.r = {
      ...r,
      inspect: (h, id, p) => {
        seen.push(`read back ${id}`);
        return inspect(h, id, p);
      },
    };
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    s.onAnswer = (parsed) => seen.push(`answer ${(parsed as { id: string }).id}`);
    const out = await attemptCreate(client(post(w, 'k1', answer)), REQ, POLICY, s, testIO());
    return { out, seen };
  }

  it('is called with the answer before the key is read back', async () => {
    const { out, seen } = await attempt((id) => json(201, { id, token: 't' }));
    expect(out.kind).toBe('created');
    expect(seen).toEqual(['answer k1', 'read back k1']);
  });

  it("sees a forged answer too: only the id the create returns is this run's", async () => {
    const { out, seen } = await attempt(() => json(201, { id: 'foreign', token: 't' }), 'foreign');
    expect(out.kind).toBe('lost');
    expect(seen).toEqual(['answer foreign', 'read back foreign']);
  });

  it('is not called for an answer without the token', async () => {
    const { seen } = await attempt((id) => json(201, { id }));
    expect(seen).toEqual(['read back k1']);
  });
});

describe('the lines a user reads', () => {
  it('tag endings name the real tags, `[qlik-cli:<nonce>.<n>]`', () => {
    expect(tagEndings(['abc.1', 'abc.2'])).toBe('"[qlik-cli:abc.1]" or "[qlik-cli:abc.2]"');
  });

  it('a forged answer, then the sweep: the removal line, then the failure line', async () => {
    const w = world();
    const io = testIO();
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    await expect(
      createSafely(
        client(
          post(w, 'mine', () => json(201, { id: 'other', token: 't' })),
          io,
        ),
        REQ,
        POLICY,
        s,
        io,
      ),
    ).rejects.toThrow(
      'the server answered 201 Created naming API key other, which this run did not create (left untouched); no API key was created (1 API key this run created without a usable answer was removed)',
    );
    expect(io.stderr()).toBe(
      'No usable answer (the server answered 201 Created naming API key other, which this run did not create (left untouched)); checking in 1 s whether the API key was created\n' +
        'Removed API key mine: this run created it, but the answer was lost\n',
    );
  });

  it('a removal that fails names every id and the command', async () => {
    const w = world({ failRemove: new Set(['mine']) });
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    await expect(
      createSafely(client(post(w, 'mine', () => qlikError(503, 'X', 'down'))), REQ, POLICY, s, testIO()),
    ).rejects.toThrow(
      "API key mine (DELETE answered 403 Forbidden) was created by this run but the answer was lost, and could not be removed; remove with 'qlik api-key rm mine'",
    );
  });

  it('a check that fails names the pending tags', async () => {
    const w = world({ failFind: true });
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    const err = await createSafely(
      client(post(w, 'mine', () => qlikError(503, 'X', 'down'))),
      REQ,
      POLICY,
      s,
      testIO(),
    ).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    const tag = w.keys.get('mine')!.slice('d '.length);
    expect(err.message).toBe(
      `could not check whether the API key was created (GET /api/v1/users/me answered 500 Internal Server Error); list your keys with 'qlik api-key ls' and remove any whose description ends in "${tag}"`,
    );
  });

  it('a rejected create whose check fails: a warning line, and the server answer stands', async () => {
    const w = world({ failFind: true });
    const io = testIO();
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    const res = await createSafely(client(post(w, 'mine', () => qlikError(403, 'X', 'no'))), REQ, POLICY, s, io);
    expect(res.status).toBe(403);
    expect(io.stderr()).toMatch(
      /^Warning: could not check whether the API key was created \(.*\); list your keys with 'qlik api-key ls' and remove any whose description ends in "\[qlik-cli:[\w-]{12}\.1\]"\n$/,
    );
  });

  it('cleanup: what was removed, what was left and how to remove it, in one line', async () => {
    const w = world({ failRemove: new Set(['b']) });
    const s = await CreateSession.start(w.r, { description: 'd' }, true);
    s.adopt('a', undefined);
    s.adopt('b', undefined);
    w.keys.set('a', 'd');
    expect(await s.cleanup(client(new StubRegistry()), POLICY)).toBe(
      "removed API key a (created by this run, not delivered); could not remove API key b (created by this run, not delivered); remove with 'qlik api-key rm b'",
    );
    expect([...s.undelivered]).toEqual(['b']);
  });

  it('untagged: a 2xx without its token names the id it gave and touches nothing', async () => {
    const w = world();
    const s = await CreateSession.start(w.r, { description: 'd' }, false);
    const out = await attemptCreate(client(post(w, 'k', (id) => json(201, { id }))), REQ, POLICY, s, testIO());
    expect(out).toEqual({
      kind: 'lost',
      failure:
        'the server answered 201 Created but the API key could not be read from it (it named API key k, left untouched)',
    });
    expect(w.removed).toEqual([]);
  });

  it.each([
    [
      'names the candidates and deletes nothing',
      { candidates: ['k7', 'k9'] },
      "simulated ambiguous failure; the API key may have been created, but without tags (QLIK_CREATE_TAG=0) it cannot be told apart from another run's: nothing was deleted. Candidates: k7 k9",
    ],
    [
      'a search that fails names the list command',
      { failFind: true },
      "simulated ambiguous failure; could not check whether the API key was created (GET /api/v1/api-keys answered 500 Internal Server Error); list your keys with 'qlik api-key ls'",
    ],
    ['finding nothing: no key was created', {}, 'simulated ambiguous failure; no API key was created'],
  ])('untagged, a lost answer: %s', async (_name, o, message) => {
    const w = world(o);
    const s = await CreateSession.start(w.r, { description: 'd' }, false);
    const reg = new StubRegistry().register('POST', '/api/v1/api-keys', failure('ambiguous'));
    const err = await createSafely(client(reg), REQ, POLICY, s, testIO()).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toBe(message);
    expect(w.removed).toEqual([]);
  });
});
