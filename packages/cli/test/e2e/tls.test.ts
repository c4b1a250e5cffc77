// HTTPS: the emulator's self-signed certificate is refused by default (never retried), accepted with --insecure
// (with a warning) or when its CA is trusted through NODE_EXTRA_CA_CERTS.
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { apiRequests, assertBuilt, emulatorHome, json, qlik } from './kit.js';

const emu = useEmulator({ args: ['--tls'] });
let home: string;
let hostPort: string;

beforeAll(async () => {
  assertBuilt();
  expect(emu.url).toMatch(/^https:\/\//);
  expect(emu.caCert).toBeTruthy();
  hostPort = new URL(emu.url).host;
  home = await emulatorHome(emu, 'admin');
});

describe('HTTPS with a self-signed certificate', () => {
  it('fails without --insecure, naming the certificate problem, with exactly one attempt despite --retry', async () => {
    const r = await qlik(['api-key', 'create', '--description', 'tls', '--retry', '3', '-v'], { home });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    expect(errorLines).toEqual([
      `Error: TLS error connecting to ${hostPort}: the server uses a self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); use --insecure to accept it, or trust its CA with NODE_EXTRA_CA_CERTS`,
    ]);
    // The trace shows one POST and no retry.
    expect(r.stderr.split('\n').filter((l) => l.startsWith('POST '))).toHaveLength(1);
    expect(r.stderr).not.toContain('retrying');
    expect(await apiRequests(emu)).toEqual([]);
    expect(await emu.ledger()).toEqual([]);
  });

  it('works with --insecure and warns on stderr', async () => {
    const r = await qlik(['--insecure', 'api-key', 'create', '--description', 'insecure'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Warning: --insecure is set: the server certificate is not verified\n');
    expect(json(r.stdout)).toMatchObject({ description: 'insecure' });
  });

  it('works without --insecure when NODE_EXTRA_CA_CERTS trusts the certificate', async () => {
    const r = await qlik(['api-key', 'create', '--description', 'trusted'], {
      home,
      env: { NODE_EXTRA_CA_CERTS: emu.caCert! },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({ description: 'trusted' });
    expect((await emu.ledger()).map((e) => e.description)).toEqual(['trusted']);
  });

  it('adds https:// to a --server given without a scheme', async () => {
    const r = await qlik(['--server', hostPort, '--insecure', 'user', 'me', '-q'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${emu.admin.id}\n`);
    const plain = await qlik(['--server', hostPort, 'user', 'me', '-q'], { home });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('self-signed certificate');
  });
});
