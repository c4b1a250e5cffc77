// Request bodies, all checked before any network call: -f FILE (or -f - for stdin; one JSON value, at most 1 MiB),
// JSON objects merged from -f and flags (flags win field by field), and JSON Patch arrays from repeated
// --op/--path/--value, the deprecated --body, or -f.
import { ConfigError, FlagError } from '../errors/errors.js';
import { readExistingTextFile } from '../fsutil/readfile.js';
import { readAllCapped, type IOStreams } from '../iostreams/iostreams.js';
import { parseJsonText, PROTOTYPE_KEYS } from '../text/json.js';
import type { ObjectBody, PatchBody } from './operation.js';
import type { Values } from './values.js';

const MAX_BODY = 1024 * 1024;

/** The text of a body file, or of stdin for `-`; `flag` names the flag in messages (`--file`, `--body-file`). */
export async function readBodyText(
  file: string,
  io: IOStreams,
  flag = '--file',
): Promise<{ text: string; name: string }> {
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

async function readBodyFile(file: string, io: IOStreams, flag = '--file'): Promise<{ value: unknown; name: string }> {
  const { text, name } = await readBodyText(file, io, flag);
  if (text.charCodeAt(0) === 0xfeff) {
    throw new ConfigError(`${flag} ${name}: starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM`);
  }
  if (text.trim() === '') throw new ConfigError(`${flag} ${name}: is empty; expected JSON`);
  const value = await parseJsonText(text, `${flag} ${name}`);
  refusePrototypeKeys(value, `${flag} ${name}`);
  return { value, name };
}

/** Refuse `__proto__`, `constructor` and `prototype` keys anywhere in a JSON value, naming where it came from. */
function refusePrototypeKeys(value: unknown, where: string): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) refusePrototypeKeys(v, where);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (PROTOTYPE_KEYS.includes(k))
      throw new FlagError(`${where}: the key ${JSON.stringify(k)} is not allowed in a request body`);
    refusePrototypeKeys(v, where);
  }
}

async function readObjectFile(file: string, io: IOStreams): Promise<{ value: Record<string, unknown>; name: string }> {
  const { value, name } = await readBodyFile(file, io);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new ConfigError(`--file ${name}: expected one JSON object, got ${got}`);
  }
  return { value: value as Record<string, unknown>, name };
}

export async function buildObjectBody(
  spec: ObjectBody,
  values: Values,
  file: string | undefined,
  io: IOStreams,
): Promise<Record<string, unknown>> {
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
    let v = values.raw(field.flag.name);
    if (v === undefined) continue;
    const key = field.field ?? field.flag.name;
    const where = values.source(field.flag.name);
    // Qlik's deprecated `unknowns` flags take a JSON array of objects.
    if (field.flag.type === 'unknowns' && typeof v === 'string') v = await jsonArrayFlag(v, where);
    if (field.flag.type === 'unknown' && typeof v === 'string') v = parseJsonOrString(v);
    setField(body, key, v, where);
    from[key] = where;
  }
  const missing = (spec.required ?? []).filter((k) => body[k] === undefined || body[k] === null);
  if (missing.length > 0) throw new FlagError(`required flag(s) ${missing.map((m) => `"${m}"`).join(', ')} not set`);
  await spec.validate?.(body, (field) => from[field] ?? `--${field}`);
  return body;
}

/** Whether a path is the allowed one, where `{name}` in the allowed path stands for one path segment. */
function pathMatches(allowed: string, path: string): boolean {
  if (!allowed.includes('{')) return allowed === path;
  const parts = allowed.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`).test(path);
}

/** The object --value-id/--value-name… build, if any was given. */
function valueObject(spec: PatchBody, values: Values): Record<string, unknown> | undefined {
  const fields = (spec.valueFields ?? []).filter((v) => values.raw(v.flag.name) !== undefined);
  if (fields.length === 0) return undefined;
  return Object.fromEntries(fields.map((v) => [v.field ?? v.flag.name, values.raw(v.flag.name)]));
}

async function jsonArrayFlag(text: string, where: string): Promise<unknown[]> {
  const v: unknown = await parseJsonText(text, where);
  if (!Array.isArray(v)) throw new FlagError(`${where}: expected a JSON array of objects`);
  return v as unknown[];
}

/**
 * Set a body field by its path: `a.b.c` nests objects (as Qlik's generated `--options-claimsMapping-email` flags do);
 * `list[].x` sets `x` in the one object of the array `list` (Qlik's `--assignedRoles-id`). Something else in the way
 * (a list of several items, or a scalar, from -f or a deprecated JSON flag) is an error naming the flag.
 */
function setField(body: Record<string, unknown>, path: string, value: unknown, where: string): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = body;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const isList = part.endsWith('[]');
    const key = isList ? part.slice(0, -2) : part;
    if (last && !isList) {
      node[key] = value;
      return;
    }
    let next = node[key];
    if (isList) {
      if (next === undefined) next = node[key] = [{}];
      if (!Array.isArray(next) || next.length !== 1 || !isObject(next[0])) {
        throw new FlagError(`${where}: "${key}" is given as a list of several items elsewhere; give it in one place`);
      }
      next = next[0];
    } else {
      if (next === undefined) next = node[key] = {};
      if (!isObject(next)) throw new FlagError(`${where}: "${key}" is not an object elsewhere; give it in one place`);
    }
    node = next as Record<string, unknown>;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseJsonOrString(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export async function buildPatchBody(
  spec: PatchBody,
  values: Values,
  file: string | undefined,
  io: IOStreams,
): Promise<unknown[]> {
  const list = (name: string): string[] => (values.raw(name) as string[] | undefined) ?? [];
  const ops = list('op');
  const paths = list('path');
  const vals = list('value');
  const built = valueObject(spec, values);
  const given = [
    file !== undefined,
    values.raw('body') !== undefined,
    ops.length + paths.length + vals.length + (built ? 1 : 0) > 0,
  ].filter(Boolean).length;
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
    refusePrototypeKeys(patch, '--body');
  } else {
    where = '--op/--path/--value';
    const pathless = spec.pathlessOps ?? [];
    if (paths.length === 0 && vals.length === 0 && !built && ops.length > 0 && ops.every((o) => pathless.includes(o)))
      return ops.map((op) => ({ op }));
    // Cobra's wording for the flags missing (--op defaults to "replace" once a --path is given).
    const missing =
      paths.length > 0
        ? []
        : [...(ops.length === 0 ? ['op'] : []), 'path', ...(vals.length === 0 && !built ? ['value'] : [])];
    if (missing.length > 0) {
      throw new FlagError(`required flag(s) ${missing.map((m) => `"${m}"`).join(', ')} not set`, {
        hint: 'or give the whole JSON Patch with --file or --body',
      });
    }
    if (built) {
      const names = (spec.valueFields ?? []).map((v) => `--${v.flag.name}`).join(', ');
      if (vals.length > 0 || paths.length !== 1)
        throw new FlagError(`${names} build the value of one --path; give them with one --path and no --value`);
      const op = ops[0] ?? 'replace';
      const path = paths[0] ?? '';
      return [
        {
          op,
          path,
          value: op === 'replace' && (spec.listPaths ?? []).some((p) => pathMatches(p, path)) ? [built] : built,
        },
      ];
    }
    if (vals.length !== paths.length) {
      throw new FlagError(
        `--path was given ${paths.length} time(s) but --value ${vals.length} time(s); give one --value per --path`,
      );
    }
    if (ops.length > paths.length)
      throw new FlagError(`--op was given more times (${ops.length}) than --path (${paths.length})`);
    patch = paths.map((path, i) => ({
      op: ops[i] ?? 'replace',
      path,
      value:
        spec.value === 'json' || (spec.jsonPaths ?? []).includes(path) ? parseJsonOrString(vals[i] ?? '') : vals[i],
    }));
  }
  if (!Array.isArray(patch)) throw new FlagError(`${where}: a JSON Patch must be an array of operations`);
  (patch as unknown[]).forEach((p: unknown, i) => {
    if (!p || typeof p !== 'object' || Array.isArray(p))
      throw new FlagError(`${where}: operation ${i} is not an object`);
    const { op, path } = p as { op?: unknown; path?: unknown };
    if (typeof op !== 'string' || !spec.ops.includes(op))
      throw new FlagError(`${where}: operation ${i}: op must be one of ${spec.ops.join(', ')}`);
    const allowed = [...spec.paths, ...(spec.morePaths ?? [])];
    if (typeof op === 'string' && (spec.pathlessOps ?? []).includes(op) && path === undefined) return;
    if (typeof path !== 'string' || !allowed.some((a) => pathMatches(a, path)))
      throw new FlagError(`${where}: operation ${i}: path must be one of ${allowed.join(', ')}`);
  });
  return patch as unknown[];
}
