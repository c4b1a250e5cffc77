// Random bytes for nonces and unique file names, without loading node:crypto where the system has /dev/urandom:
// loading node:crypto costs ~1.7 ms, a read of /dev/urandom a few microseconds, and both are the kernel's CSPRNG.
// Written here because it is three calls; node:crypto stays the fallback (Windows, a sandbox without /dev).
import { closeSync, openSync, readSync } from 'node:fs';

function fromDevice(n: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    const buf = Buffer.alloc(n);
    for (let off = 0; off < n;) {
      const got = readSync(fd, buf, off, n - off, null);
      if (got <= 0) return undefined;
      off += got;
    }
    return buf;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `n` random bytes from the operating system's CSPRNG. */
export async function randomBytes(n: number): Promise<Buffer> {
  return fromDevice(n) ?? (await import('node:crypto')).randomBytes(n);
}
