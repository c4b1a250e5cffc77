// The generic request runner: turns an ApiOperation declaration into a command (newCmdOperation) and runs it
// (runOperation). Everything the user typed is checked before the first network call.
import { Command } from 'commander';
import type { Factory } from '../cmdutil/factory.js';
import { CliError, FlagError, HttpError } from '../cmdutil/errors.js';
import { addFlags, fileFlag, flagChanged, invalidArgument, optionKey, quietFlag, rawFlag, retryFlags, type FlagSpec } from '../cmdutil/flags.js';
import { commandPath, setMeta } from '../cmdutil/help.js';
import type { Settings } from '../config/resolve.js';
import type { ApiRequest, ApiResponse, HttpClient, RetryPolicy } from '../http/client.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { readBodyFile, readObjectFile } from './body.js';
import { createSafely } from './create-safely.js';
import type { ApiOperation, ObjectBody, PatchBody } from './operation.js';
import { printIds, printJson, stripLinks } from '../output/print.js';

export interface OperationOptions {
  op: ApiOperation;
  io: IOStreams;
  http: () => Promise<HttpClient>;
  settings: () => Promise<Settings>;
  /** Positional arguments by their name in `use`. */
  args: Record<string, string>;
  /** Flag values by flag name: from the command line, else from the -c config file. */
  values: Record<string, unknown>;
  /** Where a flag's value came from, for messages: `--expiry` or `config file x.yml`. */
  sourceOf: (flag: string) => string;
  retry: RetryPolicy;
  quiet: boolean;
  raw: boolean;
  file: string | undefined;
  path: string;
}

interface ArgSpec {
  name: string;
  required: boolean;
  variadic: boolean;
}

export function argSpecs(use: string): ArgSpec[] {
  return [...use.matchAll(/([<[])([^>\]]+)[>\]](\.\.\.)?/g)].map((m) => ({
    name: m[2] ?? '',
    required: m[1] === '<',
    variadic: m[3] === '...',
  }));
}

/** Cobra's wording for a wrong number of positional arguments. */
export function checkArgCount(args: readonly string[], min: number, max: number): void {
  const n = args.length;
  if (n >= min && n <= max) return;
  if (min === max) throw new FlagError(`accepts ${min} arg(s), received ${n}`);
  if (max === Infinity) throw new FlagError(`requires at least ${min} arg(s), only received ${n}`);
  if (min === 0) throw new FlagError(`accepts at most ${max} arg(s), received ${n}`);
  throw new FlagError(`accepts between ${min} and ${max} arg(s), received ${n}`);
}

function opFlags(op: ApiOperation): FlagSpec[] {
  const flags: FlagSpec[] = [];
  for (const q of op.query ?? []) flags.push(q.flag);
  if (op.body?.kind === 'object') for (const b of op.body.fields) flags.push(b.flag);
  if (op.body?.kind === 'patch') flags.push(...patchFlags(op.body));
  if (op.paging) flags.push({ name: 'limit', type: 'int', usage: 'The total number of resources to retrieve.' });
  return flags;
}

function patchFlags(p: PatchBody): FlagSpec[] {
  const allowed = (xs: readonly string[]) => `\nAllowed values: ${xs.map((x) => JSON.stringify(x)).join(', ')}`;
  return [
    { name: 'body', type: 'unknowns', usage: '(Deprecated) Array of JSON-objects to send as the request body.' },
    { name: 'op', type: 'string', repeatable: true, choices: p.ops, usage: `The operation to be performed.${allowed(p.ops)}` },
    {
      name: 'path',
      type: 'string',
      repeatable: true,
      choices: p.paths,
      usage: `${p.pathUsage ?? 'The path for the given resource field to patch.'}${allowed(p.paths)}`,
    },
    {
      name: 'value',
      type: p.value === 'json' ? 'unknown' : 'string',
      repeatable: true,
      usage: 'The value to be used for this operation.',
    },
  ];
}

/** --retry is 0..10 and --interval at least 1 (an hour at most), checked before any network call. */
export function retryPolicy(retry: number | undefined, interval: number | undefined): RetryPolicy {
  const r = retry ?? 0;
  const i = interval ?? 1;
  if (r < 0 || r > 10) throw invalidArgument(String(r), '--retry', 'must be between 0 and 10');
  if (i < 1 || i > 3600) throw invalidArgument(String(i), '--interval', 'must be at least 1');
  return { retry: r, intervalSeconds: i };
}

/** Positional arguments by their name in `use`, checked with Cobra's wording; those with defaults may be omitted. */
export function positionalArgs(use: string, positional: readonly string[], optional: readonly string[] = []): Record<string, string> {
  const specs = argSpecs(use);
  const min = specs.filter((s) => s.required && !optional.includes(s.name)).length;
  checkArgCount(positional, min, specs.some((s) => s.variadic) ? Infinity : specs.length);
  const args: Record<string, string> = {};
  specs.forEach((s, i) => {
    const v = positional[i];
    if (v !== undefined) args[s.name] = v;
  });
  return args;
}

function configValue(spec: FlagSpec, raw: unknown, where: string): unknown {
  const bad = (what: string) => new CliError(`${where}: '${spec.name}' must be ${what}`);
  switch (spec.type) {
    case 'int':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw bad('a whole number');
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') throw bad('true or false');
      return raw;
    default:
      if (spec.repeatable) return Array.isArray(raw) ? raw.map(String) : [String(raw)];
      if (typeof raw !== 'string') throw bad('a string');
      if (spec.choices && !spec.choices.includes(raw)) throw bad(`one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

export function newCmdOperation(
  f: Factory,
  op: ApiOperation,
  runF: (o: OperationOptions) => Promise<void> = runOperation,
): Command {
  const name = op.use.split(' ')[0] ?? op.use;
  const cmd = new Command(name).description(op.short).argument('[args...]').allowExcessArguments(true);
  setMeta(cmd, { use: op.use, short: op.short, ...(op.long ? { long: op.long } : {}), ...(op.example ? { example: op.example } : {}), runnable: true });
  const own = opFlags(op);
  const common: FlagSpec[] = [...retryFlags, quietFlag, rawFlag];
  if (op.body) common.push(fileFlag);
  addFlags(cmd, [...own, ...common]);

  cmd.action(async (positional: string[]) => {
    const args = positionalArgs(op.use, positional, Object.keys(op.argDefaults ?? {}));

    const opts = cmd.opts<Record<string, unknown>>();
    const config = await f.config(cmd);
    const configPath = cmd.optsWithGlobals<{ config?: string }>().config ?? '';
    const values: Record<string, unknown> = {};
    const sources: Record<string, string> = {};
    for (const spec of [...own, ...common]) {
      if (flagChanged(cmd, spec.name)) {
        values[spec.name] = opts[optionKey(spec.name)];
        sources[spec.name] = `--${spec.name}`;
      } else if (config[spec.name] !== undefined) {
        values[spec.name] = configValue(spec, config[spec.name], `config file ${configPath}`);
        sources[spec.name] = `config file ${configPath}`;
      }
    }
    const retry = retryPolicy(values.retry as number | undefined, values.interval as number | undefined);

    await runF({
      op,
      io: f.io,
      http: () => f.httpClient(cmd),
      settings: () => f.settings(cmd),
      args,
      values,
      sourceOf: (flag) => sources[flag] ?? `--${flag}`,
      retry,
      quiet: values.quiet === true,
      raw: values.raw === true,
      file: values.file as string | undefined,
      path: commandPath(cmd),
    });
  });
  return cmd;
}

async function buildObjectBody(o: OperationOptions, spec: ObjectBody): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  if (o.file !== undefined) {
    const { value, name } = await readObjectFile(o.file, o.io);
    for (const [k, v] of Object.entries(value)) {
      body[k] = v;
      from[k] = `--file ${name}`;
    }
  }
  for (const field of spec.fields) {
    const v = o.values[field.flag.name];
    if (v === undefined) continue;
    const key = field.field ?? field.flag.name;
    body[key] = v;
    from[key] = o.sourceOf(field.flag.name);
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

async function buildPatchBody(o: OperationOptions, spec: PatchBody): Promise<unknown[]> {
  const ops = (o.values.op as string[] | undefined) ?? [];
  const paths = (o.values.path as string[] | undefined) ?? [];
  const vals = (o.values.value as string[] | undefined) ?? [];
  const sources = [o.file !== undefined, o.values.body !== undefined, ops.length + paths.length + vals.length > 0].filter(Boolean).length;
  if (sources > 1) throw new FlagError('use only one of --file, --body, or --op/--path/--value');
  let patch: unknown;
  let where: string;
  if (o.file !== undefined) {
    const r = await readBodyFile(o.file, o.io);
    patch = r.value;
    where = `--file ${r.name}`;
  } else if (o.values.body !== undefined) {
    where = '--body';
    try {
      patch = JSON.parse(o.values.body as string) as unknown;
    } catch (e) {
      throw new FlagError(`--body: invalid JSON: ${(e as Error).message}`);
    }
  } else {
    where = '--op/--path/--value';
    if (paths.length === 0) throw new FlagError('required flag(s) "path" not set (or give --file or --body)');
    if (vals.length !== paths.length) throw new FlagError(`--path was given ${paths.length} time(s) but --value ${vals.length} time(s); give one --value per --path`);
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

export function fillPath(template: string, args: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(args[name] ?? ''));
}


function parseBody(res: ApiResponse): unknown {
  if (res.text === '') return undefined;
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    throw new CliError(`the server answered ${res.status} ${res.statusText} with a body that is not JSON`);
  }
}

async function listAll(http: HttpClient, first: ApiResponse, limit: number | undefined, retry: RetryPolicy): Promise<unknown[]> {
  let page = parseBody(first) as { data?: unknown; links?: { next?: { href?: unknown } } } | undefined;
  const items: unknown[] = [];
  for (;;) {
    if (!page || !Array.isArray(page.data)) throw new CliError('the server answered with a list that has no data array');
    items.push(...(page.data as unknown[]));
    const next = page.links?.next?.href;
    if (limit === undefined || items.length >= limit || typeof next !== 'string' || next === '') break;
    const res = await http.send({ method: 'GET', path: next }, retry);
    if (res.status >= 300) throw HttpError.fromResponse(res);
    page = parseBody(res) as typeof page;
  }
  return limit === undefined ? items : items.slice(0, limit);
}

/**
 * Prints a create's answer. When stdout is closed (EPIPE) the one-time token cannot reach anyone: the resource is
 * removed rather than left behind as an orphan, and the run fails.
 */
async function deliver(o: OperationOptions, http: HttpClient, res: ApiResponse, print: () => Promise<void>): Promise<void> {
  try {
    await print();
  } catch (e) {
    const r = o.op.reconcile;
    let id: unknown;
    try {
      id = (JSON.parse(res.text) as { id?: unknown } | null)?.id;
    } catch {
      id = undefined;
    }
    if (!r || (e as { code?: unknown } | null)?.code !== 'EPIPE' || typeof id !== 'string') throw e;
    await r.remove(http, id, o.retry);
    throw new CliError(`stdout was closed before the ${r.noun} could be printed; ${r.noun} ${id} was deleted (its token is shown only once)`);
  }
}

export async function runOperation(o: OperationOptions): Promise<void> {
  const { op } = o;
  const query: Record<string, string | number | undefined> = {};
  for (const q of op.query ?? []) {
    const v = o.values[q.flag.name];
    if (v !== undefined) query[q.param ?? q.flag.name] = v as string | number;
  }
  const limit = o.values.limit as number | undefined;
  if (op.paging && limit !== undefined) {
    if (limit < 1) throw invalidArgument(String(limit), '--limit', 'must be at least 1');
    query.limit = Math.min(limit, op.paging.pageMax);
  }
  let body: unknown;
  if (op.body?.kind === 'object') body = await buildObjectBody(o, op.body);
  if (op.body?.kind === 'patch') body = await buildPatchBody(o, op.body);

  const settings = await o.settings();
  const types = op.serverTypes ?? ['cloud'];
  if (!types.includes(settings.serverType)) {
    throw new CliError(`'${o.path}' is only available for Qlik Cloud; the server type is ${settings.serverType}`);
  }
  // Everything the user gave is valid: now the network.
  const http = await o.http();
  const args = { ...o.args };
  for (const [name, find] of Object.entries(op.argDefaults ?? {})) args[name] ??= await find(http, o.retry);
  const req: ApiRequest = { method: op.method, path: fillPath(op.path, args), query, ...(body !== undefined ? { body } : {}) };
  const res = op.reconcile ? await createSafely(http, req, o.retry, op.reconcile, o.io) : await http.send(req, o.retry);
  if (res.status < 200 || res.status >= 300) throw HttpError.fromResponse(res);

  if (o.raw) {
    if (res.text !== '') await deliver(o, http, res, () => o.io.print(res.text.endsWith('\n') ? res.text : `${res.text}\n`));
    return;
  }
  if (op.output === 'list') {
    const items = stripLinks(await listAll(http, res, limit, o.retry)) as unknown[];
    if (o.quiet) await printIds(o.io, items);
    else await printJson(o.io, items);
  } else if (res.text !== '' && res.status !== 204) {
    const value = stripLinks(parseBody(res));
    await deliver(o, http, res, () => (o.quiet ? printIds(o.io, [value]) : printJson(o.io, value)));
  }
  if (o.quiet && op.quietWarning) o.io.warn(op.quietWarning);
  const note = await op.describeResult?.({ http, args });
  if (note) o.io.warn(note);
}
