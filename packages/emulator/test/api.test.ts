// The programmatic API (`import { startEmulator } from '@qlik-ts/emulator'`): the same tests in both
// modes (in-process and a child process), every method, stop() being idempotent, user() failing
// clearly, each option doing what its flag does, and bad options failing with one clear line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { startEmulator, type Emulator, type StartOptions } from '@qlik-ts/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFlags, toFlags } from '../src/host/options.js';
import { alive } from '../../../test/kit/process.mjs';
import { tempDir } from '../../../test/kit/temp.js';

const MODES = ['in-process', 'child'] as const;
const KEYS = '/api/v1/api-keys';
const running: Emulator[] = [];

async function start(opts: StartOptions): Promise<Emulator> {
  const emu = await startEmulator(opts);
  running.push(emu);
  return emu;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** A GET/POST with a bearer token, over HTTP or HTTPS (trusting the emulator's certificate). */
function call(
  emu: Emulator,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  if (!emu.url.startsWith('https:')) {
    return fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (r) => ({ status: r.status, json: await r.json() }));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(`${emu.url}${path}`, {
      method,
      ca: readFileSync(emu.caCert!, 'utf8'),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe.each(MODES)('startEmulator({ mode: %s })', (mode) => {
  it('starts with the seeded tenant and users, and every method works', async () => {
    const emu = await start({ mode });
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.tenantId).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(emu.users.map((u) => [u.name, u.roles])).toEqual([
      ['admin', ['TenantAdmin']],
      ['dev', ['ManageApiKeys']],
      ['viewer', ['User']],
    ]);
    expect(emu.oauthClients).toEqual([
      {
        clientId: expect.stringMatching(/^[0-9a-f]{32}$/),
        clientSecret: expect.any(String),
        userId: expect.any(String),
        name: 'm2m',
      },
    ]);
    expect(emu.oauthClient('m2m')).toBe(emu.oauthClients[0]);
    expect(() => emu.oauthClient('nope')).toThrow('qlik-emulator has no OAuth client named "nope" (its clients: m2m)');
    expect(emu.caCert).toBeUndefined();
    const dev = emu.user('dev');
    expect(dev).toBe(emu.users[1]);
    expect(() => emu.user('nobody')).toThrow(
      'qlik-emulator has no user named "nobody" (its users: admin, dev, viewer)',
    );

    // faults
    const id = await emu.faults.add({ method: 'POST', path: KEYS, action: { type: 'status', status: 503 } });
    expect(await emu.faults.list()).toMatchObject([{ id, path: KEYS, action: { type: 'status', status: 503 } }]);
    expect((await call(emu, 'POST', KEYS, dev.apiKey, { description: 'x' })).status).toBe(503);
    expect((await emu.faults.list())[0]?.hits).toBe(1);
    await emu.faults.clear();
    expect(await emu.faults.list()).toEqual([]);

    // ledger and request log
    const created = await call(emu, 'POST', KEYS, dev.apiKey, { description: 'api' });
    expect(created.status).toBe(201);
    expect(await emu.ledger()).toMatchObject([{ description: 'api', sub: dev.id, delivered: true, state: 'active' }]);
    expect((await emu.requests()).map((r) => [r.method, r.status])).toEqual([
      ['POST', 503],
      ['POST', 201],
    ]);

    // config, time, users
    expect(await emu.setConfig({ max_keys_per_user: 7 })).toEqual({
      max_api_key_expiry: 'PT24H',
      max_keys_per_user: 7,
      scim_externalClient_expiry: 'P365D',
    });
    const time = await emu.setTime({ offsetMs: 86_400_000 });
    expect(time.offsetMs).toBe(86_400_000);
    expect(Date.parse(time.now) - Date.now()).toBeGreaterThan(86_000_000);
    const ops = await emu.addUser({ name: 'ops', roles: ['Developer'] });
    expect(ops).toMatchObject({ name: 'ops', email: 'ops@example.com', roles: ['Developer'] });
    expect(emu.user('ops')).toEqual(ops);
    expect((await call(emu, 'GET', KEYS, ops.apiKey)).status).toBe(200);

    // control: any route, relative or absolute path; non-2xx throws with the reason
    expect(await emu.control('GET', 'info')).toEqual({
      url: emu.url,
      tenantId: emu.tenantId,
      users: emu.users,
      oauthClients: emu.oauthClients,
    });
    expect(await emu.control('GET', '/__emulator/time')).toMatchObject({ offsetMs: 86_400_000 });
    await expect(emu.control('PUT', 'config', { max_keys_per_user: -1 })).rejects.toThrow(
      'qlik-emulator: PUT /__emulator/config failed with 400: "max_keys_per_user" must be an integer between 0 and 1000 (at /max_keys_per_user)',
    );
    await expect(emu.control('GET', 'nothing')).rejects.toThrow(/failed with 404/);

    // reset
    await emu.reset();
    expect(await emu.ledger()).toEqual([]);
    expect(await emu.requests()).toEqual([]);
    expect(await emu.control('GET', 'config')).toMatchObject({ max_keys_per_user: 5 });
    expect(await emu.control('GET', 'time')).toMatchObject({ offsetMs: 0 });
  });

  it('stop() is idempotent and really stops it', async () => {
    const emu = await startEmulator({ mode });
    const { port } = new URL(emu.url);
    const first = emu.stop();
    expect(emu.stop()).toBe(first);
    await first;
    await emu.stop();
    await expect(fetch(`${emu.url}/__emulator/info`)).rejects.toThrow();
    // The port is free again.
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('tls: serves HTTPS with a certificate file that stop() removes', async () => {
    const emu = await startEmulator({ mode, tls: true });
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(emu.caCert!, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect((await call(emu, 'GET', KEYS, emu.user('admin').apiKey)).status).toBe(200);
    expect(await emu.ledger()).toEqual([]);
    await emu.stop();
    expect(existsSync(emu.caCert!)).toBe(false);
  });

  it('rateLimit, clampExpiry, strict, seed (object) and log do what their flags do', async () => {
    const lines: string[] = [];
    const emu = await start({
      mode,
      rateLimit: true,
      clampExpiry: true,
      strict: true,
      seed: {
        tenant: { id: 'ApiTenant', name: 'API' },
        users: [{ name: 'root', roles: ['TenantAdmin'] }],
        config: { max_api_key_expiry: 'P2D' },
      },
      log: (line) => lines.push(line),
    });
    expect(emu.tenantId).toBe('ApiTenant');
    expect(emu.users.map((u) => u.name)).toEqual(['root']);
    const root = emu.user('root').apiKey;
    expect(await emu.control('GET', 'rate-limits')).toMatchObject({ enabled: true });
    const long = await call(emu, 'POST', KEYS, root, { description: 'long', expiry: 'P30D' });
    expect(long.status).toBe(201);
    const key = long.json as { expiry: string; created: string };
    expect(Date.parse(key.expiry) - Date.parse(key.created)).toBe(2 * 86_400_000);
    expect((await call(emu, 'GET', `${KEYS}?owner=me`, root)).status).toBe(400);
    await expect.poll(() => lines.some((l) => l.startsWith(`GET ${KEYS} 400 `))).toBe(true);
    expect(lines.find((l) => l.startsWith('listening on '))).toMatch(
      new RegExp(`^listening on ${emu.url.replace(/\./g, '\\.')} \\(tenant ApiTenant, pid \\d+\\)$`),
    );
    expect(lines.join('\n')).not.toContain(root);
  });

  it('data and seed (a file) keep the tenant across a restart', async () => {
    const dir = tempDir();
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ tenant: { id: 'FileTenant' }, users: [{ name: 'solo' }] }));
    const data = join(dir, 'state.db');
    const first = await startEmulator({ mode, data, seed });
    expect(first.tenantId).toBe('FileTenant');
    await first.setConfig({ max_keys_per_user: 9 });
    await first.stop();
    const second = await start({ mode, data });
    expect(second.tenantId).toBe('FileTenant');
    expect(second.users).toEqual(first.users);
    expect(second.oauthClients).toEqual(first.oauthClients);
    expect(second.oauthClients).toHaveLength(1);
    expect(await second.control('GET', 'config')).toMatchObject({ max_keys_per_user: 9 });
  });

  it.each<[string, StartOptions, RegExp]>([
    ['a port out of range', { port: 70_000 }, /^invalid port 70000: expected an integer 0-65535$/],
    ['a fractional port', { port: 1.5 }, /^invalid port 1\.5: expected an integer 0-65535$/],
    ['an empty host', { host: '' }, /^invalid host/],
    [
      'a seed with a user without a name',
      { seed: { users: [{ roles: ['User'] } as never] } },
      /^invalid seed: .*\(at \/users\/0\/name\)$/,
    ],
    [
      'a seed file that does not exist',
      { seed: '/nonexistent/seed.json' },
      /^cannot read seed \/nonexistent\/seed\.json: /,
    ],
    ['a boolean that is not one', { tls: 'yes' as unknown as boolean }, /^invalid tls: expected true or false$/],
    [
      'an unknown m2mApiKeys mode',
      { m2mApiKeys: 'maybe' as never },
      /^invalid m2mApiKeys "maybe": expected allow, for-users, deny$/,
    ],
    [
      'a seed client without a name',
      { seed: { oauthClients: [{ roles: ['User'] } as never] } },
      /^invalid seed: .*\(at \/oauthClients\/0\/name\)$/,
    ],
  ])('rejects %s with one clear line', async (_name, opts, message) => {
    const error = await startEmulator({ mode, ...opts }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('rejects a port that is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    await expect(startEmulator({ mode, port })).rejects.toThrow(/EADDRINUSE/);
    await new Promise((resolve) => blocker.close(resolve));
  });
});

describe('child mode', () => {
  it('ends the process with SIGTERM on stop(), and reports a child that died on its own', async () => {
    const emu = await startEmulator({ mode: 'child' });
    const info = await emu.control<{ url: string }>('GET', 'info');
    expect(info.url).toBe(emu.url);
    await emu.stop();
    await expect(fetch(`${emu.url}/__emulator/info`)).rejects.toThrow();

    const lines: string[] = [];
    const doomed = await startEmulator({ mode: 'child', log: (l) => lines.push(l) });
    const pid = Number(/, pid (\d+)\)$/.exec(lines.find((l) => l.startsWith('listening on ')) ?? '')?.[1]);
    expect(Number.isInteger(pid) && pid !== process.pid).toBe(true);
    process.kill(pid, 'SIGKILL');
    // Gone (reaped) once signal 0 finds no such process.
    await expect.poll(() => alive(pid)).toBe(false);
    await expect(doomed.stop()).rejects.toThrow('qlik-emulator had already stopped: it was ended by SIGKILL');
  });
});

describe('options and flags', () => {
  it('spell the same options both ways', () => {
    const all: StartOptions = {
      host: '::1',
      port: 8123,
      data: '/tmp/state.db',
      tls: true,
      rateLimit: true,
      clampExpiry: true,
      strict: true,
      quiet: true,
      allowRemoteControl: true,
      seed: '/tmp/seed.json',
      m2mApiKeys: 'deny',
    };
    const flags = toFlags(all);
    expect(flags).toEqual([
      '--host',
      '::1',
      '--port',
      '8123',
      '--data',
      '/tmp/state.db',
      '--tls',
      '--rate-limit',
      '--clamp-expiry',
      '--strict',
      '--quiet',
      '--allow-remote-control',
      '--seed',
      '/tmp/seed.json',
      '--m2m-api-keys',
      'deny',
    ]);
    expect(parseFlags(flags)).toEqual({ help: false, version: false, json: false, options: all });
    expect(parseFlags([])).toEqual({ help: false, version: false, json: false, options: {} });
    expect(parseFlags(['--json']).json).toBe(true);
    expect(toFlags({ seed: { users: [{ name: 'a' }] } }, '/tmp/x/seed.json')).toEqual(['--seed', '/tmp/x/seed.json']);
    expect(toFlags({ tls: false, log: false, mode: 'child' })).toEqual([]);
  });
});
