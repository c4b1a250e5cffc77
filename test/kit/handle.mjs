// The kit's emulator handle, one implementation for the vitest kit (test/kit/emulator.ts: startEmulator, useEmulator)
// and the reliability lab (scripts/reliability/lab.mjs): the library's own handle (faults.add, control, reset, …)
// plus the seeded users by role and `call`, a raw HTTP request that always names who it runs as. Plain JavaScript so
// that the .mjs scripts use it as is.
//
//   const res = await emu.call('GET', '/api/v1/api-keys', { as: emu.dev });        // the dev's bootstrap key
//   await emu.call('POST', '/oauth/token', { token: '', body });                     // no Authorization header
//   await emu.call('GET', '/api/v1/users/me', { token: accessToken });               // any bearer token
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

/**
 * @typedef {import('@qlik-ts/emulator').Emulator} LibraryEmulator
 * @typedef {import('@qlik-ts/emulator').EmulatorUser} EmulatorUser
 */

/**
 * Who a call runs as: a user (their bootstrap key) or a bearer token; `{ token: '' }` sends no Authorization header.
 * There is no default: a call that does not say is refused, so that no test runs as the TenantAdmin unawares.
 * @typedef {{ as: EmulatorUser, token?: undefined } | { token: string, as?: undefined }} Identity
 */

/**
 * `body`: a value sent as JSON (content-type application/json unless `headers` say otherwise); a string or bytes are
 * sent as they are. An Authorization header in `headers` is sent instead of the identity's.
 * @typedef {Identity & { body?: unknown, headers?: Record<string, string> }} CallOptions
 */

/**
 * `body` is the parsed JSON when the content type is JSON (undefined otherwise or when it does not parse).
 * @typedef {{ status: number, headers: Record<string, string>, body: any, text: string }} CallResponse
 */

/**
 * @typedef {LibraryEmulator & {
 *   admin: EmulatorUser,
 *   dev: EmulatorUser,
 *   viewer: EmulatorUser,
 *   call(method: string, path: string, opts: CallOptions): Promise<CallResponse>,
 * }} KitEmulator
 */

/**
 * @param {Record<string, string | string[] | undefined>} headers
 * @returns {Record<string, string>}
 */
function flattenHeaders(headers) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** @param {string} text */
function parseJson(text) {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The user with this name, else the first whose roles fit (for --seed files with other names).
 * @param {EmulatorUser[]} users
 * @param {string} name
 * @param {(roles: string[]) => boolean} role
 */
function pickUser(users, name, role) {
  const user = users.find((u) => u.name === name) ?? users.find((u) => role(u.roles));
  if (!user) throw new Error(`the emulator has no "${name}" user`);
  return user;
}

/** @param {string[]} r */
const canManage = (r) => r.includes('ManageApiKeys') || r.includes('Developer');

/**
 * The bearer token a call sends ('' for none), from its identity; throws when the call names none.
 * @param {Partial<CallOptions> | undefined} opts
 */
function bearer(opts) {
  if (opts?.as !== undefined) return opts.as.apiKey;
  if (typeof opts?.token === 'string') return opts.token;
  throw new Error("emu.call: say who the call runs as: { as: user } or { token } ({ token: '' } for none)");
}

/**
 * The kit's handle over a started emulator (either mode): the library's handle plus `admin`, `dev`, `viewer` and
 * `call` (redirects not followed). `stop()` also closes the connections `call` opened; idempotent.
 * @param {LibraryEmulator} lib
 * @returns {KitEmulator}
 */
export function kitHandle(lib) {
  const dispatcher = new Agent({
    keepAliveTimeout: 1_000,
    ...(lib.caCert === undefined ? {} : { connect: { ca: readFileSync(lib.caCert, 'utf8') } }),
  });
  /** @type {Promise<void> | undefined} */
  let stopping;
  return {
    ...lib,
    get admin() {
      return pickUser(lib.users, 'admin', (r) => r.includes('TenantAdmin'));
    },
    get dev() {
      return pickUser(lib.users, 'dev', canManage);
    },
    get viewer() {
      return pickUser(lib.users, 'viewer', (r) => !r.includes('TenantAdmin') && !canManage(r));
    },
    async call(method, path, opts) {
      const token = bearer(opts);
      /** @type {Record<string, string>} */
      const headers = { ...opts.headers };
      const named = (/** @type {string} */ h) => Object.keys(headers).some((k) => k.toLowerCase() === h);
      if (token !== '' && !named('authorization')) headers['authorization'] = `Bearer ${token}`;
      /** @type {string | Uint8Array | null} */
      let payload = null;
      if (typeof opts.body === 'string' || opts.body instanceof Uint8Array) payload = opts.body;
      else if (opts.body !== undefined) {
        payload = JSON.stringify(opts.body);
        if (!named('content-type')) headers['content-type'] = 'application/json';
      }
      const res = await request(path.startsWith('http') ? path : `${lib.url}${path}`, {
        method: /** @type {import('undici').Dispatcher.HttpMethod} */ (method.toUpperCase()),
        headers,
        body: payload,
        dispatcher,
      });
      const text = await res.body.text();
      const flat = flattenHeaders(res.headers);
      return {
        status: res.statusCode,
        headers: flat,
        body: (flat['content-type'] ?? '').includes('json') ? parseJson(text) : undefined,
        text,
      };
    },
    stop() {
      stopping ??= (async () => {
        await dispatcher.destroy();
        await lib.stop();
      })();
      return stopping;
    },
  };
}
