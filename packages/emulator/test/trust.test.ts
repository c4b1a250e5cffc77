// Issue #8, emulator items 14-18: list cursors obey visibility; the control API is refused to other machines
// (unless allowed), to foreign Host names (DNS rebinding) and to state changes without application/json;
// the data file is owner-only and the certificate never written through a planted symlink; fault paths are
// globs matched in linear time; the request log masks secret headers and query values.
import { chmodSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator, useEmulator } from '../../../test/kit/emulator.js';
import { globMatcher } from '../src/http/faults/glob.js';
import { tempDir } from '../../../test/kit/temp.js';
import { expectError } from './util.js';

const KEYS = '/api/v1/api-keys';

/** A raw HTTP request where every header is ours, Host included. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers, agent: false });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('shared emulator', () => {
  const emu = useEmulator();

  describe('14: list cursors obey visibility', () => {
    it('a cursor naming a key the caller may not see is a 400 exactly like an unknown key', async () => {
      const admins = await emu.call('POST', KEYS, { as: emu.admin, body: { description: 'the admin only' } });
      expect(admins.status).toBe(201);
      const gone = await emu.call('POST', KEYS, { as: emu.admin, body: { description: 'deleted by the admin' } });
      expect((await emu.call('DELETE', `${KEYS}/${gone.body.id}`, { as: emu.admin })).status).toBe(204);
      const mine = await emu.call('POST', KEYS, { token: emu.dev.apiKey, body: { description: 'dev' } });
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const cursor of ['startingAfter', 'endingBefore']) {
        const asDev = (id: string) =>
          emu.call('GET', `${KEYS}?sort=description&${cursor}=${id}`, { token: emu.dev.apiKey });
        const unknownError = expectError(await asDev(unknown), 400, 'APIKEYS-2');
        for (const hidden of [admins.body.id, gone.body.id]) {
          const error = expectError(await asDev(hidden), 400, 'APIKEYS-2');
          expect(error).toEqual(unknownError);
        }
        expect((await asDev(mine.body.id)).status).toBe(200);
        // A TenantAdmin sees every key, so it may page from any of them.
        expect((await emu.call('GET', `${KEYS}?${cursor}=${admins.body.id}`, { as: emu.admin })).status).toBe(200);
      }
    });
  });

  describe('15: the control API', () => {
    it('refuses state changes without content-type: application/json (a cross-site form cannot send it)', async () => {
      await emu.control('PUT', 'config', { max_keys_per_user: 7 });
      const port = new URL(emu.url).port;
      const host = `127.0.0.1:${port}`;
      for (const headers of [
        { host },
        { host, 'content-type': 'text/plain' },
        { host, 'content-type': 'application/x-www-form-urlencoded' },
      ]) {
        const reset = await raw(emu.url, 'POST', '/__emulator/reset', headers);
        expect(reset.status).toBe(415);
        expect(JSON.parse(reset.text).errors[0].detail).toMatch(/content-type: application\/json/);
        const put = await raw(emu.url, 'PUT', '/__emulator/config', headers, '{"max_keys_per_user":9}');
        expect(put.status).toBe(415);
        expect((await raw(emu.url, 'DELETE', '/__emulator/faults', headers)).status).toBe(415);
      }
      // Nothing was changed by the refused calls.
      expect(await emu.control('GET', 'config')).toMatchObject({ max_keys_per_user: 7 });
      const ok = await raw(emu.url, 'POST', '/__emulator/reset', {
        host,
        'content-type': 'Application/JSON; charset=utf-8',
      });
      expect(ok.status).toBe(204);
      expect(await emu.control('GET', 'config')).toMatchObject({ max_keys_per_user: 5 });
      // Reading needs no content-type.
      expect((await raw(emu.url, 'GET', '/__emulator/config', { host })).status).toBe(200);
    });

    it('answers only under Host names a DNS-rebinding page cannot produce', async () => {
      const port = new URL(emu.url).port;
      for (const host of [
        `evil.example:${port}`,
        'evil.example',
        `localhost.evil.example:${port}`,
        'a b',
        `127.0.0.1:x`,
      ]) {
        const res = await raw(emu.url, 'GET', '/__emulator/info', { host });
        expect(res.status, host).toBe(403);
        expect(res.text).not.toContain(emu.admin.apiKey);
        expect(JSON.parse(res.text).errors[0].detail).toMatch(/DNS rebinding/);
      }
      for (const host of [
        `localhost:${port}`,
        `127.0.0.1:${port}`,
        `[::1]:${port}`,
        `app.localhost:${port}`,
        'LOCALHOST',
      ]) {
        expect((await raw(emu.url, 'GET', '/__emulator/info', { host })).status, host).toBe(200);
      }
      // The Qlik API itself answers under any name (it needs a token; clients use many names for a server).
      const api = await raw(emu.url, 'GET', KEYS, {
        host: `evil.example:${port}`,
        authorization: `Bearer ${emu.dev.apiKey}`,
      });
      expect(api.status).toBe(200);
    });
  });

  describe('17: fault rule paths cannot freeze the server', () => {
    it('refuses regular expressions such as ^/(a+)+$', async () => {
      for (const path of ['^/(a+)+$', '^/api/v1/api-keys$']) {
        const res = await emu.call('POST', '/__emulator/faults', {
          token: '',
          body: { path, action: { type: 'reset-after' } },
        });
        expect(expectError(res, 400, 'HTTP-400').detail).toMatch(/glob, not a regular expression/);
      }
      expect(await emu.faults.list()).toEqual([]);
    });

    it('matches the most backtracking-prone globs against long paths in linear time', async () => {
      const pattern = `/${'**a'.repeat(30)}**b`;
      await emu.faults.add({ path: pattern, times: 0, action: { type: 'status', status: 503 } });
      const long = `/api/${'a'.repeat(7000)}`;
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) expect((await emu.call('GET', long, { as: emu.admin })).status).toBe(404);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect((await emu.call('GET', `/api/${'a'.repeat(40)}b`, { as: emu.admin })).status).toBe(503);
    });

    it('globs: * stays within a segment, ** crosses segments, other characters are literal', () => {
      const cases: [string, string, boolean][] = [
        ['/api/v1/api-keys', '/api/v1/api-keys', true],
        ['/api/v1/api-keys', '/api/v1/api-keys/', false],
        ['/api/v1/api-keys/*', '/api/v1/api-keys/abc', true],
        ['/api/v1/api-keys/*', '/api/v1/api-keys/abc/def', false],
        ['/api/v1/api-keys/*', '/api/v1/api-keys', false],
        ['/api/*/api-keys', '/api/v1/api-keys', true],
        ['/api/**', '/api/v1/api-keys/abc', true],
        ['/**', '/resources/autogenerated/product-info.json', true],
        ['/**/configs/*', '/api/v1/api-keys/configs/T1', true],
        ['/api/v1/users/*.json', '/api/v1/users/me.json', true],
        ['/api/v1/users/*.json', '/api/v1/users/meXjson', false],
        ['/api/(a+)+', '/api/aaaa', false],
        ['/api/(a+)+', '/api/(a+)+', true],
        ['/a*b*c', '/aXXbYYc', true],
        ['/a*b*c', '/aXXbYY', false],
      ];
      for (const [pattern, path, expected] of cases)
        expect(globMatcher(pattern)(path), `${pattern} ${path}`).toBe(expected);
    });
  });

  describe('18: the request log masks secrets', () => {
    it('masks secret headers and every query value but those of the documented parameters', async () => {
      const secrets = {
        'x-qlik-session': 'S-session',
        'x-api-key': 'S-xapikey',
        cookie: 'S=cookie',
        'proxy-authorization': 'Basic S-proxy',
        'x-my-secret-thing': 'S-secret',
        'x-auth-info': 'S-auth',
        'x-password-hint': 'S-password',
        'x-credential': 'S-credential',
        'x-refresh-token': 'S-token',
        'x-apikey': 'S-apikey',
        'x-api_key': 'S-api_key',
        'x-my-api-key': 'S-api-key',
      };
      const query =
        'limit=5&sort=-created&token=S-q1&access_token=S-q2&sessionId=S-q3&apiKey=S-q4&password=S-q5&x_api_key=S-q6&state=S-q7&code=S-q8';
      const res = await emu.call('GET', `${KEYS}?${query}`, {
        token: emu.dev.apiKey,
        headers: { ...secrets, 'x-custom': 'visible' },
      });
      expect(res.status).toBe(200);
      const [entry] = await emu.requests();
      const text = JSON.stringify(entry);
      expect(text).not.toMatch(/S-|S=/);
      expect(text).not.toContain(emu.dev.apiKey);
      for (const name of [...Object.keys(secrets), 'authorization'])
        expect(entry!.headers[name], name).toBe('**omitted**');
      expect(entry!.headers['x-custom']).toBe('visible');
      expect(entry!.query).toEqual({
        limit: '5',
        sort: '-created',
        token: '**omitted**',
        access_token: '**omitted**',
        sessionId: '**omitted**',
        apiKey: '**omitted**',
        password: '**omitted**',
        x_api_key: '**omitted**',
        state: '**omitted**',
        code: '**omitted**',
      });
    });
  });
});

describe('15: the control API on an address other machines can reach', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(external === undefined)(
    'is refused to other machines unless --allow-remote-control, which warns',
    async () => {
      const closed = await startEmulator({ host: '0.0.0.0' });
      try {
        const port = new URL(closed.url).port;
        const remote = `http://${external}:${port}`;
        const refused = await raw(remote, 'GET', '/__emulator/info', {});
        expect(refused.status).toBe(403);
        expect(JSON.parse(refused.text).errors[0].detail).toMatch(/--allow-remote-control/);
        expect(refused.text).not.toContain(closed.admin.apiKey);
        // The API itself, and the control API from this machine, still answer.
        expect((await raw(remote, 'GET', KEYS, { authorization: `Bearer ${closed.dev.apiKey}` })).status).toBe(200);
        expect(await closed.control<object>('GET', 'info')).toMatchObject({ tenantId: closed.tenantId });
      } finally {
        await closed.stop();
      }

      const lines: string[] = [];
      const open = await startEmulator({ host: '0.0.0.0', allowRemoteControl: true, log: (l) => lines.push(l) });
      try {
        const remote = `http://${external}:${new URL(open.url).port}`;
        expect((await raw(remote, 'GET', '/__emulator/info', {})).status).toBe(200);
        expect(lines.find((l) => l.startsWith('WARNING: '))).toMatch(/control API .* mints admin API keys/);
      } finally {
        await open.stop();
      }
    },
  );
});

describe('16: files', () => {
  it('creates the data file and its -wal and -shm files owner-only (0600), and fixes an existing one', async () => {
    const dir = tempDir();
    const data = join(dir, 'state.db');
    const emu = await startEmulator({ data });
    try {
      await emu.call('POST', KEYS, { as: emu.admin, body: { description: 'a write through the WAL' } });
      for (const file of [data, `${data}-wal`, `${data}-shm`]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    } finally {
      await emu.stop();
    }
    chmodSync(data, 0o644);
    const again = await startEmulator({ data });
    try {
      expect(statSync(data).mode & 0o777).toBe(0o600);
    } finally {
      await again.stop();
    }
  });

  it('writes the certificate next to the data file without following a symlink planted there', async () => {
    const dir = tempDir();
    const data = join(dir, 'state.db');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, `${data}.cert.pem`);
    const emu = await startEmulator({ data, tls: true });
    try {
      expect(emu.caCert).toBe(`${data}.cert.pem`);
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(lstatSync(emu.caCert!).isSymbolicLink()).toBe(false);
      expect(readFileSync(emu.caCert!, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    } finally {
      await emu.stop();
    }
  });
});
