// The baseline of `npm run bench` for `qlik api-key rotate`: the same requests with node:http and nothing else (no
// journal, no lock, no checks beyond the status codes): the key (its `sub` is the caller), the owner's keys, the
// tenant's limits, the create and the PATCH that untags it, users/me with the new key, the PATCH of the description,
// the DELETE of the old key with the new one; then the new token replaces the old one in BENCH_TOKEN_FILE.
'use strict';
const http = require('node:http');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');

const base = process.env.BENCH_URL;
const file = process.env.BENCH_TOKEN_FILE ?? '';
const agent = new http.Agent({ keepAlive: true });

/**
 * One request with `token`; resolves with the answer's JSON (undefined when empty), following redirects with GET.
 * @param {string} method
 * @param {string} path
 * @param {string} token
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
function call(method, path, token, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: `Bearer ${token}` };
    if (data !== undefined)
      Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
    const req = http.request(new URL(path, base), { method, headers, agent }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location)
          return resolve(call('GET', res.headers.location, token));
        if (status >= 400) return reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        resolve(text === '' ? undefined : JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

(async () => {
  const old = readFileSync(file, 'utf8').trim();
  /** @type {{ jti: string, tenantId: string }} */
  const claims = JSON.parse(Buffer.from(old.split('.')[1] ?? '', 'base64url').toString());
  /** @type {{ sub: string, description: string }} */
  const key = await call('GET', `/api/v1/api-keys/${claims.jti}`, old);
  await call('GET', `/api/v1/api-keys?sub=${key.sub}&status=active&limit=100`, old);
  await call('GET', `/api/v1/api-keys/configs/${claims.tenantId}`, old);
  /** @type {{ id: string, token: string }} */
  const made = await call('POST', '/api/v1/api-keys', old, {
    description: `${key.description} [qlik-cli:rot.x] [qlik-cli:y.1]`,
    expiry: 'P1D',
  });
  await call('GET', `/api/v1/api-keys/${made.id}`, old);
  await call('PATCH', `/api/v1/api-keys/${made.id}`, old, [
    { op: 'replace', path: '/description', value: `${key.description} [qlik-cli:rot.x]` },
  ]);
  await call('GET', '/api/v1/users/me', made.token);
  await call('PATCH', `/api/v1/api-keys/${made.id}`, made.token, [
    { op: 'replace', path: '/description', value: key.description },
  ]);
  await call('DELETE', `/api/v1/api-keys/${claims.jti}`, made.token);
  writeFileSync(`${file}.tmp`, made.token, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  agent.destroy();
})().catch((/** @type {unknown} */ e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
