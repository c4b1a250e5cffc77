// Request bodies, all checked before any network call: -f FILE (or -f - for stdin; one JSON value, at most 1 MiB),
// JSON objects merged from -f and flags (flags win field by field), and JSON Patch arrays from repeated
// --op/--path/--value, the deprecated --body, or -f.
import { ConfigError, FlagError } from '../errors/errors.js';
import { readExistingTextFile } from '../fsutil/readfile.js';
import { readAllCapped, type IOStreams } from '../iostreams/iostreams.js';
import { parseJsonText } from '../text/json.js';
import type { ObjectBody, PatchBody } from './operation.js';
import type { Values } from './values.js';

const MAX_BODY = 1024 * 1024;

/** The text of a body file, or of stdin for `-`; `flag` names the flag in messages (`--file`, `--body-file`). */
export async function readBodyText(file: string, io: IOStreams, flag = '--file'): Promise<{ text: string; name: string }> {
  const name = file === '-' ? 'stdin' : file;
  let text: string;
  if (file === '-') {
    if (io.isStdinTTY) throw new ConfigError(`${flag} -: stdin is a terminal; pipe the request body in`);
    try {
      text = await readAllCapped(io.in, MAX_BODY, `${flag} -: the request body on stdin`);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  } else {
    text = await readExistingTextFile(file, `${flag} ${file}`);
  }
  return { text, name };
}

export async function readBodyFile(file: string, io: IOStreams, flag = '--file'): Promise<{ value: unknown; name: string }> {
  const { text, name } = await readBodyText(file, io, flag);
  if (text.charCodeAt(0) === 0xfeff) {
    throw new ConfigError(`${flag} ${name}: starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM`);
  }
  if (text.trim() === '') throw new ConfigError(`${flag} ${name}: is empty; expected JSON`);
  return { value: await parseJsonText(text, `${flag} ${name}`), name };
}

export async function readObjectFile(file: string, io: IOStreams): Promise<{ value: Record<string, unknown>; name: string }> {
  const { value, name } = await readBodyFile(file, io);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new ConfigError(`--file ${name}: expected one JSON object, got ${got}`);
  }
  return { value: value as Record<string, unknown>, name };
}

export async function buildObjectBody(spec: ObjectBody, values: Values, file: string | undefined, io: IOStreams): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  if (file !== undefined) {
    const { value, name } = await readObjectFile(file, io);
    for (const [k, v] of Object.entries(value)) {
      body[k] = v;
      from[k] = `--file ${name}`;
    }
  }
  for (const field of spec.fields) {
    const v = values.raw(field.flag.name);
    if (v === undefined) continue;
    const key = field.field ?? field.flag.name;
    body[key] = v;
    from[key] = values.source(field.flag.name);
  }
  const missing = (spec.required ?? []).filter((k) => body[k] === undefined || body[k] === null);
  if (missing.length > 0) throw new FlagError(`required flag(s) ${missing.map((m) => `"${m}"`).join(', ')} not set`);
  await spec.validate?.(body, (field) => from[field] ?? `--${field}`);
  return body;
}

function parseJsonOrString(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export async function buildPatchBody(spec: PatchBody, values: Values, file: string | undefined, io: IOStreams): Promise<unknown[]> {
  const list = (name: string): string[] => (values.raw(name) as string[] | undefined) ?? [];
  const ops = list('op');
  const paths = list('path');
  const vals = list('value');
  const given = [file !== undefined, values.raw('body') !== undefined, ops.length + paths.length + vals.length > 0].filter(Boolean).length;
  if (given > 1) throw new FlagError('use only one of --file, --body, or --op/--path/--value');
  let patch: unknown;
  let where: string;
  if (file !== undefined) {
    const r = await readBodyFile(file, io);
    patch = r.value;
    where = `--file ${r.name}`;
  } else if (values.raw('body') !== undefined) {
    where = '--body';
    patch = await parseJsonText(String(values.raw('body')), '--body');
  } else {
    where = '--op/--path/--value';
    // Cobra's wording for the flags missing (--op defaults to "replace" once a --path is given).
    const missing = paths.length > 0 ? [] : [...(ops.length === 0 ? ['op'] : []), 'path', ...(vals.length === 0 ? ['value'] : [])];
    if (missing.length > 0) {
      throw new FlagError(`required flag(s) ${missing.map((m) => `"${m}"`).join(', ')} not set`, { hint: 'or give the whole JSON Patch with --file or --body' });
    }
    if (vals.length !== paths.length) {
      throw new FlagError(`--path was given ${paths.length} time(s) but --value ${vals.length} time(s); give one --value per --path`);
    }
    if (ops.length > paths.length) throw new FlagError(`--op was given more times (${ops.length}) than --path (${paths.length})`);
    patch = paths.map((path, i) => ({
      op: ops[i] ?? 'replace',
      path,
      value: spec.value === 'json' ? parseJsonOrString(vals[i] ?? '') : vals[i],
    }));
  }
  if (!Array.isArray(patch)) throw new FlagError(`${where}: a JSON Patch must be an array of operations`);
  (patch as unknown[]).forEach((p: unknown, i) => {
    if (!p || typeof p !== 'object' || Array.isArray(p)) throw new FlagError(`${where}: operation ${i} is not an object`);
    const { op, path } = p as { op?: unknown; path?: unknown };
    if (typeof op !== 'string' || !spec.ops.includes(op)) throw new FlagError(`${where}: operation ${i}: op must be one of ${spec.ops.join(', ')}`);
    if (typeof path !== 'string' || !spec.paths.includes(path)) throw new FlagError(`${where}: operation ${i}: path must be one of ${spec.paths.join(', ')}`);
  });
  return patch as unknown[];
}
