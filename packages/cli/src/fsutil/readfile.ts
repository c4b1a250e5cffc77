// Reading the small text files the CLI is given (contexts.yml, -c config files, -f request bodies): only regular
// files, at most 1 MiB, never hanging on a FIFO, with every failure as one ConfigError line `<label>: <why>`.
// (Synchronous reads: the files are small, and node:fs/promises would cost every command start-up time.)
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError, errorCode } from '../errors/errors.js';

export const MAX_FILE_BYTES = 1024 * 1024;

/** Words for a file-system error code, for messages. */
export function describeFsError(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENXIO':
      return 'not a regular file';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EIO':
      return 'input/output error';
    case undefined:
      return err instanceof Error ? (err.message.split('\n')[0] ?? 'unknown error') : String(err);
    default:
      return `${errorCode(err) ?? ''} error`.trim();
  }
}

export type TextFile = { exists: false } | { exists: true; text: string };

/**
 * Read a regular file as UTF-8 text. A missing file is `{exists: false}`; anything else that is wrong is a
 * ConfigError `<label>: <why>`. With `strictUtf8`, bytes that are not UTF-8 are an error instead of U+FFFD.
 */
export function readTextFile(path: string, label: string, opts: { strictUtf8?: boolean } = {}): Promise<TextFile> {
  return new Promise((resolve) => resolve(readTextFileSync(path, label, opts)));
}

function readTextFileSync(path: string, label: string, opts: { strictUtf8?: boolean }): TextFile {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not hang; fstat below rejects anything but a regular file.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { exists: false };
    throw new ConfigError(`${label}: ${describeFsError(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ConfigError(`${label}: is a directory`);
    if (!st.isFile()) throw new ConfigError(`${label}: not a regular file`);
    const tooLarge = new ConfigError(`${label}: larger than 1 MiB`);
    if (st.size > MAX_FILE_BYTES) throw tooLarge;
    // Read at most limit+1 bytes, whatever fstat said: the file may grow while it is read. Start with a buffer
    // of the stat size (+1 to notice growth) and continue with the full limit if it fills up.
    let buf = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES, st.size) + 1);
    let total = 0;
    for (;;) {
      const bytesRead = readSync(fd, buf, total, buf.length - total, total);
      total += bytesRead;
      if (bytesRead === 0) break;
      if (total === buf.length) {
        if (buf.length > MAX_FILE_BYTES) break;
        const bigger = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
    }
    if (total > MAX_FILE_BYTES) throw tooLarge;
    const bytes = buf.subarray(0, total);
    if (!opts.strictUtf8) return { exists: true, text: bytes.toString('utf8') };
    try {
      return { exists: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      throw new ConfigError(`${label}: not valid UTF-8 text`);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${label}: ${describeFsError(err)}`);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Closing a descriptor that was read cannot lose anything.
    }
  }
}

/** Like readTextFile, but a missing file is an error too. */
export async function readExistingTextFile(path: string, label: string): Promise<string> {
  const file = await readTextFile(path, label);
  if (!file.exists) throw new ConfigError(`${label}: no such file`);
  return file.text;
}

/** The largest binary body file read (`raw --body-file app.qvf`): the whole file is held in memory to be sent. */
const MAX_BINARY_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Read a regular file's bytes, at most `max`: a FIFO, device or socket is refused (opened non-blocking, so a FIFO
 * without a writer cannot hang the run; `/dev/zero` is not read at all), every failure one ConfigError `<label>: <why>`.
 */
export async function readRegularFile(path: string, label: string, max = MAX_BINARY_FILE_BYTES): Promise<Buffer> {
  const { open } = await import('node:fs/promises');
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new ConfigError(`${label}: ${describeFsError(err)}`);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new ConfigError(`${label}: is a directory`);
    if (!st.isFile()) throw new ConfigError(`${label}: not a regular file`);
    const tooLarge = new ConfigError(
      `${label}: larger than ${max >= 1024 ** 3 ? `${max / 1024 ** 3} GiB` : `${Math.round(max / 1024 ** 2)} MiB`}`,
    );
    if (st.size > max) throw tooLarge;
    const buf = Buffer.allocUnsafe(st.size + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total === buf.length) throw new ConfigError(`${label}: the file changed while it was read`);
    }
    return buf.subarray(0, total);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${label}: ${describeFsError(err)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
