// A stub registry for the HTTP transport, after gh's httpmock: each test registers the exchanges it expects;
// a request nothing was registered for fails the request (and the test, through verify()), and verify() also fails
// when a registered stub was never used.
import { TransportError, type FailureKind } from '../../packages/cli/src/errors/errors.js';
import type { Transport, TransportRequest, TransportResponse } from '../../packages/cli/src/http/transport.js';

export interface RecordedRequest {
  method: string;
  url: URL;
  /** Path and query, e.g. `/api/v1/api-keys?limit=1`. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** The body as sent, byte for byte. */
  bytes?: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

type Answer = TransportResponse | TransportError;
type Responder = Answer | ((req: RecordedRequest) => Answer | Promise<Answer>);

interface Stub {
  method: string;
  path: string | RegExp;
  responder: Responder;
  /** How many more times it may answer (Infinity: any number, and it need not be used). */
  remaining: number;
  used: number;
  label: string;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON response (`content-type: application/json; charset=utf-8`). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: Buffer.from(body) };
}

export function empty(status = 204, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers, body: Buffer.alloc(0) };
}

/** A Qlik error body. */
export function qlikError(
  status: number,
  code: string,
  title: string,
  headers: Record<string, string> = {},
): TransportResponse {
  return json(status, { errors: [{ code, title, status }] }, headers);
}

/** A transport failure: `not-sent` (refused), `ambiguous` (reset after sending), `tls`. */
export function failure(
  kind: FailureKind,
  message = `simulated ${kind} failure`,
  code = kind === 'not-sent' ? 'ECONNREFUSED' : 'ECONNRESET',
): TransportError {
  return new TransportError(message, kind, code);
}

export class StubRegistry implements Transport {
  private readonly stubs: Stub[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];

  /**
   * Expect `method path` (the path with its query, or a RegExp tested against it) `times` times (default once; use
   * Infinity for "any number, maybe none").
   */
  register(method: string, path: string | RegExp, responder: Responder, times = 1): this {
    this.stubs.push({
      method: method.toUpperCase(),
      path,
      responder,
      remaining: times,
      used: 0,
      label: `${method.toUpperCase()} ${String(path)}`,
    });
    return this;
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    if (req.signal?.aborted) throw req.signal.reason;
    const recorded: RecordedRequest = {
      method: req.method,
      url: req.url,
      path: req.url.pathname + req.url.search,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
      ...(req.body === undefined ? {} : { bytes: Buffer.from(req.body) }),
      body: typeof req.body === 'string' ? req.body : req.body?.toString('utf8'),
      json: parseJson(typeof req.body === 'string' ? req.body : req.body?.toString('utf8')),
    };
    this.requests.push(recorded);
    const stub = this.stubs.find(
      (s) =>
        s.remaining > 0 &&
        s.method === req.method &&
        (typeof s.path === 'string' ? s.path === recorded.path : s.path.test(recorded.path)),
    );
    if (!stub) {
      const line = `${req.method} ${recorded.path}`;
      this.unexpected.push(line);
      throw new Error(`httpmock: no stub for ${line}`);
    }
    stub.remaining -= 1;
    stub.used += 1;
    const answer = typeof stub.responder === 'function' ? await stub.responder(recorded) : stub.responder;
    if (answer instanceof TransportError) throw answer;
    return answer;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Fails when a request had no stub, or a stub (other than `times: Infinity`) was not used up. */
  verify(): void {
    const unused = this.stubs
      .filter((s) => s.remaining > 0 && s.remaining !== Infinity)
      .map((s) => `${s.label} (${s.remaining} left)`);
    const problems = [
      ...this.unexpected.map((u) => `unexpected request: ${u}`),
      ...unused.map((u) => `unused stub: ${u}`),
    ];
    if (problems.length > 0) throw new Error(`httpmock:\n  ${problems.join('\n  ')}`);
  }
}
