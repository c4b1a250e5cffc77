// The control client (client.ts) against a server that behaves like a keep-alive server whose idle timeout ends a
// connection just as the next request is sent: the client sends that request again on a new connection, once.
import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorHandle } from '../src/handle.js';

const BODY = '{"entries":[]}';
const RESPONSE = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}\r\nconnection: keep-alive\r\n\r\n${BODY}`;

describe('control client', () => {
  const sockets: Socket[] = [];
  let requestsPerSocket: number[] = [];
  /** Each connection answers its first request, and is reset when a second request arrives on it. */
  const server = createServer((socket) => {
    sockets.push(socket);
    const index = requestsPerSocket.push(0) - 1;
    socket.on('data', () => {
      requestsPerSocket[index] = (requestsPerSocket[index] ?? 0) + 1;
      if (requestsPerSocket[index] === 1) socket.write(RESPONSE);
      else socket.resetAndDestroy();
    });
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('sends a request again on a new connection when the reused one is reset before any answer', async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const emu = emulatorHandle({ url: `http://127.0.0.1:${port}`, tenantId: 't', users: [], oauthClients: [] }, () =>
      Promise.resolve(),
    );
    requestsPerSocket = [];
    expect(await emu.ledger()).toEqual([]);
    // The second call goes out on the kept-alive socket, which the server resets: it must still succeed.
    expect(await emu.ledger()).toEqual([]);
    expect(requestsPerSocket).toEqual([2, 1]);
    await emu.stop();
  });
});
