// Small loopback-only network helpers for the reliability matrix (node:http and node:net only):
//   startProxy  an authenticating HTTP proxy (CONNECT and absolute-form) that counts tunnels and never records credentials
//   startSink   an HTTP server that records what reaches it (the target of a cross-origin redirect)
//   startRelay  a TCP relay that counts connections (TLS attempts that never become HTTP requests)
//   startRewriter  an HTTP relay in front of an emulator that may rewrite each answer (a buggy gateway, a skewed clock)
// Everything listens on 127.0.0.1, forwards only to loopback, and is bounded (connections, idle time).
import http from 'node:http';
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** A host name only the proxy knows (it means 127.0.0.1 there). */
export const PROXY_ONLY_HOST = 'only-via-proxy.invalid';
const MAX_CONNECTIONS = 64;
const IDLE_MS = 30_000;

/**
 * @param {import('node:net').Server} server
 * @returns {Promise<number>}
 */
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
    });
  });
}

/**
 * @param {import('node:net').Server} server
 * @param {Set<import('node:stream').Duplex>} sockets
 * @returns {Promise<void>}
 */
function closeServer(server, sockets) {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * @param {Set<import('node:stream').Duplex>} sockets
 * @param {import('node:net').Socket} socket
 */
function track(sockets, socket) {
  sockets.add(socket);
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.once('close', () => sockets.delete(socket));
}

/** @param {string | undefined} target */
function splitHostPort(target) {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(target ?? '');
  if (!m) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port } : undefined;
}

/**
 * @param {import('node:stream').Duplex} socket
 * @param {number} status
 * @param {string} text
 */
function refuse(socket, status, text, extra = '') {
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}content-length: 0\r\nconnection: close\r\n\r\n`);
}

/**
 * An HTTP proxy on 127.0.0.1 that requires `Proxy-Authorization: Basic user:pass`: CONNECT tunnels (for https
 * targets) and absolute-form requests (`GET http://host/path`, for http targets), both to loopback only, where the
 * host `only-via-proxy.invalid` also means 127.0.0.1 (a name that resolves nowhere else, so a request that reaches its
 * target went through this proxy). `stats.tunnels` counts established tunnels, `stats.forwarded` forwarded requests,
 * `stats.rejected` 407s; `stats.log` holds one line per request without any credential.
 */
/** @param {{ user: string, password: string }} credentials */
export async function startProxy({ user, password }) {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const stats = { tunnels: 0, forwarded: 0, rejected: 0, log: /** @type {string[]} */ ([]) };
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set();
  const loopback = (/** @type {string} */ host) =>
    host === PROXY_ONLY_HOST ? '127.0.0.1' : LOOPBACK.has(host) ? host : undefined;
  const server = http.createServer((req, res) => {
    let target;
    try {
      target = new URL(req.url ?? '');
    } catch {
      target = undefined;
    }
    if (req.headers['proxy-authorization'] !== expected) {
      stats.rejected += 1;
      stats.log.push(`${req.method} (forward) 407`);
      req.resume();
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="reliability"', connection: 'close' }).end();
      return;
    }
    const host = target && target.protocol === 'http:' ? loopback(target.hostname.replace(/^\[|\]$/g, '')) : undefined;
    if (!host || !target) {
      stats.log.push(`${req.method} (forward) 403`);
      req.resume();
      res.writeHead(403, { connection: 'close' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      {
        host,
        port: Number(target.port || 80),
        method: req.method,
        path: target.pathname + target.search,
        headers,
        agent: false,
      },
      (up) => {
        stats.forwarded += 1;
        stats.log.push(`${req.method} (forward) ${up.statusCode}`);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.once('error', () => (res.headersSent ? res.destroy() : res.writeHead(502, { connection: 'close' }).end()));
    req.pipe(upstream);
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket) => track(sockets, socket));
  server.on('connect', (req, client, head) => {
    const target = splitHostPort(req.url);
    if (req.headers['proxy-authorization'] !== expected) {
      stats.rejected += 1;
      stats.log.push(`CONNECT ${req.url} 407`);
      refuse(client, 407, 'Proxy Authentication Required', 'proxy-authenticate: Basic realm="reliability"\r\n');
      return;
    }
    const host = target ? loopback(target.host) : undefined;
    if (!host || !target) {
      stats.log.push(`CONNECT ${req.url} 403`);
      refuse(client, 403, 'Forbidden');
      return;
    }
    const upstream = net.connect(target.port, host);
    track(sockets, upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      stats.tunnels += 1;
      stats.log.push(`CONNECT ${req.url} 200`);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.once('error', () => (connected || !client.writable ? drop() : refuse(client, 502, 'Bad Gateway')));
    client.once('error', drop);
    client.once('close', () => upstream.end());
  });
  const port = await listen(server);
  return { port, stats, close: () => closeServer(server, sockets) };
}

/** An HTTP server that records every request (method, url, headers) and answers 200 {}, or as `respond(req, res)` does. */
/**
 * @param {{ respond?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void }} [opts]
 */
export async function startSink({ respond } = {}) {
  /** @type {{ method: string | undefined, url: string | undefined, headers: import('node:http').IncomingHttpHeaders }[]} */
  const requests = [];
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    if (requests.length < 1000) requests.push({ method: req.method, url: req.url, headers: { ...req.headers } });
    req.resume();
    if (respond) respond(req, res);
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket) => track(sockets, socket));
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server, sockets) };
}

/** A TCP relay to 127.0.0.1:targetPort that counts the connections it accepts. */
/** @param {number} targetPort */
export async function startRelay(targetPort) {
  const stats = { connections: 0 };
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set();
  const server = net.createServer((client) => {
    stats.connections += 1;
    track(sockets, client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(sockets, upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', drop);
    upstream.once('error', drop);
    client.once('close', () => upstream.end());
    upstream.once('close', () => client.end());
  });
  server.maxConnections = MAX_CONNECTIONS;
  const port = await listen(server);
  return { port, stats, close: () => closeServer(server, sockets) };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort() {
  const server = net.createServer();
  const port = await listen(server);
  await /** @type {Promise<void>} */ (new Promise((resolve) => server.close(() => resolve())));
  return port;
}

/**
 * An HTTP relay on 127.0.0.1 in front of http://127.0.0.1:targetPort (an emulator) that hands every answer to
 * `rewrite({ method, path, status, headers, body, n })` before passing it on (`n` counts requests of the same method and
 * path from 1; `body` is a Buffer); what it returns (or the answer unchanged) is sent back. It plays the gateway,
 * caching proxy or skewed front end between the CLI and the API.
 */
/**
 * @typedef {{ method: string | undefined, path: string, status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer, n: number }} Answer
 * @param {number} targetPort
 * @param {(answer: Answer) => Answer | undefined | void} rewrite
 */
export async function startRewriter(targetPort, rewrite) {
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set();
  /** @type {Map<string, number>} */
  const seen = new Map();
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      // The Host header stays the relay's: the emulator's absolute links (Location, links.next) then name the relay.
      const headers = { ...req.headers };
      const up = http.request(
        { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers, agent: false },
        (ans) => {
          /** @type {Buffer[]} */
          const body = [];
          ans.on('data', (c) => body.push(c));
          ans.on('end', () => {
            const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
            const n = (seen.get(key) ?? 0) + 1;
            seen.set(key, n);
            const original = {
              method: req.method,
              path: req.url ?? '',
              status: ans.statusCode ?? 502,
              headers: { ...ans.headers },
              body: Buffer.concat(body),
              n,
            };
            const out = rewrite(original) ?? original;
            const outHeaders = { ...out.headers };
            delete outHeaders['content-length'];
            delete outHeaders['transfer-encoding'];
            res.writeHead(out.status, { ...outHeaders, 'content-length': String(out.body.length) });
            res.end(out.body);
          });
        },
      );
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket) => track(sockets, socket));
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, close: () => closeServer(server, sockets) };
}
