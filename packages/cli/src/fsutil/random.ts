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

/** Bytes read ahead from the device: a rotate asks for a dozen small pieces (nonces, file names), one read serves them. */
const POOL_BYTES = 256;
let pool: Buffer | undefined;
let used = 0;

function fromPool(n: number): Buffer | undefined {
  if (n > POOL_BYTES / 4) return fromDevice(n);
  if (pool === undefined || used + n > pool.length) {
    pool = fromDevice(POOL_BYTES);
    used = 0;
    if (pool === undefined) return undefined;
  }
  // A copy, and the pool never hands out the same bytes twice.
  const out = Buffer.from(pool.subarray(used, used + n));
  used += n;
  return out;
}

/** `n` random bytes from the operating system's CSPRNG. */
export async function randomBytes(n: number): Promise<Buffer> {
  return fromPool(n) ?? (await import('node:crypto')).randomBytes(n);
}
