// What clients that have not authenticated can make the emulator hold (issue 18: 21): /api/ bodies are read only after
// authentication succeeded, so 200 stalled 1 MiB bodies without a valid token cost the process next to nothing.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../test/kit/emulator.js';
import { BIN, sleep } from './util.js';

const linux = process.platform === 'linux';
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, ''));
}

/** The bytes the kernel took from the client, once that has not grown for `quietMs` (or after `capMs`). */
async function settledBytesSent(socket: net.Socket, quietMs: number, capMs: number): Promise<number> {
  const sent = (): number => socket.bytesWritten - socket.writableLength;
  const end = performance.now() + capMs;
  let last = -1;
  while (performance.now() < end) {
    const now = sent();
    if (now === last) return now;
    last = now;
    await sleep(quietMs);
  }
  return sent();
}

describe('unauthenticated bodies are not read', () => {
  it('answers 401 before the client has sent its body, and does not read the rest', { timeout: 60_000 }, async () => {
    const emu = await startEmulator();
    const socket = net.connect(Number(new URL(emu.url).port), '127.0.0.1');
    try {
      socket.on('error', () => undefined);
      // 64 MiB: far more than the kernel's socket buffers hold, so what leaves the client is what the server read.
      const total = 64 * 1024 * 1024;
      const answered = new Promise<string>((resolve) => {
        let head = '';
        socket.on('data', (d: Buffer) => {
          head += d.toString('latin1');
          if (head.includes('\r\n')) resolve(head.slice(0, head.indexOf('\r\n')));
        });
        socket.on('close', () => resolve(`closed: ${head}`));
      });
      socket.write(
        `POST /api/v1/api-keys HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer not-a-key\r\n` +
          `content-type: application/json\r\ncontent-length: ${total}\r\n\r\n`,
      );
      socket.write(Buffer.alloc(total, 0x20));
      expect(await answered).toBe('HTTP/1.1 401 Unauthorized');
      // A server that read (or read and dropped) the body lets all 64 MiB through; one that does not stops the client
      // once the socket buffers are full (a few MiB on loopback).
      const sent = await settledBytesSent(socket, 300, 20_000);
      expect(sent, `${(sent / 1024 / 1024).toFixed(1)} MiB left the client`).toBeLessThan(total / 4);
      // The connection is still there (held, not dropped), and nothing was logged as a created key.
      expect(socket.destroyed).toBe(false);
      expect(await emu.ledger()).toEqual([]);
    } finally {
      socket.destroy();
      await emu.stop();
    }
  });

  it('reads the whole body of an authenticated request (more than one read of the socket)', async () => {
    const emu = await startEmulator();
    try {
      const res = await emu.call('POST', '/api/v1/api-keys', {
        token: emu.dev.apiKey,
        // JSON with 600 kB of white space: valid, and far more than one read of the socket.
        body: `{"description": "big body"${' '.repeat(600_000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ description: 'big body' });
    } finally {
      await emu.stop();
    }
  });
});

describe.skipIf(!linux)('stalled unauthenticated bodies (Linux: RSS from /proc)', () => {
  // Measured here (2 cores, loaded): 165 MiB before bodies waited for authentication, 35 MiB once they did (the
  // refused bodies were still read and dropped after the answer), 15 MiB since the rest is left unread (what the first
  // read brought, about 64 KiB a connection). The bound leaves room for a loaded machine; the goal is 20 MiB
  // (scripts/reliability's adversarial case i18-21 measures it).
  it('200 stalled 1 MiB bodies with a wrong token raise RSS by less than 50 MiB', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [BIN, '--quiet'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    const info = JSON.parse(
      await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
    ) as { url: string };
    const { port } = new URL(info.url);
    // Warm up (JIT, first connection) before the baseline.
    for (let i = 0; i < 20; i += 1) await (await fetch(`${info.url}/api/v1/users/me`)).arrayBuffer();
    await sleep(300);
    const before = rssKiB(child.pid!);

    const MiB = 1024 * 1024;
    const chunk = Buffer.alloc(MiB - 1, 0x61);
    const sockets: net.Socket[] = [];
    const answered: Promise<string>[] = [];
    const written: Promise<void>[] = [];
    for (let i = 0; i < 200; i += 1) {
      const socket = net.connect(Number(port), '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => undefined);
      answered.push(
        new Promise((resolve) => {
          let head = '';
          socket.on('data', (d: Buffer) => {
            head += d.toString('latin1');
            if (head.includes('\r\n')) resolve(head.slice(0, head.indexOf('\r\n')));
          });
          socket.on('close', () => resolve(head.slice(0, head.indexOf('\r\n'))));
        }),
      );
      socket.write(
        `POST /api/v1/api-keys HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer not-a-key\r\n` +
          `content-type: application/json\r\ncontent-length: ${MiB}\r\n\r\n`,
      );
      // All but the last byte: the request never completes.
      written.push(new Promise((resolve) => socket.write(chunk, () => resolve())));
    }
    const statuses = await Promise.all(answered);
    expect(new Set(statuses)).toEqual(new Set(['HTTP/1.1 401 Unauthorized']));
    await Promise.race([Promise.all(written), sleep(15_000)]);
    await sleep(500);
    const grown = (rssKiB(child.pid!) - before) / 1024;
    for (const socket of sockets) socket.destroy();
    expect(grown, `RSS grew by ${grown.toFixed(1)} MiB`).toBeLessThan(50);
  });
});
