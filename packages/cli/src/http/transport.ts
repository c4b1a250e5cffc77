// The transport: one HTTP exchange on the wire, over node:http/node:https (the parser is native, so no WebAssembly
// compile holds the process open at exit), directly or through an HTTP(S) proxy. Every failure becomes a
// TransportError that says whether the request can have reached the server (see failures.ts).
//
// Proxies are spoken here rather than through a proxy-agent library: an https target is reached through a CONNECT
// tunnel, and when the proxy refuses the tunnel (407, 403, 502…) the CLI must know that the request was never sent,
// which the common agent libraries hide by replaying the proxy's answer as if the server had given it.
import http, { type IncomingMessage } from 'node:http';
import type https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { TransportError } from '../errors/errors.js';
import { classifyFailure, proxyRefused, type Phase } from './failures.js';
import { proxyFor, type ProxySettings } from './proxy.js';

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Aborts the exchange (the run was interrupted); its reason is thrown. */
  signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
  /** Whether a request to this URL goes through a proxy (HTTP(S)_PROXY, not exempted by NO_PROXY). */
  proxied?(url: URL): boolean;
}

export interface NodeTransportOptions {
  insecure: boolean;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBodyBytes: number;
  proxy: ProxySettings;
}

function flattenHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'Proxy-Authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

function defaultPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** node:https and node:tls, loaded the first time a request needs TLS (plain http never pays for them). */
interface TlsModules {
  https: typeof import('node:https');
  tls: typeof import('node:tls');
}

/** The requests waiting on each signal (a command's, or a cleanup's with its own deadline). */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Call `fn` when `signal` aborts; returns what stops that. One 'abort' listener per signal serves all its requests:
 * adding and removing an EventTarget listener for each request cost more than a cold request's own work.
 */
function whenAborted(signal: AbortSignal, fn: () => void): () => void {
  let fns = waiting.get(signal);
  if (fns === undefined) {
    const all = new Set<() => void>();
    fns = all;
    waiting.set(signal, all);
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...all]) f();
      },
      { once: true },
    );
  }
  const mine = fns;
  mine.add(fn);
  return () => {
    mine.delete(fn);
  };
}

export class NodeTransport implements Transport {
  private readonly o: NodeTransportOptions;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private secure: { mods: TlsModules; agent: https.Agent } | undefined;

  constructor(o: NodeTransportOptions) {
    this.o = o;
  }

  close(): Promise<void> {
    this.httpAgent.destroy();
    this.secure?.agent.destroy();
    return Promise.resolve();
  }

  private async tlsModules(): Promise<{ mods: TlsModules; agent: https.Agent }> {
    if (this.secure === undefined) {
      const [h, t] = await Promise.all([import('node:https'), import('node:tls')]);
      const mods = { https: h.default, tls: t.default };
      this.secure = {
        mods,
        agent: new mods.https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: !this.o.insecure }),
      };
    }
    return this.secure;
  }

  proxied(url: URL): boolean {
    return proxyFor(url, this.o.proxy) !== undefined;
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const proxy = proxyFor(req.url, this.o.proxy);
    const needsTls = req.url.protocol === 'https:' || proxy?.protocol === 'https:';
    const secureParts = needsTls ? await this.tlsModules() : undefined;
    return new Promise<TransportResponse>((resolve, reject) => {
      let phase: Phase = 'connect';
      let status: number | undefined;
      let settled = false;
      let current: http.ClientRequest | undefined;
      const timers: NodeJS.Timeout[] = [];
      // Sockets of this exchange alone (a proxy tunnel, a request sent without an agent): nothing can reuse them, so
      // they end with it; left open, a proxy that keeps idle tunnels would hold the process until its idle timeout.
      const single: Socket[] = [];
      const finish = (err: unknown, res?: TransportResponse): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        for (const s of single) s.destroy();
        unwatch();
        if (err !== undefined) {
          current?.destroy();
          const e = err instanceof Error ? err : new Error('request failed');
          reject(
            e instanceof TransportError || req.signal?.aborted
              ? e
              : classifyFailure(e, { url: req.url, proxy, phase, status, timeoutMs: this.o.totalTimeoutMs }),
          );
        } else if (res) {
          resolve(res);
        }
      };
      const onAbort = (): void => finish(req.signal?.reason ?? new Error('aborted'));
      let unwatch = (): void => undefined;
      if (req.signal?.aborted) {
        onAbort();
        return;
      }
      if (req.signal) unwatch = whenAborted(req.signal, onAbort);
      timers.push(
        setTimeout(() => finish(Object.assign(new Error('timeout'), { code: 'QLIK_TIMEOUT' })), this.o.totalTimeoutMs),
      );

      const onResponse = (res: IncomingMessage): void => {
        phase = 'body';
        status = res.statusCode ?? 0;
        const headers = flattenHeaders(res.headers);
        const declared = Number(headers['content-length'] ?? '0');
        if (declared > this.o.maxBodyBytes) {
          finish(Object.assign(new Error('too large'), { code: 'QLIK_TOO_LARGE' }));
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (c: Buffer) => {
          total += c.length;
          if (total > this.o.maxBodyBytes) {
            finish(Object.assign(new Error('too large'), { code: 'QLIK_TOO_LARGE' }));
            res.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => finish(e));
        res.on('aborted', () => finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          if (!res.complete) finish(Object.assign(new Error('incomplete'), { code: 'ECONNRESET' }));
          else finish(undefined, { status: status ?? 0, headers, body: Buffer.concat(chunks) });
        });
      };

      const send = (options: https.RequestOptions, secure: boolean): void => {
        const r = secure && secureParts ? secureParts.mods.https.request(options) : http.request(options);
        current = r;
        r.on('socket', (socket: Socket) => {
          if (options.agent === false) single.push(socket);
          const connected = (): void => {
            if (phase === 'connect') phase = 'send';
          };
          // A reused keep-alive socket is already connected.
          if (!socket.connecting && !(socket as { pending?: boolean }).pending) connected();
          else {
            const t = setTimeout(
              () => finish(Object.assign(new Error('connect timeout'), { code: 'QLIK_CONNECT_TIMEOUT' })),
              this.o.connectTimeoutMs,
            );
            timers.push(t);
            socket.once(secure ? 'secureConnect' : 'connect', () => {
              clearTimeout(t);
              connected();
            });
          }
        });
        r.on('finish', () => {
          if (phase === 'send' || phase === 'connect') phase = 'sent';
        });
        r.on('response', onResponse);
        r.on('error', (e) => finish(e));
        r.end(req.body);
      };

      const target = { host: req.url.hostname.replace(/^\[|\]$/g, ''), port: defaultPort(req.url) };
      const base: https.RequestOptions = { method: req.method, headers: req.headers };
      if (!proxy) {
        const secure = req.url.protocol === 'https:';
        send(
          {
            ...base,
            ...target,
            path: req.url.pathname + req.url.search,
            agent: secure ? secureParts?.agent : this.httpAgent,
            // SNI carries host names only (RFC 6066), never an IP address.
            ...(secure
              ? { ...(isIP(target.host) ? {} : { servername: target.host }), rejectUnauthorized: !this.o.insecure }
              : {}),
          },
          secure,
        );
        return;
      }
      const viaTls = proxy.protocol === 'https:';
      const proxyTarget = { host: proxy.hostname.replace(/^\[|\]$/g, ''), port: defaultPort(proxy) };
      if (req.url.protocol === 'http:') {
        // Plain http through a proxy: the request line carries the absolute URL.
        send(
          {
            ...base,
            ...proxyTarget,
            path: req.url.href,
            headers: { ...req.headers, ...proxyAuthorization(proxy) },
            agent: false,
          },
          viaTls,
        );
        return;
      }
      const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
      const connect = (viaTls && secureParts ? secureParts.mods.https : http).request({
        ...proxyTarget,
        method: 'CONNECT',
        path: authority,
        headers: { Host: authority, ...proxyAuthorization(proxy) },
        agent: false,
      });
      current = connect;
      const t = setTimeout(
        () => finish(Object.assign(new Error('connect timeout'), { code: 'QLIK_CONNECT_TIMEOUT' })),
        this.o.connectTimeoutMs,
      );
      timers.push(t);
      connect.on('error', (e) => finish(e));
      connect.on('response', (res) => {
        // A proxy that answers the CONNECT with a normal response refused the tunnel.
        res.resume();
        finish(proxyRefused(res.statusCode ?? 0, req.url, proxy));
      });
      connect.on('connect', (res: IncomingMessage, socket: Socket) => {
        clearTimeout(t);
        single.push(socket);
        if (res.statusCode !== 200) {
          socket.destroy();
          finish(proxyRefused(res.statusCode ?? 0, req.url, proxy));
          return;
        }
        if (!secureParts) return finish(new Error('TLS modules were not loaded'));
        // `host` is what the certificate is checked against (without it, Node checks against `localhost`); SNI
        // (`servername`) carries host names only.
        const secured = secureParts.mods.tls.connect({
          socket,
          host: target.host,
          ...(isIP(target.host) ? {} : { servername: target.host }),
          rejectUnauthorized: !this.o.insecure,
        });
        single.push(secured);
        // No `agent` here: with one (even `agent: false`), Node ignores `createConnection` and connects to the target
        // directly, around the proxy.
        send({ ...base, ...target, path: req.url.pathname + req.url.search, createConnection: () => secured }, true);
      });
      connect.end();
    });
  }
}
