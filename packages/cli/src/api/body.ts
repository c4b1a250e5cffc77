// Request bodies from -f FILE (or -f - for stdin): one JSON value, at most 1 MiB, checked before any network call.
import { readExistingTextFile } from '../config/readfile.js';
import { ConfigError } from '../cmdutil/errors.js';
import { readAllCapped, type IOStreams } from '../iostreams/iostreams.js';

const MAX_BODY = 1024 * 1024;

export async function readBodyFile(file: string, io: IOStreams): Promise<{ value: unknown; name: string }> {
  const name = file === '-' ? 'stdin' : file;
  let text: string;
  if (file === '-') {
    if (io.isStdinTTY) throw new ConfigError('-f -: stdin is a terminal; pipe the request body in');
    try {
      text = await readAllCapped(io.in, MAX_BODY, '-f -: the request body on stdin');
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  } else {
    text = await readExistingTextFile(file, `--file ${file}`);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    throw new ConfigError(`--file ${name}: starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM`);
  }
  if (text.trim() === '') throw new ConfigError(`--file ${name}: is empty; expected JSON`);
  try {
    return { value: JSON.parse(text) as unknown, name };
  } catch (e) {
    throw new ConfigError(`--file ${name}: invalid JSON: ${(e as Error).message}`);
  }
}

export async function readObjectFile(file: string, io: IOStreams): Promise<{ value: Record<string, unknown>; name: string }> {
  const { value, name } = await readBodyFile(file, io);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new ConfigError(`--file ${name}: expected one JSON object, got ${got}`);
  }
  return { value: value as Record<string, unknown>, name };
}
