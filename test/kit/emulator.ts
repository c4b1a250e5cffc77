// Test kit: starts the BUILT qlik-emulator (packages/emulator/bin/qlik-emulator.js) as a child
// process and talks to it over HTTP(S) with undici. Build the emulator first
// (`npm run build -w @qlik-ts/emulator`).
//
//   const emu = await startEmulator();               // or { args: ['--tls', '--rate-limit'] }
//   const res = await emu.api('GET', '/api/v1/api-keys', { token: emu.dev.apiKey });
//   await emu.addFault({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'reset-after' } });
//   await emu.reset();                               // between tests
//   expect(await emu.stop()).toBe(0);                // SIGTERM, resolves with the exit code
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

export interface EmulatorUser {
  id: string;
  name: string;
  email: string;
  roles: string[];
  apiKey: string;
}

export interface FaultRule {
  method?: string;
  path: string;
  times?: number;
  probability?: number;
  action: Record<string, unknown> & { type: string };
}

export interface LedgerEntry {
  id: string;
  description: string;
  sub: string;
  subType: string;
  createdByUser: string;
  created: string;
  requestSeq: number;
  delivered: boolean;
  state: 'active' | 'expired' | 'revoked' | 'deleted';
}

// The request log's shape is the emulator's own (GET /__emulator/requests returns these).
import type { RequestLogEntry } from '../../packages/emulator/src/requestlog.js';
export type { RequestLogEntry };

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

export interface Emulator {
  url: string;
  tenantId: string;
  users: EmulatorUser[];
  caCert?: string;
  admin: EmulatorUser;
  dev: EmulatorUser;
  viewer: EmulatorUser;
  pid: number;
  /** A control-API call; `path` is relative to /__emulator/. Throws on a non-2xx status. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A raw call (path relative to the url, or an absolute URL); redirects are not followed. */
  api(method: string, path: string, opts?: ApiOptions): Promise<ApiResponse>;
  addFault(rule: FaultRule): Promise<string>;
  ledger(): Promise<LedgerEntry[]>;
  requests(): Promise<RequestLogEntry[]>;
  reset(): Promise<void>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

const BIN = fileURLToPath(new URL('../../packages/emulator/bin/qlik-emulator.js', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLeftovers(): void {
  for (const child of live) child.kill('SIGKILL');
}

function tail(lines: string[]): string {
  return lines.slice(-30).join('\n');
}

/** Resolves with the first stdout line; rejects if the process exits or stays silent too long. */
function firstLine(child: ChildProcess, stderr: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`qlik-emulator did not start within ${START_TIMEOUT_MS} ms\n${tail(stderr)}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: string): void => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(buffered.slice(0, nl));
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`qlik-emulator exited with ${code} before it was ready\n${tail(stderr)}`));
    };
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
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

function pickUser(users: EmulatorUser[], name: string, role: (roles: string[]) => boolean): () => EmulatorUser {
  return () => {
    const user = users.find((u) => u.name === name) ?? users.find((u) => role(u.roles));
    if (!user) throw new Error(`the emulator has no "${name}" user`);
    return user;
  };
}

export async function startEmulator(opts: StartOptions = {}): Promise<Emulator> {
  if (!exitHookInstalled) {
    process.once('exit', killLeftovers);
    exitHookInstalled = true;
  }
  const child = spawn(process.execPath, [BIN, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr.push(...chunk.split('\n').filter((l) => l !== ''));
    if (stderr.length > 500) stderr.splice(0, stderr.length - 500);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const info = JSON.parse(await firstLine(child, stderr)) as {
    url: string;
    tenantId: string;
    users: EmulatorUser[];
    caCert?: string;
  };
  const dispatcher = new Agent({
    keepAliveTimeout: 1_000,
    ...(info.caCert === undefined ? {} : { connect: { ca: readFileSync(info.caCert, 'utf8') } }),
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
    const res = await request(target.startsWith('http') ? target : `${info.url}${target}`, {
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

  const control = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call(method, `/__emulator/${path.replace(/^\/+/, '')}`, {}, body);
    if (res.status >= 300) throw new Error(`control ${method} ${path} failed with ${res.status}: ${res.text}`);
    return res.body as T;
  };

  const emulator: Emulator = {
    url: info.url,
    tenantId: info.tenantId,
    users: info.users,
    ...(info.caCert === undefined ? {} : { caCert: info.caCert }),
    get admin() {
      return pickUser(info.users, 'admin', (r) => r.includes('TenantAdmin'))();
    },
    get dev() {
      return pickUser(info.users, 'dev', (r) => r.includes('ManageApiKeys') || r.includes('Developer'))();
    },
    get viewer() {
      return pickUser(
        info.users,
        'viewer',
        (r) => !r.includes('TenantAdmin') && !r.includes('ManageApiKeys') && !r.includes('Developer'),
      )();
    },
    pid: child.pid ?? -1,
    control,
    api(method, path, apiOpts = {}) {
      const headers: Record<string, string> = { ...apiOpts.headers };
      const token = apiOpts.token ?? emulator.admin.apiKey;
      const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
      if (token !== '' && !hasAuth) headers['authorization'] = `Bearer ${token}`;
      return call(method, path, headers, apiOpts.body);
    },
    async addFault(rule) {
      return (await control<{ id: string }>('POST', 'faults', rule)).id;
    },
    async ledger() {
      return (await control<{ entries: LedgerEntry[] }>('GET', 'ledger')).entries;
    },
    async requests() {
      return (await control<{ requests: RequestLogEntry[] }>('GET', 'requests')).requests;
    },
    async reset() {
      await control('POST', 'reset');
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      await dispatcher.destroy();
      return code;
    },
  };
  return emulator;
}
