// NodeTransport's body cap against a local node:http server: a declared Content-Length over the cap fails at once
// (before any byte of the body, long before the timeout); a body that grows past it without one fails when it does.
// Through a CONNECT proxy: the request really goes through the tunnel, and the tunnel ends with the exchange.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../errors/errors.js';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { NodeTransport } from './transport.js';

const CAP = 10 * 1024 * 1024;
let server: Server;
let url: string;
let answer: (res: ServerResponse) => void = (res) => res.end();

beforeAll(async () => {
  server = createServer((_req, res) => answer(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function transport(): NodeTransport {
  return new NodeTransport({
    insecure: false,
    connectTimeoutMs: 5000,
    totalTimeoutMs: 30_000,
    maxBodyBytes: CAP,
    proxy: {},
  });
}

async function get(): Promise<{ result: unknown; ms: number }> {
  const t = transport();
  const started = performance.now();
  const result = await t.request({ method: 'GET', url: new URL(url), headers: {} }).catch((e: unknown) => e);
  const ms = performance.now() - started;
  await t.close();
  return { result, ms };
}

describe('NodeTransport body cap', () => {
  it('fails at once on a Content-Length over the cap, without waiting for the body', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(CAP + 1) });
      res.flushHeaders();
      // No body follows: the client must not wait for it.
    };
    const { result, ms } = await get();
    expect(ms).toBeLessThan(5000);
    expect(result).toBeInstanceOf(TransportError);
    expect(result).toMatchObject({
      kind: 'fatal',
      code: 'TOO_LARGE',
      status: 200,
      message: `the response from ${new URL(url).host} is larger than 10 MiB (after status 200)`,
    });
  });

  it('accepts a body of exactly the cap', async () => {
    const body = Buffer.alloc(CAP, 0x61);
    answer = (res) => res.writeHead(200, { 'content-length': String(CAP) }).end(body);
    const { result } = await get();
    expect(result).toMatchObject({ status: 200 });
    expect((result as { body: Buffer }).body.length).toBe(CAP);
  });

  it('fails a chunked body once it grows past the cap', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(CAP, 0x61));
      res.write(Buffer.alloc(1, 0x61));
      // The stream stays open: the cap, not the end, must stop the read.
    };
    const { result, ms } = await get();
    expect(ms).toBeLessThan(5000);
    expect(result).toMatchObject({ kind: 'fatal', code: 'TOO_LARGE' });
  });
});

describe('NodeTransport and its signal', () => {
  it('an abort ends every request waiting on that signal (also after an earlier one ended), none of another signal', async () => {
    // The first request is answered (it registered the signal's one listener); the others are kept waiting.
    const t = transport();
    const a = new AbortController();
    const b = new AbortController();
    try {
      const ask = (signal: AbortSignal, path = '/x') =>
        t.request({ method: 'GET', url: new URL(path, url), headers: {}, signal }).catch((e: unknown) => e);
      answer = (res) => res.end('{}');
      const done = await ask(a.signal, '/done');
      expect(done).toMatchObject({ status: 200 });
      answer = () => undefined;
      const first = ask(a.signal);
      const second = ask(a.signal);
      const other = ask(b.signal);
      let otherSettled = false;
      void other.then(() => (otherSettled = true));
      a.abort(new Error('stop a'));
      expect([await first, await second].map((e) => (e as Error).message)).toEqual(['stop a', 'stop a']);
      expect(otherSettled).toBe(false);
      b.abort(new Error('stop b'));
      expect(((await other) as Error).message).toBe('stop b');
    } finally {
      await t.close();
      server.closeAllConnections();
    }
  });
});

describe('NodeTransport through a CONNECT proxy', () => {
  const emu = useEmulator({ args: ['--tls'], reset: false });
  it('sends the request through the tunnel, and closes the tunnel when the exchange ends', async () => {
    // The target's name resolves nowhere: only the proxy (which maps every host to 127.0.0.1) can reach it. Like many
    // real proxies, this one keeps an idle tunnel open until its own timeout.
    const port = new URL(emu.url).port;
    const tunnels: { target: string; bytesToServer: number; closedAt?: number; client: Socket }[] = [];
    const proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      const tunnel: (typeof tunnels)[number] = { target: req.url ?? '', bytesToServer: 0, client };
      tunnels.push(tunnel);
      const upstream = connect(Number(port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        // Read the client to its end whatever the server does (a pipe would stop reading once the server has closed).
        client.on('data', (c: Buffer) => {
          tunnel.bytesToServer += c.length;
          if (upstream.writable) upstream.write(c);
        });
      });
      client.on('close', () => (tunnel.closedAt = performance.now()));
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const t = new NodeTransport({
      insecure: true,
      connectTimeoutMs: 5000,
      totalTimeoutMs: 30_000,
      maxBodyBytes: CAP,
      proxy: { https: new URL(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`) },
    });
    try {
      const res = await t.request({
        method: 'GET',
        url: new URL(`https://only-via-proxy.invalid:${port}/api/v1/users/me`),
        headers: { authorization: `Bearer ${emu.admin.apiKey}` },
      });
      const ended = performance.now();
      expect(res.status).toBe(301);
      expect(tunnels.map((x) => x.target)).toEqual([`only-via-proxy.invalid:${port}`]);
      expect(tunnels[0]?.bytesToServer).toBeGreaterThan(0);
      await expect.poll(() => tunnels[0]?.closedAt, { timeout: 2000 }).toBeDefined();
      expect((tunnels[0]?.closedAt ?? Infinity) - ended).toBeLessThan(2000);
    } finally {
      await t.close();
      for (const x of tunnels) x.client.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
});
