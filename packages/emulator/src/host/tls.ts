// --tls: a self-signed certificate made at start-up (SAN localhost, 127.0.0.1, ::1 and the --host),
// written to a PEM file that clients can trust with NODE_EXTRA_CA_CERTS.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileNoFollow } from './files.js';

interface Certificate {
  key: string;
  cert: string;
}

export async function makeCertificate(host: string): Promise<Certificate> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  const unspecified = host === '0.0.0.0' || host === '::';
  if (!unspecified && !['localhost', '127.0.0.1', '::1'].includes(host)) {
    altNames.push(isIP(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  // Loaded on demand: it is only needed with --tls and is slow to import.
  const { generate } = await import('selfsigned');
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'qlik-emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Writes the certificate next to the data file (`<data>.cert.pem`), or to a fresh file in the OS
 * temp folder. Never through a symlink planted at that path (see writeFileNoFollow). Returns its path and a
 * function that removes a temporary file.
 */
export function writeCertificate(cert: string, dataPath: string | undefined): { path: string; cleanup: () => void } {
  const path =
    dataPath === undefined
      ? join(tmpdir(), `qlik-emulator-${process.pid}-${randomBytes(4).toString('hex')}.pem`)
      : `${dataPath}.cert.pem`;
  writeFileNoFollow(path, cert, 0o644);
  const cleanup = (): void => {
    if (dataPath === undefined) rmSync(path, { force: true });
  };
  return { path, cleanup };
}
