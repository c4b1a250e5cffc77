// What clients that have not authenticated can make the emulator hold (issue 18: 21): /api/ bodies are read only after
// authentication succeeded, so 200 stalled 1 MiB bodies without a valid token cost the process next to nothing.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
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

describe.skipIf(!linux)('stalled unauthenticated bodies (Linux: RSS from /proc)', () => {
  // Measured here (2 cores, loaded): 165 MiB before bodies waited for authentication, 35 MiB after (about 170 KiB
  // per connection, read before the refusal takes effect). The goal is 20 MiB: not reached yet; this bound
  // fails for the old behaviour and keeps the gain.
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
