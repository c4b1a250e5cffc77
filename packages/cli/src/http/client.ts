// The HTTP client every command uses: request URLs bound to the server's origin, the run's headers, credentials
// from an Authenticator (OAuth), same-origin redirects only, a redacted -v trace, and the retry policy. The wire is
// a Transport (transport.ts in production, a stub registry or an in-process emulator in tests).
import { CliError, TransportError } from '../errors/errors.js';
import { isSecretName } from '../text/secrets.js';
import { VERSION } from '../version.js';
import type { Authenticator } from './auth.js';
import { plainHttpToTls, speaksTls, statusText } from './failures.js';
import { mergeHeaders } from '../text/headers.js';
import type { Redactor } from './redact.js';
import { retryWait, type RetryPolicy } from './retry.js';
import type { Transport } from './transport.js';

export type { RetryPolicy } from './retry.js';

export interface ApiRequest {
  method: string;
  /** A path below the server (`/api/v1/api-keys`) or an absolute URL on the same origin (a `links.next` href). */
  path: string;
  query?: Record<string, string | number | undefined> | [string, string][];
  /** A JSON value, sent as application/json. */
  body?: unknown;
  /** A body sent as is, with its content type (qlik raw). */
  rawBody?: { data: string | Buffer; contentType: string };
}

export interface ApiResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
  /** The body exactly as received. */
  bytes: Buffer;
  url: string;
  /**
   * A DELETE whose earlier attempt lost its answer (5xx, reset) got 404 on a retry: the resource is gone — that
   * attempt removed it, or it never existed. Reported as success.
   */
  goneAfterRetry?: boolean;
}

export interface ClientOptions {
  server: string;
  /** Sent with every request (already validated). */
  headers: Record<string, string>;
  /** Supplies the Authorization header (OAuth) and renews it after a 401. */
  auth?: Authenticator | undefined;
  verbose: boolean;
  /** Writes one diagnostic line to stderr (terminal escapes removed there). */
  warn: (line: string) => void;
  redactor: Redactor;
  transport: Transport;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted when the run is interrupted. */
  signal?: AbortSignal | undefined;
  /** A comment added to the User-Agent (`qlik-cli/0.1.0 (linux) raw`). */
  userAgentComment?: string;
}

const MAX_REDIRECTS = 5;

/** Milliseconds on a monotonic clock (the global `performance` would load perf_hooks on every request: ~1 ms). */
const monotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

/** Whether repeating a request cannot do more than doing it once. */
function isIdempotent(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(method.toUpperCase());
}

export class HttpClient {
  readonly origin: string;
  readonly server: string;
  private readonly o: ClientOptions;

  constructor(o: ClientOptions) {
    this.o = o;
    this.server = o.server;
    this.origin = new URL(o.server).origin;
    for (const [k, v] of Object.entries(o.headers)) if (isSecretName(k)) o.redactor.addHeaderSecret(v);
  }

  get signal(): AbortSignal | undefined {
    return this.o.signal;
  }

  /** The same client, aborted by another signal (cleanup after an interrupt gets a deadline of its own). */
  withSignal(signal: AbortSignal): HttpClient {
    return new HttpClient({ ...this.o, signal });
  }

  async close(): Promise<void> {
    await this.o.transport.close();
  }

  /** The absolute URL for a request; absolute hrefs must stay on the server's origin. */
  url(req: Pick<ApiRequest, 'path' | 'query'>): URL {
    const url = /^https?:\/\//i.test(req.path) ? new URL(req.path) : new URL(this.o.server + req.path);
    if (url.origin !== this.origin) throw new CliError(`refusing to send credentials to another origin: ${url.origin}`);
    const query = req.query ?? {};
    const entries = Array.isArray(query) ? query : Object.entries(query);
    for (const [k, v] of entries) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private baseHeaders(contentType: string | undefined): Record<string, string> {
    const base: Record<string, string> = {
      'User-Agent': `qlik-cli/${VERSION} (${process.platform})${this.o.userAgentComment ? ` ${this.o.userAgentComment}` : ''}`,
      Accept: 'application/json',
    };
    if (contentType !== undefined) base['Content-Type'] = contentType;
    return mergeHeaders(base, this.o.headers);
  }

  /**
   * A `-v` line; given as a function when building it costs something (a body through the redactor), so that
   * nothing is built without `-v`.
   */
  trace(line: string | (() => string)): void {
    // io.warn strips terminal escapes; the redactor masks secrets (also those a server echoes back).
    if (this.o.verbose) this.o.warn(this.o.redactor.text(typeof line === 'string' ? line : line()));
  }

  /** One attempt, plus same-origin redirects of GETs and one renewal of OAuth credentials after a 401. */
  async attempt(req: ApiRequest): Promise<ApiResponse> {
    const signal = this.o.signal;
    let auth = this.o.auth ? await this.o.auth.header() : undefined;
    let res = await this.follow(req, auth, signal);
    if (res.status === 401 && this.o.auth && auth !== undefined) {
      const renewed = await this.o.auth.refresh(auth);
      if (renewed !== undefined) {
        this.trace('* 401 with a cached access token: fetched a new one, sending again');
        auth = renewed;
        res = await this.follow(req, auth, signal);
      }
    }
    return res;
  }

  private async follow(
    req: ApiRequest,
    auth: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ApiResponse> {
    let url = this.url(req);
    let method = req.method.toUpperCase();
    let body: { data: string | Buffer; contentType: string } | undefined =
      req.rawBody ??
      (req.body === undefined ? undefined : { data: JSON.stringify(req.body), contentType: 'application/json' });
    for (let hop = 0; ; hop++) {
      const res = await this.once(method, url, body, auth, signal);
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return res;
      }
      const where = `${res.status} ${res.statusText}: the server redirects ${method} ${url.pathname} to ${next.href}`;
      if (next.origin !== this.origin) {
        throw new CliError(
          `${where}; not followed: that is another origin (${next.origin}), and credentials go only to ${this.origin}`,
          {
            hint: movedServerHint(this.server, url, next),
          },
        );
      }
      // Another method's redirect is the caller's answer (a create checks what it made): main.ts names its target.
      if (method !== 'GET') return res;
      if (hop >= MAX_REDIRECTS) throw new CliError(`stopped after ${MAX_REDIRECTS} redirects`);
      url = next;
      method = 'GET';
      body = undefined;
    }
  }

  private async once(
    method: string,
    url: URL,
    body: { data: string | Buffer; contentType: string } | undefined,
    auth: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ApiResponse> {
    const headers = this.baseHeaders(body?.contentType);
    if (auth !== undefined) headers.Authorization = auth;
    this.trace(() => `${method} ${safeDecode(url.href)}`);
    if (this.o.verbose)
      for (const [k, v] of Object.entries(headers)) this.trace(`> ${k}: ${this.o.redactor.headerValue(k, v)}`);
    if (body !== undefined)
      this.trace(
        () =>
          `> ${typeof body.data === 'string' ? this.o.redactor.body(body.data) : `(${body.data.length} bytes of ${body.contentType})`}`,
      );
    const started = monotonicMs();
    try {
      const res = await this.o.transport.request({
        method,
        url,
        headers,
        ...(body ? { body: body.data } : {}),
        signal,
      });
      if (this.o.verbose)
        for (const [k, v] of Object.entries(res.headers)) this.trace(`< ${k}: ${this.o.redactor.headerValue(k, v)}`);
      const text = res.body.toString('utf8');
      this.trace(() => `Response time: ${Math.round(monotonicMs() - started)}ms`);
      this.trace(() => `Status: ${res.status} ${statusText(res.status)}`);
      this.trace(() => (text === '' ? 'Empty response body' : `< ${this.o.redactor.body(text)}`));
      return {
        status: res.status,
        statusText: statusText(res.status),
        headers: res.headers,
        text,
        bytes: res.body,
        url: url.href,
      };
    } catch (e) {
      if (e instanceof TransportError) this.trace(`Error after ${Math.round(monotonicMs() - started)}ms: ${e.message}`);
      // A plain HTTP request that a TLS server reset: say so (a handshake with the same port tells). Not when the
      // request went through a proxy: the reset may be the proxy's, and a probe sent around the proxy would reach the
      // server by a way the user's network settings do not take (or not reach it at all).
      if (
        e instanceof TransportError &&
        e.code === 'ECONNRESET' &&
        url.protocol === 'http:' &&
        e.status === undefined &&
        !signal?.aborted &&
        this.o.transport.proxied?.(url) !== true &&
        (await speaksTls(url))
      ) {
        throw plainHttpToTls(url, e);
      }
      throw e;
    }
  }

  /** Wait before the next try, saying so on stderr (also without -v): `Rate limited (429); retrying in 3 s (1/3)`. */
  async pause(seconds: number, why: string, attempt: number, retries: number): Promise<void> {
    await this.wait(seconds, `${why}; retrying in ${Math.round(seconds)} s (${attempt}/${retries})`);
  }

  /** Wait `seconds` (plus jitter), saying `line` on stderr when the wait is 1 s or more. */
  async wait(seconds: number, line: string): Promise<void> {
    if (seconds >= 1) this.o.warn(line);
    await this.o.sleep(seconds * 1000 + Math.floor(Math.random() * 200), this.o.signal);
  }

  /**
   * Send a request, retrying up to `policy.retry` times: 429s and failures where nothing was sent always, and — when
   * the request is idempotent — 5xx answers and failures after sending. Returns the last response whatever its
   * status; throws the last transport error.
   */
  async send(req: ApiRequest, policy: RetryPolicy, opts: { idempotent?: boolean } = {}): Promise<ApiResponse> {
    const idempotent = opts.idempotent ?? isIdempotent(req.method);
    // Whether an earlier attempt may have been executed although its answer was lost (a 5xx, a failure after sending).
    let unsure = false;
    for (let attempt = 1; ; attempt++) {
      const last = attempt > policy.retry;
      try {
        const res = await this.attempt(req);
        if (unsure && res.status === 404 && req.method.toUpperCase() === 'DELETE') {
          this.trace('* 404 after an attempt whose answer was lost: the resource is gone');
          return {
            ...res,
            status: 204,
            statusText: statusText(204),
            text: '',
            bytes: Buffer.alloc(0),
            goneAfterRetry: true,
          };
        }
        const retryable =
          res.status === 429 || (idempotent && res.status >= 500 && res.status <= 504 && res.status !== 501);
        if (!retryable || last) return res;
        if (res.status >= 500) unsure = true;
        const reason = res.status === 429 ? 'Rate limited (429)' : `Server error (${res.status} ${res.statusText})`;
        await this.pause(retryWait(res.headers['retry-after'], policy), reason, attempt, policy.retry);
      } catch (e) {
        if (!(e instanceof TransportError) || e.kind === 'tls' || e.kind === 'fatal' || last) throw e;
        if (e.kind === 'ambiguous' && !idempotent) throw e;
        if (e.kind === 'ambiguous') unsure = true;
        await this.pause(policy.intervalSeconds, `Request failed (${e.message})`, attempt, policy.retry);
      }
    }
  }
}

/**
 * When a redirect keeps the request's path below a new root (`http://h/api/v1/x` → `https://h/api/v1/x`), the server
 * moved: the hint names the --server to use.
 */
function movedServerHint(server: string, from: URL, to: URL): string | undefined {
  const prefix = new URL(server).pathname.replace(/\/+$/, '');
  const rest = from.pathname.slice(prefix.length);
  if (rest === '' || !to.pathname.endsWith(rest)) return undefined;
  const root = `${to.origin}${to.pathname.slice(0, to.pathname.length - rest.length)}`;
  return `if the server moved there, use --server ${root} (or store it: qlik context update <name> --server ${root})`;
}

function safeDecode(href: string): string {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
}
