// HTTPS through a CONNECT proxy to an IP-addressed server (issue 18 item 17): the certificate is checked against the
// target's address exactly as on a direct connection. A certificate that names only `localhost`, trusted through
// NODE_EXTRA_CA_CERTS (which needs a real process), served at 127.0.0.1: refused directly, and refused through the
// proxy too — before the fix, the check through the proxy compared it with `localhost` and the key was sent.
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeWithContext } from '../../../../test/kit/run.js';
import { localhostCertificate } from '../../../../test/kit/tls.mjs';
import { assertBuilt, qlik } from './kit.js';

let server: ReturnType<typeof createHttpsServer>;
let proxy: ReturnType<typeof createHttpServer>;
let seen = 0;
let tunnels = 0;
const sockets: Socket[] = [];
let caFile = '';
let home = '';
let serverUrl = '';
let proxyUrl = '';

beforeAll(async () => {
  assertBuilt();
  const pems = await localhostCertificate();
  server = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    seen += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"me"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Socket) => {
    tunnels += 1;
    sockets.push(client);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      sockets.push(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  serverUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  home = await homeWithContext(serverUrl, { apiKey: 'secret-key-0123456789' });
  caFile = join(home, 'ca.pem');
  await writeFile(caFile, pems.cert);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  server.closeAllConnections();
  proxy.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => proxy.close(r));
});

describe('TLS through a CONNECT proxy to an IP address', () => {
  it('a certificate for localhost is refused at 127.0.0.1 directly and through the proxy alike; nothing is sent', async () => {
    const direct = await qlik(['raw', 'get', 'v1/users/me'], { home, env: { NODE_EXTRA_CA_CERTS: caFile } });
    const viaProxy = await qlik(['raw', 'get', 'v1/users/me'], {
      home,
      env: { NODE_EXTRA_CA_CERTS: caFile, HTTPS_PROXY: proxyUrl },
    });
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/^Error: TLS error connecting to 127\.0\.0\.1:\d+: .*\n$/);
    expect(viaProxy.code).toBe(1);
    expect(tunnels).toBe(1);
    expect(viaProxy.stderr.split('\n')[0]).toBe(direct.stderr.split('\n')[0]);
    expect(seen).toBe(0);
  });
});
