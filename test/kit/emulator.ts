// Test kit: a thin wrapper over @qlik-ts/emulator's startEmulator() (inside this repository that
// import is the package's TypeScript source). It adds what the repository's tests share: the seeded
// users by role (admin/dev/viewer), a raw HTTP helper (api) and addFault. In-process by default;
// `mode: 'child'` runs bin/qlik-emulator.js as a real process (for tests about the process itself).
//
//   const emu = await startEmulator();               // or { args: ['--tls', '--rate-limit'] }, { mode: 'child' }
//   const res = await emu.api('GET', '/api/v1/api-keys', { token: emu.dev.apiKey });
//   await emu.addFault({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'reset-after' } });
//   await emu.reset();                               // between tests
//   await emu.stop();
import {
  startEmulator as startLibrary,
  type Emulator as LibraryEmulator,
  type EmulatorUser,
  type FaultRuleInput,
  type LedgerEntry,
  type RequestLogEntry,
  type StartOptions as LibraryOptions,
} from '@qlik-ts/emulator';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { parseFlags } from '../../packages/emulator/src/host/options.js';

export type { EmulatorUser, LedgerEntry, RequestLogEntry };
export type FaultRule = FaultRuleInput;

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, otherwise undefined. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  body: any;
  text: string;
}

export interface ApiOptions {
  /** Bearer token; defaults to the admin's bootstrap key. Pass '' to send no Authorization header. */
  token?: string;
  /** A value to send as JSON; a string, Buffer or Uint8Array is sent as-is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Emulator extends LibraryEmulator {
  admin: EmulatorUser;
  dev: EmulatorUser;
  viewer: EmulatorUser;
  /** A raw call (path relative to the url, or an absolute URL); redirects are not followed. */
  api(method: string, path: string, opts?: ApiOptions): Promise<ApiResponse>;
  addFault(rule: FaultRule): Promise<string>;
}

export interface StartOptions extends LibraryOptions {
  /** qlik-emulator flags such as ['--tls'], read by the emulator's own flag parser; options given beside them win. */
  args?: string[];
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The user with this name, else the first whose roles fit (for --seed files with other names). */
function pickUser(users: EmulatorUser[], name: string, role: (roles: string[]) => boolean): EmulatorUser {
  const user = users.find((u) => u.name === name) ?? users.find((u) => role(u.roles));
  if (!user) throw new Error(`the emulator has no "${name}" user`);
  return user;
}

const canManage = (r: string[]): boolean => r.includes('ManageApiKeys') || r.includes('Developer');

export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  const { args, ...options } = opts;
  const lib = await startLibrary({ ...(args === undefined ? {} : parseFlags(args).options), ...options });
  const dispatcher = new Agent({
    keepAliveTimeout: 1_000,
    ...(lib.caCert === undefined ? {} : { connect: { ca: readFileSync(lib.caCert, 'utf8') } }),
  });

  const call = async (
    method: string,
    target: string,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<ApiResponse> => {
    let payload: string | Uint8Array | undefined;
    if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    const res = await request(target.startsWith('http') ? target : `${lib.url}${target}`, {
      method: method.toUpperCase() as 'GET',
      headers,
      body: payload ?? null,
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
  };

  let stopping: Promise<void> | undefined;
  const emulator: Emulator = {
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
    api(method, path, apiOpts = {}) {
      const headers: Record<string, string> = { ...apiOpts.headers };
      const token = apiOpts.token ?? emulator.admin.apiKey;
      const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
      if (token !== '' && !hasAuth) headers['authorization'] = `Bearer ${token}`;
      return call(method, path, headers, apiOpts.body);
    },
    addFault: (rule) => lib.faults.add(rule),
    stop() {
      stopping ??= (async () => {
        await dispatcher.destroy();
        await lib.stop();
      })();
      return stopping;
    },
  };
  return emulator;
}
