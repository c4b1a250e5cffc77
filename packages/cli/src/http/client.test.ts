// The HTTP client against a scripted local server: retries and their waits (with a recorded, instant sleep),
// retry-after handling, same-origin rules for redirects and hrefs, failure classification, and the -v trace.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CliError, TransportError } from '../errors/errors.js';
import { testIO } from '../iostreams/testio.js';
import { HttpClient } from './client.js';
import { normalizeProxy } from './proxy.js';
import { Redactor } from './redact.js';
import { MAX_RETRY_AFTER_SECONDS, retryWait } from './retry.js';
import { NodeTransport } from './transport.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let origin: string;
let script: Handler[] = [];
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const next = script.shift();
      if (next) next(req, res, body);
      else res.writeHead(500).end('no scripted answer');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  script = [];
  seen = [];
});

const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Handler =>
  (_q, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
  };

function client(
  opts: { verbose?: boolean; headers?: Record<string, string>; timeoutMs?: number; server?: string } = {},
) {
  const io = testIO();
  const sleeps: number[] = [];
  const redactor = new Redactor();
  const http = new HttpClient({
    server: opts.server ?? origin,
    headers: opts.headers ?? { Authorization: 'Bearer secret-api-key-value' },
    verbose: opts.verbose ?? false,
    warn: (line: string) => io.warn(line),
    redactor,
    transport: new NodeTransport({
      insecure: false,
      connectTimeoutMs: 10_000,
      totalTimeoutMs: opts.timeoutMs ?? 60_000,
      maxBodyBytes: 10 * 1024 * 1024,
      proxy: {},
    }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { http, io, sleeps, redactor };
}

describe('normalizeProxy', () => {
  it('adds http:// to host:port and user:pass@host forms, keeps explicit schemes', () => {
    expect(normalizeProxy('proxy.local:3128')).toBe('http://proxy.local:3128');
    expect(normalizeProxy('user:pa55@proxy.local:3128')).toBe('http://user:pa55@proxy.local:3128');
    expect(normalizeProxy(' https://proxy.local ')).toBe('https://proxy.local');
    expect(normalizeProxy('')).toBeUndefined();
    expect(normalizeProxy(undefined)).toBeUndefined();
  });
});

describe('retryWait', () => {
  const p = (intervalSeconds: number) => ({ retry: 3, intervalSeconds });

  it('waits the interval, or the retry-after when it is longer', () => {
    expect(retryWait(undefined, p(1))).toBe(1);
    expect(retryWait('3', p(1))).toBe(3);
    expect(retryWait('3', p(5))).toBe(5);
  });

  it('reads an HTTP-date retry-after', () => {
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    const wait = retryWait(inTen, p(1));
    expect(wait).toBeGreaterThan(8);
    expect(wait).toBeLessThanOrEqual(10);
    expect(retryWait(new Date(Date.now() - 60_000).toUTCString(), p(1))).toBe(1);
  });

  it('honours waits up to five minutes, ignores garbage, and gives up beyond the limit', () => {
    expect(MAX_RETRY_AFTER_SECONDS).toBe(300);
    expect(retryWait('soon', p(1))).toBe(1);
    expect(retryWait('42', p(1))).toBe(42);
    expect(retryWait(String(MAX_RETRY_AFTER_SECONDS), p(1))).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(() => retryWait('301', p(1))).toThrow(CliError);
    expect(() => retryWait('3600', p(1))).toThrow(
      'the server asks to wait 3600 s before retrying, longer than the 300 s this CLI waits',
    );
  });
});

describe('HttpClient configuration', () => {
  it('builds URLs below the server path and refuses absolute URLs on another origin', () => {
    const { http } = client({ server: 'https://tenant.example.com/prefix' });
    expect(http.url({ path: '/api/v1/api-keys', query: { limit: 5, sort: undefined } }).href).toBe(
      'https://tenant.example.com/prefix/api/v1/api-keys?limit=5',
    );
    expect(http.url({ path: 'https://tenant.example.com/api/v1/api-keys?startingAfter=x' }).href).toBe(
      'https://tenant.example.com/api/v1/api-keys?startingAfter=x',
    );
    expect(() => http.url({ path: 'https://evil.example.com/api/v1/api-keys' })).toThrow(
      'refusing to send credentials to another origin: https://evil.example.com',
    );
  });
});

describe('HttpClient.send', () => {
  it('retries 429 and 5xx up to --retry times, waiting max(interval, retry-after) each time', async () => {
    script = [json(503, {}), json(429, {}, { 'retry-after': '4' }), json(200, { ok: true })];
    const { http, sleeps, io } = client();
    const res = await http.send({ method: 'GET', path: '/x' }, { retry: 3, intervalSeconds: 2 });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    // Every wait is announced on stderr, also without -v.
    expect(io.stderr()).toBe(
      'Server error (503 Service Unavailable); retrying in 2 s (1/3)\nRate limited (429); retrying in 4 s (2/3)\n',
    );
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(sleeps[0]).toBeLessThan(2200);
    expect(sleeps[1]).toBeGreaterThanOrEqual(4000);
    expect(sleeps[1]).toBeLessThan(4200);
  });

  it('returns the last failing answer when the retries are used up', async () => {
    script = [json(502, { n: 1 }), json(502, { n: 2 })];
    const { http, sleeps } = client();
    const res = await http.send({ method: 'GET', path: '/x' }, { retry: 1, intervalSeconds: 1 });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text)).toEqual({ n: 2 });
    expect(sleeps).toHaveLength(1);
  });

  it('does not retry a 4xx', async () => {
    script = [json(404, {})];
    const { http, sleeps } = client();
    expect((await http.send({ method: 'GET', path: '/x' }, { retry: 5, intervalSeconds: 1 })).status).toBe(404);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('sends the configured headers, a JSON body with its content type, and an identifying user agent', async () => {
    script = [json(201, { id: 'a' })];
    const { http } = client({ headers: { Authorization: 'Bearer k-123456', 'X-Extra': 'yes', accept: 'text/plain' } });
    await http.attempt({ method: 'post', path: '/api/v1/api-keys', body: { description: 'd' } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/api-keys', body: '{"description":"d"}' });
    expect(seen[0]!.headers).toMatchObject({
      authorization: 'Bearer k-123456',
      'x-extra': 'yes',
      accept: 'text/plain',
      'content-type': 'application/json',
    });
    expect(seen[0]!.headers['user-agent']).toMatch(/^qlik-cli\/\S+ \(/);
  });

  it('follows same-origin redirects of a GET and refuses one to another origin', async () => {
    script = [
      (_q, res) => res.writeHead(301, { location: '/api/v1/users/u1' }).end(),
      json(200, { id: 'u1' }),
      (_q, res) => res.writeHead(302, { location: 'http://127.0.0.2:9/steal' }).end(),
    ];
    const { http } = client();
    const ok = await http.attempt({ method: 'GET', path: '/api/v1/users/me' });
    expect(ok.status).toBe(200);
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/users/me', '/api/v1/users/u1']);
    await expect(http.attempt({ method: 'GET', path: '/api/v1/users/me' })).rejects.toThrow(
      /^302 Found: the server redirects GET \/api\/v1\/users\/me to http:\/\/127\.0\.0\.2:9\/steal; not followed: that is another origin \(http:\/\/127\.0\.0\.2:9\), and credentials go only to http:\/\/127\.0\.0\.1:\d+$/,
    );
  });

  it('classifies a refused connection as not sent, and retries it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const { http, sleeps } = client({ server: `http://127.0.0.1:${port}` });
    const e = await http.send({ method: 'GET', path: '/x' }, { retry: 2, intervalSeconds: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(e).toMatchObject({
      kind: 'not-sent',
      code: 'ECONNREFUSED',
      message: `cannot connect to 127.0.0.1:${port}: connection refused`,
    });
    expect(sleeps).toHaveLength(2);
    await http.close();
  });

  it('classifies a reset after the request was sent as ambiguous', async () => {
    script = [(req) => req.socket.destroy()];
    const { http } = client();
    const e = await http.attempt({ method: 'POST', path: '/x', body: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).kind).toBe('ambiguous');
    expect((e as TransportError).message).toMatch(/^request to 127\.0\.0\.1:\d+ failed: /);
  });

  it('times out after QLIK_HTTP_TIMEOUT and says so', async () => {
    script = [(_q, res) => setTimeout(() => res.writeHead(200).end('{}'), 1500)];
    const { http } = client({ timeoutMs: 300 });
    const e = await http.attempt({ method: 'GET', path: '/slow' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'ambiguous', message: expect.stringMatching(/timed out after 0\.3s$/) as unknown });
  });

  it('traces requests and responses on stderr with -v, with every credential masked', async () => {
    script = [
      json(201, { id: 'k', token: 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }, { 'set-cookie': 'sid=abc' }),
    ];
    const { http, io } = client({ verbose: true, headers: { Authorization: 'Bearer secret-api-key-value' } });
    await http.attempt({ method: 'POST', path: '/api/v1/api-keys', body: { description: 'traced' } });
    const trace = io.stderr();
    expect(trace).toContain(`POST ${origin}/api/v1/api-keys\n`);
    expect(trace).toContain('> Authorization: Bearer **omitted**\n');
    expect(trace).toContain('> {"description":"traced"}\n');
    expect(trace).toContain('< set-cookie: **omitted**\n');
    expect(trace).toContain('Status: 201 Created\n');
    expect(trace).toContain('< {"id":"k","token":"**omitted**"}\n');
    expect(trace).not.toContain('secret-api-key-value');
    expect(trace).not.toContain('c2lnbmF0dXJl');
    expect(io.stdout()).toBe('');
  });

  it('without -v no trace line is built: bodies are not run through the redactor (a rotate spent most of its time there)', async () => {
    script = [json(200, { data: [{ id: 'k', description: 'x', links: { self: { href: `${origin}/a?b=c&d=e` } } }] })];
    const { http, io, redactor } = client({ headers: { Authorization: 'Bearer secret-api-key-value' } });
    redactor.addSecret('secret-api-key-value');
    const body = vi.spyOn(redactor, 'body');
    const text = vi.spyOn(redactor, 'text');
    const headerValue = vi.spyOn(redactor, 'headerValue');
    const res = await http.attempt({ method: 'POST', path: '/api/v1/api-keys', body: { description: 'quiet' } });
    expect(res.status).toBe(200);
    expect(body).not.toHaveBeenCalled();
    expect(text).not.toHaveBeenCalled();
    expect(headerValue).not.toHaveBeenCalled();
    expect(io.stderr()).toBe('');
  });
});

describe('the plain-HTTP-to-TLS probe and proxies', () => {
  /** A TCP server on loopback that counts its connections and answers each with `onData`. */
  async function tcpServer(
    onData: (socket: Socket) => void,
  ): Promise<{ server: TcpServer; port: number; count: () => number }> {
    let n = 0;
    const server = createTcpServer((socket) => {
      n++;
      socket.on('error', () => undefined);
      socket.once('data', () => onData(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, port: (server.address() as AddressInfo).port, count: () => n };
  }

  it('a reset through HTTP_PROXY: no probe goes around the proxy to the server, and no HTTPS claim', async () => {
    // The target would take any connection (and count it); the proxy resets the request it is given.
    const target = await tcpServer((s) => s.resetAndDestroy());
    const proxy = await tcpServer((s) => s.resetAndDestroy());
    try {
      const http = new HttpClient({
        server: `http://127.0.0.1:${target.port}`,
        headers: { Authorization: 'Bearer secret-api-key-value' },
        verbose: false,
        warn: () => undefined,
        redactor: new Redactor(),
        transport: new NodeTransport({
          insecure: false,
          connectTimeoutMs: 5_000,
          totalTimeoutMs: 10_000,
          maxBodyBytes: 1024,
          proxy: { http: new URL(`http://127.0.0.1:${proxy.port}`) },
        }),
        sleep: () => Promise.resolve(),
      });
      const e = await http.attempt({ method: 'GET', path: '/api/v1/users/me' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransportError);
      expect((e as TransportError).code).not.toBe('PLAIN_HTTP_TO_TLS');
      expect((e as Error).message).not.toContain('speaks HTTPS');
      expect(proxy.count()).toBe(1);
      // Give a probe, had one been started, the time to connect.
      await new Promise((r) => setTimeout(r, 200));
      expect(target.count()).toBe(0);
    } finally {
      target.server.close();
      proxy.server.close();
    }
  });
});
