// The process and the transport: command-line flags, the startup line, --data persistence across a
// restart, --tls, --seed, --clamp-expiry, the 1 MiB body cap, hostile input, and clean shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startEmulator, useEmulator } from '../../../test/kit/emulator.js';
import { tempDir } from '../../../test/kit/temp.js';
import { BIN, expectError } from './util.js';

function runBin(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('command line', () => {
  it('prints help and version on stdout', () => {
    const help = runBin(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: qlik-emulator');
    expect(help.stdout).toContain('--clamp-expiry');
    const version = runBin(['--version']);
    expect(version).toMatchObject({ status: 0, stdout: '0.1.0\n' });
  });

  it.each([
    [['--bogus']],
    [['--port', 'abc']],
    [['--port', '70000']],
    [['extra']],
    [['--seed', '/nonexistent/seed.json']],
  ])('exits 2 with a one-line error for %j', (args) => {
    const res = runBin(args);
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^qlik-emulator: /);
  });

  it('exits 2 for a seed file that is not valid', () => {
    const file = join(tempDir(), 'seed.json');
    writeFileSync(file, JSON.stringify({ users: [{ roles: ['TenantAdmin'] }] }));
    const res = runBin(['--seed', file]);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('/users/0/name');
  });

  it('writes exactly one line on stdout, exits 0 on SIGINT and removes its temporary certificate', async () => {
    const child = spawn(process.execPath, [BIN, '--tls'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    await expect.poll(() => stdout.includes('\n'), { timeout: 30_000 }).toBe(true);
    const info = JSON.parse(stdout.split('\n')[0]!);
    expect(Object.keys(info)).toEqual(['url', 'tenantId', 'users', 'oauthClients', 'caCert']);
    // The seeded M2M client: its credentials and its bot user (a user of the users API, not of `users`).
    expect(info.oauthClients).toEqual([
      {
        clientId: expect.stringMatching(/^[0-9a-f]{32}$/),
        clientSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
        userId: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'm2m',
      },
    ]);
    expect(existsSync(info.caCert)).toBe(true);
    expect(info.users.map((u: { name: string }) => u.name)).toEqual(['admin', 'dev', 'viewer']);
    for (const u of info.users) {
      expect(Object.keys(u)).toEqual(['id', 'name', 'email', 'roles', 'apiKey']);
      expect(u.id).toMatch(/^[0-9a-f]{24}$/);
    }
    const token = info.users[0].apiKey as string;
    const dispatcher = new Agent({ connect: { ca: readFileSync(info.caCert, 'utf8') } });
    const res = await request(`${info.url}/api/v1/api-keys`, {
      dispatcher,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await dispatcher.close();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('GET /api/v1/api-keys 200');
    expect(stderr).not.toContain(token);
    expect(stderr).not.toContain(token.split('.')[2]);
    expect(existsSync(info.caCert)).toBe(false);
  });

  it('exits 1 when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    const res = runBin(['--port', String(port)]);
    await new Promise((resolve) => blocker.close(resolve));
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('EADDRINUSE');
  });
});

describe('--data, --tls, --seed and --clamp-expiry', () => {
  it('keeps tenant, users, keys, config, ledger and signing key across a restart', async () => {
    const dir = tempDir();
    const data = join(dir, 'state.db');
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        tenant: { id: 'AcmeTenant0000000000000000000001', name: 'Acme' },
        users: [
          { name: 'admin', email: 'root@acme.example', roles: ['TenantAdmin'] },
          { name: 'dev', roles: ['ManageApiKeys'] },
          { name: 'viewer', roles: ['User'] },
          { name: 'ops', roles: ['Developer'] },
        ],
        config: { max_api_key_expiry: 'P7D', max_keys_per_user: 3 },
      }),
    );
    const first = await startEmulator({
      mode: 'child',
      args: ['--data', data, '--tls', '--seed', seed, '--clamp-expiry'],
    });
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(first.caCert).toBe(`${data}.cert.pem`);
    expect(readFileSync(first.caCert!, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(first.tenantId).toBe('AcmeTenant0000000000000000000001');
    expect(first.users.map((u) => [u.name, u.email])).toEqual([
      ['admin', 'root@acme.example'],
      ['dev', 'dev@example.com'],
      ['viewer', 'viewer@example.com'],
      ['ops', 'ops@example.com'],
    ]);
    expect((await first.call('GET', `/api/v1/tenants/${first.tenantId}`, { as: first.admin })).body.name).toBe('Acme');

    // --clamp-expiry: a too-long expiry becomes the tenant maximum (P7D from the seed).
    const kept = await first.call('POST', '/api/v1/api-keys', {
      token: first.dev.apiKey,
      body: { description: 'kept', expiry: 'P30D' },
    });
    expect(kept.status).toBe(201);
    expect(Date.parse(kept.body.expiry) - Date.parse(kept.body.created)).toBe(7 * 86_400_000);
    const revoked = await first.call('POST', '/api/v1/api-keys', {
      token: first.dev.apiKey,
      body: { description: 'revoked' },
    });
    // The bootstrap key, 'kept' and 'revoked' fill the seeded max_keys_per_user of 3.
    expectError(
      await first.call('POST', '/api/v1/api-keys', { token: first.dev.apiKey, body: { description: 'third' } }),
      403,
    );
    expect((await first.call('DELETE', `/api/v1/api-keys/${revoked.body.id}`, { as: first.admin })).status).toBe(204);

    // A client trusting the CA through NODE_EXTRA_CA_CERTS gets in; one that does not, does not.
    const script = `fetch(process.argv[1] + '/api/v1/users/me', { redirect: 'manual', headers: { authorization: 'Bearer ' + process.argv[2] } })
      .then((r) => process.stdout.write(String(r.status)), (e) => process.stdout.write('error ' + e.cause?.code))`;
    const trusted = spawnSync(process.execPath, ['-e', script, first.url, kept.body.token], {
      encoding: 'utf8',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: first.caCert },
    });
    expect(trusted.stdout).toBe('301');
    const untrusted = new Agent();
    await expect(request(`${first.url}/api/v1/users/me`, { dispatcher: untrusted })).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
    await untrusted.close();
    const ledgerBefore = await first.ledger();
    await first.stop();

    const second = await startEmulator({ mode: 'child', args: ['--data', data, '--tls'] });
    expect(second.tenantId).toBe(first.tenantId);
    expect(second.users).toEqual(first.users);
    expect((await second.call('GET', '/api/v1/users/me', { token: kept.body.token })).status).toBe(301);
    expectError(await second.call('GET', '/api/v1/users/me', { token: revoked.body.token }), 401, 'APIKEYS-18');
    expect((await second.call('GET', `/api/v1/api-keys/${revoked.body.id}`, { as: second.admin })).body.status).toBe(
      'revoked',
    );
    expect(await second.ledger()).toEqual(ledgerBefore);
    expect(
      (await second.call('GET', `/api/v1/api-keys/configs/${second.tenantId}`, { as: second.admin })).body,
    ).toMatchObject({
      max_api_key_expiry: 'P7D',
      max_keys_per_user: 3,
    });
    // Without --clamp-expiry this time: too long is a 400.
    await second.control('PUT', 'config', { max_keys_per_user: 10 });
    expectError(
      await second.call('POST', '/api/v1/api-keys', {
        token: second.dev.apiKey,
        body: { description: 'long', expiry: 'P30D' },
      }),
      400,
    );
    const next = await second.call('POST', '/api/v1/api-keys', {
      token: second.dev.apiKey,
      body: { description: 'after restart' },
    });
    expect(next.status).toBe(201);
    const seqs = (await second.ledger()).map((e) => e.requestSeq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.at(-1)).toBeGreaterThan(Math.max(...ledgerBefore.map((e) => e.requestSeq)));
    // reset() restores the seeded config, not Qlik's defaults.
    await second.reset();
    expect(await second.control('GET', 'config')).toEqual({
      max_api_key_expiry: 'P7D',
      max_keys_per_user: 3,
      scim_externalClient_expiry: 'P365D',
    });
    await second.stop();
  });
});

describe('hostile input', () => {
  const emu = useEmulator({ reset: false });

  async function alive(): Promise<void> {
    const res = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'still alive' },
    });
    expect(res.status).toBe(201);
    await emu.reset();
  }

  it('answers 413 to bodies over 1 MiB, with and without content-length', async () => {
    const big = JSON.stringify({ description: 'x'.repeat(2 * 1024 * 1024) });
    expectError(await emu.call('POST', '/api/v1/api-keys', { token: emu.dev.apiKey, body: big }), 413, 'HTTP-413');
    const chunked = await request(`${emu.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.dev.apiKey}`, 'content-type': 'application/json' },
      body: Readable.from(
        (function* () {
          for (let i = 0; i < 40; i++) yield Buffer.alloc(64 * 1024, 'a');
        })(),
      ),
    });
    expect(chunked.statusCode).toBe(413);
    expect(JSON.parse(await chunked.body.text()).errors[0].code).toBe('HTTP-413');
    const justUnder = JSON.stringify({ description: 'y'.repeat(1024 * 1024 - 100) });
    expect((await emu.call('POST', '/api/v1/api-keys', { token: emu.dev.apiKey, body: justUnder })).status).toBe(201);
    expect(await emu.ledger()).toHaveLength(1);
    await alive();
  });

  it('survives odd bodies', async () => {
    const bodies: (string | Buffer)[] = [
      '['.repeat(200_000),
      '{"description":"a"}'.repeat(3),
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]),
      '\uFEFF{"description":"bom"}',
      '{"description":"a","__proto__":{"admin":true}}',
      '{"description":"a","constructor":{"prototype":{"x":1}}}',
      '1e999999',
      '"' + '\\u0000'.repeat(1000) + '"',
    ];
    for (const body of bodies) {
      for (const path of [
        '/api/v1/api-keys',
        `/api/v1/api-keys/configs/${emu.tenantId}`,
        '/__emulator/faults',
        '/__emulator/users',
      ]) {
        const method = path.includes('configs') ? 'PATCH' : 'POST';
        const res = await emu.call(method, path, {
          as: emu.admin,
          body,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status, `${method} ${path} ${String(body).slice(0, 30)}`).toBe(400);
        expect(res.body.errors[0].code).toMatch(/^(APIKEYS-\d+|HTTP-400)$/);
      }
    }
    const weird = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'nul \u0000 and emoji 🔑 and \u001b[31m' },
    });
    expect(weird.status).toBe(201);
    expect((await emu.call('GET', `/api/v1/api-keys/${weird.body.id}`, { as: emu.admin })).body.description).toBe(
      'nul \u0000 and emoji 🔑 and \u001b[31m',
    );
    await alive();
  });

  it('survives odd paths, queries and headers', async () => {
    const paths = [
      '/api/v1/api-keys/%',
      '/api/v1/api-keys/%00',
      '/api/v1/api-keys?sort=%ZZ',
      '/api/v1/api-keys?limit=%F0%9F%94%91',
      `/api/v1/api-keys?${'a=1&'.repeat(2000)}`,
      '/api/v1/../v1/api-keys',
      '/api//v1/api-keys',
      '/api/v1/users/%E0%A4%A',
      '/api/v1/tenants/%2e%2e',
      '/__emulator/%',
      '/',
    ];
    for (const path of paths) {
      const res = await emu.call('GET', path, { as: emu.admin });
      expect(res.status, path).toBeLessThan(500);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
    }
    const longToken = await emu.call('GET', '/api/v1/api-keys', { token: 'a'.repeat(12_000) });
    expect(longToken.status).toBe(401);
    await alive();
  });

  it('survives raw garbage on the socket', async () => {
    const payloads = [
      'GARBAGE\r\n\r\n',
      'GET /api/v1/api-keys HTTP/1.0\r\n\r\n',
      'GET http://evil.example/api/v1/api-keys HTTP/1.1\r\nHost: evil.example\r\n\r\n',
      'POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"desc',
      'GET /api/v1/api-keys HTTP/1.1\r\nHost: bad host\r\n\r\n',
      '\u0000\u0001\u0002\u0003'.repeat(100),
    ];
    const { port } = new URL(emu.url);
    for (const payload of payloads) {
      const reply = await new Promise<string>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(payload));
        let got = '';
        socket.setEncoding('utf8').on('data', (c: string) => (got += c));
        socket.on('close', () => resolve(got));
        socket.on('error', () => resolve(got));
        socket.setTimeout(2_000, () => socket.destroy());
      });
      if (reply !== '') expect(reply).toMatch(/^HTTP\/1\.[01] [2-4]\d\d/);
    }
    await alive();
  });
});
