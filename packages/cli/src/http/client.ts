// The HTTP client every command uses: undici (loaded lazily), one dispatcher per run, finite timeouts, a response
// size cap, proxy support from the environment, --insecure scoped to this client, same-origin redirects only,
// a redacted -v trace, and retries for idempotent requests. Non-idempotent POSTs get single attempts here; the
// request runner decides what to do after an ambiguous failure (see api/create-safely.ts).
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { CliError, TransportError } from '../cmdutil/errors.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { VERSION } from '../version.js';
import { mergeHeaders } from './headers.js';
import { Redactor, stripControls } from './redact.js';

export interface ApiRequest {
  method: string;
  /** A path below the server (`/api/v1/api-keys`) or an absolute URL on the same origin (a `links.next` href). */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export interface ApiResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
  url: string;
}

export { TransportError, type FailureKind } from '../cmdutil/errors.js';

export interface RetryPolicy {
  retry: number;
  intervalSeconds: number;
}

export interface ClientOptions {
  server: string;
  headers: Record<string, string>;
  insecure: boolean;
  verbose: boolean;
  io: IOStreams;
  redactor: Redactor;
  env: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

export const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** A server's retry-after longer than this ends the command instead of stalling it. */
export const MAX_RETRY_AFTER_SECONDS = 30;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_REDIRECTS = 5;

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL']);
const TLS_HINTS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain holds a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by an unknown authority',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not match the host name',
};

function envNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${name}: expected a positive number of seconds, got ${JSON.stringify(raw)}`);
  return n;
}

/** `host:port` and `user:pass@host` proxy values get a scheme, as Qlik's CLI accepts them. */
export function normalizeProxy(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`;
}

/** Whether NO_PROXY (comma/space separated hosts, `.suffix`, `*.suffix`, `host:port`, `*`) exempts a URL. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((raw) => {
      if (raw === '*') return true;
      const entry = raw.toLowerCase();
      // `[v6]:port`, a bare IPv6 address (several colons), or `name[:port]`.
      const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? (entry.split(':').length > 2 ? [entry, entry] : /^([^:]*)(?::(\d+))?$/.exec(entry));
      const name = (m?.[1] ?? '').replace(/^\*?\./, '');
      if (m?.[2] !== undefined && m[2] !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

function pick(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[name.toUpperCase()] ?? env[name.toLowerCase()];
}

type Undici = typeof import('undici');

async function loadUndici(): Promise<Undici> {
  const mod = (await import('undici')) as Undici & { default?: Undici };
  return mod.default ?? mod;
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? '';
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export class HttpClient {
  private dispatcher: Dispatcher | undefined;
  private proxies: { http?: URL; https?: URL; noProxy?: string } = {};
  private readonly origin: string;
  private readonly totalMs: number;
  private readonly connectMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  private readonly o: ClientOptions;

  constructor(o: ClientOptions) {
    this.o = o;
    this.origin = new URL(o.server).origin;
    this.totalMs = envNumber(o.env, 'QLIK_HTTP_TIMEOUT', 60) * 1000;
    this.connectMs = envNumber(o.env, 'QLIK_HTTP_CONNECT_TIMEOUT', 10) * 1000;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    for (const [k, v] of Object.entries(o.headers)) if (/authorization|cookie|token|secret|key/i.test(k)) o.redactor.addHeaderSecret(v);
  }

  private async getDispatcher(): Promise<Dispatcher> {
    if (this.dispatcher) return this.dispatcher;
    const undici = await loadUndici();
    const tls = { rejectUnauthorized: !this.o.insecure };
    const common = {
      connect: { ...tls, timeout: this.connectMs },
      headersTimeout: this.totalMs,
      bodyTimeout: this.totalMs,
      maxResponseSize: MAX_BODY_BYTES,
    };
    const httpsProxy = normalizeProxy(pick(this.o.env, 'https_proxy'));
    const httpProxy = normalizeProxy(pick(this.o.env, 'http_proxy'));
    for (const p of [httpsProxy, httpProxy]) {
      if (!p) continue;
      const u = new URL(p);
      if (u.password) this.o.redactor.addSecret(decodeURIComponent(u.password));
      if (u.password) this.o.redactor.addSecret(u.password);
    }
    if (httpsProxy ?? httpProxy) {
      const noProxy = pick(this.o.env, 'no_proxy');
      this.proxies = {
        ...(httpProxy ? { http: new URL(httpProxy) } : {}),
        ...(httpsProxy ? { https: new URL(httpsProxy) } : {}),
        ...(noProxy !== undefined ? { noProxy } : {}),
      };
      this.dispatcher = new undici.EnvHttpProxyAgent({
        ...common,
        requestTls: tls,
        ...(httpsProxy ? { httpsProxy } : {}),
        ...(httpProxy ? { httpProxy } : {}),
        ...(noProxy !== undefined ? { noProxy } : {}),
      });
    } else {
      this.dispatcher = new undici.Agent(common);
    }
    return this.dispatcher;
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  /** The absolute URL for a request; absolute hrefs must stay on the server's origin. */
  url(req: Pick<ApiRequest, 'path' | 'query'>): URL {
    const url = /^https?:\/\//i.test(req.path) ? new URL(req.path) : new URL(this.o.server + req.path);
    if (url.origin !== this.origin) throw new CliError(`refusing to send credentials to another origin: ${url.origin}`);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private requestHeaders(hasBody: boolean): Record<string, string> {
    const base: Record<string, string> = {
      'User-Agent': `qlik-cli/${VERSION} (${process.platform})`,
      Accept: 'application/json',
    };
    if (hasBody) base['Content-Type'] = 'application/json';
    return mergeHeaders(base, this.o.headers);
  }

  private trace(line: string): void {
    // A URL from the server (a links.next href, decoded for readability) may hold escape sequences: strip them.
    if (this.o.verbose) this.o.io.warn(stripControls(this.o.redactor.text(line)));
  }

  /** One attempt (plus same-origin GET redirects). Any HTTP status is returned; transport failures throw. */
  async attempt(req: ApiRequest): Promise<ApiResponse> {
    let url = this.url(req);
    let method = req.method.toUpperCase();
    let body = req.body === undefined ? undefined : JSON.stringify(req.body);
    for (let hop = 0; ; hop++) {
      const res = await this.once(method, url, body);
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(res.status) || !location || method !== 'GET') return res;
      const next = new URL(location, url);
      if (next.origin !== this.origin) {
        throw new CliError(`${res.status} ${res.statusText}: refusing to follow a redirect to another origin (${next.origin})`);
      }
      if (hop >= MAX_REDIRECTS) throw new CliError(`stopped after ${MAX_REDIRECTS} redirects`);
      url = next;
      method = 'GET';
      body = undefined;
    }
  }

  private async once(method: string, url: URL, body: string | undefined): Promise<ApiResponse> {
    const dispatcher = await this.getDispatcher();
    const headers = this.requestHeaders(body !== undefined);
    this.trace(`${method} ${decodeURIComponent(url.href)}`);
    for (const [k, v] of Object.entries(headers)) this.trace(`> ${k}: ${this.o.redactor.headerValue(k, v)}`);
    if (body !== undefined) this.trace(`> ${this.o.redactor.body(body)}`);
    const started = performance.now();
    const abort = AbortSignal.timeout(this.totalMs);
    let status: number | undefined;
    try {
      const res = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method,
        headers,
        body: body ?? null,
        signal: abort,
      });
      status = res.statusCode;
      const resHeaders = flattenHeaders(res.headers);
      for (const [k, v] of Object.entries(resHeaders)) this.trace(`< ${k}: ${this.o.redactor.headerValue(k, v)}`);
      const text = await res.body.text();
      this.trace(`Response time: ${Math.round(performance.now() - started)}ms`);
      this.trace(`Status: ${res.statusCode} ${statusText(res.statusCode)}`);
      this.trace(text === '' ? 'Empty response body' : `< ${this.o.redactor.body(text)}`);
      return { status: res.statusCode, statusText: statusText(res.statusCode), headers: resHeaders, text, url: url.href };
    } catch (e) {
      const err = this.classify(e, url, status, abort.aborted);
      this.trace(`Error after ${Math.round(performance.now() - started)}ms: ${err.message}`);
      throw err;
    }
  }

  private classify(e: unknown, url: URL, status: number | undefined, timedOut: boolean): TransportError {
    if (e instanceof CliError) return new TransportError(e.message, 'ambiguous', undefined, status);
    const code = errorCode(e);
    const host = url.host;
    const after = status === undefined ? '' : ` (after status ${status})`;
    // undici reports a proxy that refuses the CONNECT (407, 403, 502…) as an aborted request, not as a timeout.
    const proxyStatus = /Proxy response \((\d{3})\)/.exec(e instanceof Error ? e.message : '')?.[1];
    if (!timedOut && proxyStatus !== undefined) {
      const hint = proxyStatus === '407' ? ' (check the user and password in HTTPS_PROXY/HTTP_PROXY)' : '';
      return new TransportError(`the proxy refused to connect to ${host}: ${proxyStatus} ${statusText(Number(proxyStatus))}${hint}`, 'not-sent', `PROXY_${proxyStatus}`);
    }
    if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_ABORTED') {
      return new TransportError(`request to ${host} timed out after ${this.totalMs / 1000}s${after}`, 'ambiguous', 'TIMEOUT', status);
    }
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      return new TransportError(`response from ${host} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB${after}`, 'ambiguous', code, status);
    }
    if (code !== undefined && NOT_SENT_CODES.has(code)) {
      const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect timeout' : code;
      // EnvHttpProxyAgent prefers HTTPS_PROXY for https and falls back to HTTP_PROXY, as undici does.
      const proxy = url.protocol === 'https:' ? (this.proxies.https ?? this.proxies.http) : this.proxies.http;
      const target = proxy && !bypassesProxy(url, this.proxies.noProxy) ? `the proxy ${proxy.host} (for ${host})` : host;
      return new TransportError(`cannot connect to ${target}: ${why}`, 'not-sent', code, status);
    }
    if (code !== undefined && (TLS_HINTS[code] !== undefined || code.startsWith('ERR_TLS') || code.includes('CERT'))) {
      const why = TLS_HINTS[code] ?? 'certificate verification failed';
      return new TransportError(
        `TLS error connecting to ${host}: ${why} (${code}); use --insecure to accept it, or trust its CA with NODE_EXTRA_CA_CERTS`,
        'tls',
        code,
      );
    }
    const why = code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'connection reset by the server' : (code ?? (e instanceof Error ? e.message : 'network error'));
    return new TransportError(`request to ${host} failed: ${why}${after}`, 'ambiguous', code, status);
  }

  /** Seconds to wait before the next try: max(interval, retry-after) plus a little jitter. */
  waitSeconds(res: ApiResponse | undefined, intervalSeconds: number): number {
    const ra = res?.headers['retry-after'];
    let after = 0;
    if (ra !== undefined) {
      const n = Number(ra);
      if (Number.isFinite(n)) after = Math.max(0, n);
      else {
        const date = Date.parse(ra);
        if (!Number.isNaN(date)) after = Math.max(0, (date - Date.now()) / 1000);
      }
    }
    if (after > MAX_RETRY_AFTER_SECONDS) {
      throw new CliError(
        `rate limited: the server asks to wait ${Math.ceil(after)}s before retrying, longer than the ${MAX_RETRY_AFTER_SECONDS}s this CLI waits; try again later`,
      );
    }
    return Math.max(intervalSeconds, after);
  }

  async pause(seconds: number, why: string): Promise<void> {
    this.trace(`* ${why}; retrying in ${seconds.toFixed(1)}s`);
    await this.sleep(seconds * 1000 + Math.floor(Math.random() * 200));
  }

  /**
   * Send an idempotent request (GET, DELETE, PATCH of replace operations), retrying 429, 5xx and network failures
   * up to `retry` times. Returns the last response whatever its status; throws the last transport error.
   */
  async send(req: ApiRequest, policy: RetryPolicy): Promise<ApiResponse> {
    // Whether an earlier attempt may have been executed although its answer was lost (a 5xx, a failure after sending).
    let unsure = false;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= policy.retry;
      try {
        const res = await this.attempt(req);
        if (unsure && res.status === 404 && req.method.toUpperCase() === 'DELETE') {
          // The earlier attempt removed it: the resource is gone, as asked.
          this.trace('* 404 after an attempt whose answer was lost: that attempt removed it');
          return { ...res, status: 204, statusText: statusText(204), text: '' };
        }
        if (!RETRYABLE_STATUS.has(res.status) || last) return res;
        if (res.status >= 500) unsure = true;
        await this.pause(this.waitSeconds(res, policy.intervalSeconds), `${res.status} ${res.statusText}`);
      } catch (e) {
        if (!(e instanceof TransportError) || e.kind === 'tls' || e.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE' || last) throw e;
        if (e.kind === 'ambiguous') unsure = true;
        await this.pause(policy.intervalSeconds, e.message);
      }
    }
  }
}
