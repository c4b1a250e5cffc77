// Fault rules: every action, rule matching (times, probability, method, glob paths), and the
// ledger's view of which created keys were really delivered.
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../test/kit/emulator.js';
import { expectError, rawRequest, type RawResult } from './util.js';

const emu = useEmulator();

const KEYS = '/api/v1/api-keys';

function create(description = 'faulty') {
  return emu.call('POST', KEYS, { token: emu.dev.apiKey, body: { description } });
}

function raw(method: string, path: string, opts: { body?: unknown; signal?: AbortSignal } = {}): Promise<RawResult> {
  return rawRequest(emu, method, path, { token: emu.dev.apiKey, ...opts });
}

describe('actions that answer instead of the service', () => {
  it('status: answers with the status and a Qlik error body, without executing', async () => {
    const id = await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'status', status: 503 } });
    expect(id).toEqual(expect.any(String));
    const error = expectError(await create(), 503, 'HTTP-503');
    expect(error.title).toBe('Service Unavailable');
    expect(await emu.ledger()).toEqual([]);
    const [logged] = await emu.requests();
    expect(logged).toMatchObject({ method: 'POST', status: 503, faultId: id });
    expect((await create()).status).toBe(201);
  });

  it('status: 429 with retry-after', async () => {
    await emu.faults.add({ path: KEYS, action: { type: 'status', status: 429, headers: { 'retry-after': '7' } } });
    const res = await emu.call('GET', KEYS, { as: emu.admin });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body.errors[0]).toEqual({
      code: 'HTTP-429',
      title: 'API rate limit reached.',
      detail: 'You need to wait 7 seconds until limit is lifted.',
    });
  });

  it('status: 201 with an HTML body, and bodies with terminal escapes, passed through verbatim', async () => {
    await emu.faults.add({
      method: 'POST',
      path: KEYS,
      action: { type: 'status', status: 201, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' },
    });
    const html = await create();
    expect(html).toMatchObject({ status: 201, text: '<html>oops</html>' });
    expect(html.headers['content-type']).toBe('text/html');
    const evil = { errors: [{ code: 'X-1', title: '\u001b[31mred\u001b[0m\u0007', status: 400 }] };
    await emu.faults.add({ path: KEYS, action: { type: 'status', status: 400, body: evil } });
    const res = await emu.call('GET', KEYS, { as: emu.admin });
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify(evil));
    expect(await emu.ledger()).toEqual([]);
  });

  it('reset-before: resets the connection and executes nothing', async () => {
    const id = await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'reset-before' } });
    const res = await raw('POST', KEYS, { body: { description: 'never' } });
    expect(res.status).toBeUndefined();
    expect(res.error).toMatch(/ECONNRESET|socket hang up/);
    expect(await emu.ledger()).toEqual([]);
    expect((await emu.requests()).find((r) => r.faultId === id)?.status).toBe(0);
  });

  it('large-body: streams a valid JSON body of exactly the requested size', async () => {
    await emu.faults.add({ method: 'GET', path: KEYS, action: { type: 'large-body', bytes: 3_000_000 } });
    const res = await emu.call('GET', KEYS, { as: emu.admin });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('3000000');
    expect(Buffer.byteLength(res.text)).toBe(3_000_000);
    expect(typeof res.body).toBe('object');
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'large-body', bytes: 10 } });
    const small = await create();
    expect(small.status).toBe(201);
    expect(small.text).toHaveLength(10);
    expect(JSON.parse(small.text)).toEqual({});
    expect(await emu.ledger()).toEqual([]);
  });

  it('redirect: answers a redirect without executing', async () => {
    await emu.faults.add({
      method: 'POST',
      path: KEYS,
      action: { type: 'redirect', status: 307, location: 'https://elsewhere.example/api/v1/api-keys' },
    });
    const res = await create();
    expect(res.status).toBe(307);
    expect(res.headers['location']).toBe('https://elsewhere.example/api/v1/api-keys');
    expect(await emu.ledger()).toEqual([]);
  });
});

describe('actions around execution', () => {
  it('delay: waits, then executes normally', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'delay', ms: 300, then: 'execute' } });
    const started = Date.now();
    const res = await create();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(201);
    expect((await emu.ledger())[0]).toMatchObject({ id: res.body.id, delivered: true });
  });

  it('delay: a client that gives up still leaves a committed, undelivered key', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'delay', ms: 1_500 } });
    const controller = new AbortController();
    const pending = raw('POST', KEYS, { body: { description: 'abandoned' }, signal: controller.signal });
    // Give up once the emulator has the request (the rule has fired).
    await expect
      .poll(async () => (await emu.control<{ faults: { hits: number }[] }>('GET', 'faults')).faults[0]?.hits, {
        timeout: 10_000,
      })
      .toBe(1);
    controller.abort();
    expect((await pending).status).toBeUndefined();
    await expect.poll(async () => (await emu.ledger()).length, { timeout: 10_000 }).toBe(1);
    expect((await emu.ledger())[0]).toMatchObject({ description: 'abandoned', delivered: false, state: 'active' });
  });

  it('reset-after: commits the key, then resets the connection', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'reset-after' } });
    const res = await raw('POST', KEYS, { body: { description: 'lost' } });
    expect(res.status).toBeUndefined();
    expect(res.error).toMatch(/ECONNRESET|socket hang up/);
    const [entry] = await emu.ledger();
    expect(entry).toMatchObject({ description: 'lost', delivered: false, state: 'active', sub: emu.dev.id });
    expect((await emu.call('GET', `${KEYS}/${entry!.id}`, { as: emu.admin })).status).toBe(200);
  });

  it('truncate-after: sends the true content-length but only the first bytes, then resets', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'truncate-after', bytes: 20 } });
    const res = await raw('POST', KEYS, { body: { description: 'cut' } });
    expect(res.status).toBe(201);
    expect(Number(res.headers!['content-length'])).toBeGreaterThan(700);
    expect(res.received).toHaveLength(20);
    expect(res.received.toString()).toBe('{"id":"'.concat(res.received.toString().slice(7)));
    expect(res.error).toBeDefined();
    expect((await emu.ledger())[0]).toMatchObject({ description: 'cut', delivered: false });
  });

  it('malformed-after: commits, then answers 201 with a body that is not JSON', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'malformed-after' } });
    const res = await create('garbled');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(() => JSON.parse(res.text) as unknown).toThrow();
    expect((await emu.ledger())[0]).toMatchObject({ description: 'garbled', delivered: false, state: 'active' });
    await emu.faults.add({
      method: 'GET',
      path: KEYS,
      action: { type: 'malformed-after', body: '{"data":[', contentType: 'application/json; charset=utf-8' },
    });
    const list = await emu.call('GET', KEYS, { as: emu.admin });
    expect(list).toMatchObject({ status: 200, text: '{"data":[' });
  });

  it('status-after: commits, then answers with the given status', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'status-after', status: 504 } });
    expectError(await create('timed out'), 504, 'HTTP-504');
    const [entry] = await emu.ledger();
    expect(entry).toMatchObject({ description: 'timed out', delivered: false, state: 'active' });
    expect((await emu.call('GET', `${KEYS}/${entry!.id}`, { as: emu.admin })).body.description).toBe('timed out');
  });

  it('drop-token: sends the real response without its token', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'drop-token' } });
    const res = await create('tokenless');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ description: 'tokenless', status: 'active' });
    expect(res.body.token).toBeUndefined();
    expect((await emu.ledger())[0]).toMatchObject({ id: res.body.id, delivered: false });
  });

  it('slow-first-byte: executes, waits, then sends the full response', async () => {
    await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'slow-first-byte', ms: 300 } });
    const started = Date.now();
    const res = await create('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.body.token).toEqual(expect.any(String));
    expect((await emu.ledger())[0]).toMatchObject({ delivered: true });
  });

  it('trickle: sends the real body slowly', async () => {
    await emu.faults.add({ method: 'GET', path: KEYS, action: { type: 'trickle', bytesPerSecond: 4_000 } });
    const started = Date.now();
    const res = await emu.call('GET', KEYS, { as: emu.admin });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(Math.floor((Buffer.byteLength(res.text) / 4_000) * 1000) - 150);
    expect(elapsed).toBeGreaterThan(150);
  });
});

describe('rule matching', () => {
  it('fires `times` times (0 = unlimited) and counts hits', async () => {
    const twice = await emu.faults.add({ path: KEYS, times: 2, action: { type: 'status', status: 502 } });
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(502);
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(502);
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    const always = await emu.faults.add({ path: KEYS, times: 0, action: { type: 'status', status: 500 } });
    for (let i = 0; i < 4; i++) expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(500);
    const { faults } = await emu.control<{ faults: { id: string; hits: number }[] }>('GET', 'faults');
    expect(faults.find((f) => f.id === twice)?.hits).toBe(2);
    expect(faults.find((f) => f.id === always)?.hits).toBe(4);
    await emu.control('DELETE', 'faults');
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    expect((await emu.control<{ faults: unknown[] }>('GET', 'faults')).faults).toEqual([]);
  });

  it('honours probability, method and glob paths', async () => {
    await emu.faults.add({ path: KEYS, times: 0, probability: 0, action: { type: 'status', status: 500 } });
    for (let i = 0; i < 5; i++) expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    await emu.control('DELETE', 'faults');
    const key = (await create('target')).body;
    await emu.faults.add({
      method: 'get',
      path: '/api/v1/api-keys/*',
      times: 0,
      action: { type: 'status', status: 418 },
    });
    expect((await emu.call('GET', `${KEYS}/${key.id}`, { as: emu.admin })).status).toBe(418);
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    expect(
      (
        await emu.call('PATCH', `${KEYS}/${key.id}`, {
          as: emu.admin,
          body: [{ op: 'replace', path: '/description', value: 'x' }],
        })
      ).status,
    ).toBe(204);
  });

  it('matches /resources/ too, but never /__emulator/', async () => {
    await emu.faults.add({ path: '/**', times: 0, action: { type: 'status', status: 503 } });
    expect((await emu.call('GET', '/resources/autogenerated/product-info.json', { as: emu.admin })).status).toBe(503);
    expect((await emu.control<{ faults: unknown[] }>('GET', 'faults')).faults).toHaveLength(1);
  });

  it.each([
    [{ path: KEYS, action: { type: 'explode' } }],
    [{ action: { type: 'reset-after' } }],
    [{ path: 'api/v1/api-keys', action: { type: 'reset-after' } }],
    [{ path: '^(', action: { type: 'reset-after' } }],
    [{ path: '^/api/v1/api-keys$', action: { type: 'reset-after' } }],
    [{ path: `/${'a'.repeat(1000)}`, action: { type: 'reset-after' } }],
    [{ path: KEYS, action: { type: 'status', status: 99 } }],
    [{ path: KEYS, action: { type: 'status' } }],
    [{ path: KEYS, action: { type: 'status', status: 500, headers: { 'bad header': 'x' } } }],
    [{ path: KEYS, action: { type: 'delay', ms: -1 } }],
    [{ path: KEYS, action: { type: 'delay', ms: 5, then: 'reset' } }],
    [{ path: KEYS, action: { type: 'redirect', status: 302 } }],
    [{ path: KEYS, probability: 2, action: { type: 'reset-after' } }],
    [{ path: KEYS, action: { type: 'reset-after', extra: 1 } }],
  ])('rejects the invalid rule %j', async (rule) => {
    const res = await emu.call('POST', '/__emulator/faults', { token: '', body: rule });
    expectError(res, 400, 'HTTP-400');
    expect((await emu.control<{ faults: unknown[] }>('GET', 'faults')).faults).toEqual([]);
  });
});
