// Fault rules (POST /__emulator/faults): matching requests to rules, and the actions that answer
// instead of the service, delay it, or mangle the response after the request has executed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { edgeError, errors } from './errors.js';
import { encodeReply, pause, resetConnection, whenWritten, writeEncoded, type Encoded, type Reply } from './http.js';
import { isPlainObject, objectBody, optionalNumber, optionalString, pointer, type Fail } from './validate.js';

export type FaultAction =
  | { type: 'status'; status: number; headers: Record<string, string>; body?: unknown }
  | { type: 'delay'; ms: number; then: 'execute' }
  | { type: 'reset-before' }
  | { type: 'reset-after' }
  | { type: 'truncate-after'; bytes?: number }
  | { type: 'malformed-after'; body: string; contentType: string }
  | { type: 'status-after'; status: number; headers: Record<string, string>; body?: unknown }
  | { type: 'drop-token' }
  | { type: 'slow-first-byte'; ms: number }
  | { type: 'trickle'; bytesPerSecond: number }
  | { type: 'large-body'; bytes: number; status?: number }
  | { type: 'redirect'; status: number; location: string };

export type ActionType = FaultAction['type'];

export interface FaultRule {
  id: string;
  method?: string;
  path: string;
  /** How many times the rule fires; 0 = unlimited. */
  times: number;
  probability: number;
  action: FaultAction;
  hits: number;
}

/** When an action runs relative to the request's execution. */
export type Phase = 'instead' | 'before' | 'after';

const INSTEAD: readonly ActionType[] = ['status', 'reset-before', 'large-body', 'redirect'];

export function phaseOf(action: FaultAction): Phase {
  if (INSTEAD.includes(action.type)) return 'instead';
  return action.type === 'delay' ? 'before' : 'after';
}

// ---- parsing ----

const ruleFail: Fail = (detail, at) => errors.control(detail, at);
const actionFail: Fail = (detail, at) => errors.control(detail, `/action${at}`);

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MALFORMED_DEFAULT = '<html><body><h1>502 Bad Gateway</h1></body></html>';

function statusField(a: Record<string, unknown>, min: number, max: number, fallback?: number): number {
  const status = optionalNumber(a, 'status', actionFail, { min, max, integer: true }) ?? fallback;
  if (status === undefined) throw actionFail('"status" is required', '/status');
  return status;
}

function headersField(a: Record<string, unknown>): Record<string, string> {
  const raw = a['headers'];
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) throw actionFail('"headers" must be an object of strings', '/headers');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const valueText = typeof value === 'number' ? String(value) : value;
    if (!TOKEN_RE.test(name) || typeof valueText !== 'string' || !HEADER_VALUE_RE.test(valueText)) {
      throw actionFail(`Invalid header "${name}"`, pointer('headers', name));
    }
    headers[name.toLowerCase()] = valueText;
  }
  return headers;
}

function withBody<T extends object>(action: T, a: Record<string, unknown>): T & { body?: unknown } {
  return a['body'] === undefined ? action : { ...action, body: a['body'] };
}

function positive(a: Record<string, unknown>, key: string, max: number): number {
  const value = optionalNumber(a, key, actionFail, { min: 0, max, integer: true });
  if (value === undefined) throw actionFail(`"${key}" is required`, pointer(key));
  return value;
}

const ACTION_FIELDS: Record<ActionType, readonly string[]> = {
  status: ['status', 'headers', 'body'],
  delay: ['ms', 'then'],
  'reset-before': [],
  'reset-after': [],
  'truncate-after': ['bytes'],
  'malformed-after': ['body', 'contentType'],
  'status-after': ['status', 'headers', 'body'],
  'drop-token': [],
  'slow-first-byte': ['ms'],
  trickle: ['bytesPerSecond'],
  'large-body': ['bytes', 'status'],
  redirect: ['status', 'location'],
};

const MAX_MS = 600_000;

const ACTION_PARSERS: Record<ActionType, (a: Record<string, unknown>) => FaultAction> = {
  status: (a) => withBody({ type: 'status', status: statusField(a, 100, 599), headers: headersField(a) }, a),
  delay: (a) => {
    if (a['then'] !== undefined && a['then'] !== 'execute') throw actionFail('"then" must be "execute"', '/then');
    return { type: 'delay', ms: positive(a, 'ms', MAX_MS), then: 'execute' };
  },
  'reset-before': () => ({ type: 'reset-before' }),
  'reset-after': () => ({ type: 'reset-after' }),
  'truncate-after': (a) => {
    const bytes = optionalNumber(a, 'bytes', actionFail, { min: 0, max: 2 ** 31, integer: true });
    return bytes === undefined ? { type: 'truncate-after' } : { type: 'truncate-after', bytes };
  },
  'malformed-after': (a) => ({
    type: 'malformed-after',
    body: optionalString(a, 'body', actionFail) ?? MALFORMED_DEFAULT,
    contentType: optionalString(a, 'contentType', actionFail, true) ?? 'application/json',
  }),
  'status-after': (a) =>
    withBody({ type: 'status-after', status: statusField(a, 100, 599), headers: headersField(a) }, a),
  'drop-token': () => ({ type: 'drop-token' }),
  'slow-first-byte': (a) => ({ type: 'slow-first-byte', ms: positive(a, 'ms', MAX_MS) }),
  trickle: (a) => ({ type: 'trickle', bytesPerSecond: Math.max(1, positive(a, 'bytesPerSecond', 2 ** 30)) }),
  'large-body': (a) => {
    const action: FaultAction = { type: 'large-body', bytes: positive(a, 'bytes', 2 ** 32) };
    return a['status'] === undefined ? action : { ...action, status: statusField(a, 200, 299) };
  },
  redirect: (a) => {
    const location = optionalString(a, 'location', actionFail, true);
    if (location === undefined || !HEADER_VALUE_RE.test(location))
      throw actionFail('"location" is required', '/location');
    return { type: 'redirect', status: statusField(a, 300, 399, 302), location };
  },
};

function parseAction(raw: unknown): FaultAction {
  if (!isPlainObject(raw)) throw ruleFail('"action" must be an object with a "type"', '/action');
  const type = raw['type'];
  if (typeof type !== 'string' || !Object.hasOwn(ACTION_PARSERS, type)) {
    throw actionFail(`"type" must be one of: ${Object.keys(ACTION_PARSERS).join(', ')}`, '/type');
  }
  const actionType = type as ActionType;
  objectBody(raw, ['type', ...ACTION_FIELDS[actionType]], actionFail);
  return ACTION_PARSERS[actionType](raw);
}

function pathMatcher(path: string): (p: string) => boolean {
  if (!path.startsWith('^')) return (p) => p === path;
  let re: RegExp;
  try {
    re = new RegExp(path);
  } catch {
    throw ruleFail('"path" is not a valid regular expression', '/path');
  }
  return (p) => re.test(p);
}

interface ActiveRule extends FaultRule {
  test: (path: string) => boolean;
}

export class FaultRules {
  private rules: ActiveRule[] = [];
  private counter = 0;

  /** Validates and adds a rule from a control-API body. */
  add(body: unknown): FaultRule {
    const obj = objectBody(body, ['method', 'path', 'times', 'probability', 'action'], ruleFail);
    const path = optionalString(obj, 'path', ruleFail, true);
    if (path === undefined || !(path.startsWith('/') || path.startsWith('^'))) {
      throw ruleFail('"path" must be an exact path starting with / or a regular expression starting with ^', '/path');
    }
    const method = optionalString(obj, 'method', ruleFail, true)?.toUpperCase();
    this.counter += 1;
    const rule: ActiveRule = {
      id: `fault-${this.counter}`,
      path,
      times: optionalNumber(obj, 'times', ruleFail, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }) ?? 1,
      probability: optionalNumber(obj, 'probability', ruleFail, { min: 0, max: 1 }) ?? 1,
      action: parseAction(obj['action']),
      hits: 0,
      test: pathMatcher(path),
    };
    if (method !== undefined) rule.method = method;
    this.rules.push(rule);
    return this.view(rule);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.view(r));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule matching the request, counted as a hit; undefined when none fires. */
  match(method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.times > 0 && rule.hits >= rule.times) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (!rule.test(path)) continue;
      if (rule.probability < 1 && Math.random() >= rule.probability) continue;
      rule.hits += 1;
      return this.view(rule);
    }
    return undefined;
  }

  private view(rule: ActiveRule): FaultRule {
    const view: FaultRule = {
      id: rule.id,
      path: rule.path,
      times: rule.times,
      probability: rule.probability,
      action: rule.action,
      hits: rule.hits,
    };
    if (rule.method !== undefined) view.method = rule.method;
    return view;
  }
}

// ---- actions ----

export interface FaultIo {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
}

/** A reply with the given status and body; no body means a Qlik error body for error statuses. */
function statusReply(status: number, headers: Record<string, string>, body: unknown): Reply {
  if (typeof body === 'string') return { status, headers, text: body };
  if (body !== undefined) return { status, headers, json: body };
  if (status === 429) {
    const seconds = Number(headers['retry-after']);
    return { status, headers, json: errors.rateLimited(Number.isInteger(seconds) && seconds > 0 ? seconds : 1).body() };
  }
  return status >= 400 ? { status, headers, json: edgeError(status).body() } : { status, headers };
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

async function writeChunk(res: ServerResponse, chunk: Buffer | string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await waitForDrain(res);
  return !res.destroyed;
}

/** Streams a syntactically valid JSON object of exactly `bytes` bytes. */
async function streamLargeBody(res: ServerResponse, status: number, bytes: number): Promise<void> {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes) });
  const head = '{"padding":"';
  const tail = '"}';
  if (bytes < head.length + tail.length) {
    res.end(bytes === 0 ? '' : '{}'.slice(0, bytes).padEnd(bytes, ' '));
    return;
  }
  const block = Buffer.alloc(64 * 1024, 'x');
  let left = bytes - head.length - tail.length;
  if (!(await writeChunk(res, head))) return;
  while (left > 0) {
    const n = Math.min(left, block.length);
    if (!(await writeChunk(res, block.subarray(0, n)))) return;
    left -= n;
  }
  res.end(tail);
}

export async function respondInstead(action: FaultAction, io: FaultIo): Promise<void> {
  switch (action.type) {
    case 'reset-before':
      resetConnection(io.req.socket);
      return;
    case 'redirect':
      await writeEncoded(io.res, encodeReply({ status: action.status, headers: { location: action.location } }));
      return;
    case 'large-body':
      await streamLargeBody(io.res, action.status ?? (io.method === 'POST' ? 201 : 200), action.bytes);
      return;
    case 'status':
      await writeEncoded(io.res, encodeReply(statusReply(action.status, action.headers, action.body)));
      return;
    default:
      throw new Error(`${action.type} does not answer instead of the service`);
  }
}

async function truncate(io: FaultIo, encoded: Encoded, bytes: number | undefined): Promise<false> {
  const total = encoded.payload.length;
  const keep = Math.min(bytes ?? Math.floor(total / 2), Math.max(0, total - 1));
  io.res.writeHead(encoded.status, encoded.headers);
  await new Promise<void>((resolve) => io.res.write(encoded.payload.subarray(0, keep), () => resolve()));
  // Give the client time to read the partial bytes: an RST makes its kernel drop unread data.
  await pause(io.res, 250);
  resetConnection(io.req.socket);
  return false;
}

async function trickle(res: ServerResponse, encoded: Encoded, bytesPerSecond: number): Promise<boolean> {
  const chunk = Math.max(1, Math.floor(bytesPerSecond / 10));
  const interval = Math.round((chunk / bytesPerSecond) * 1000);
  res.writeHead(encoded.status, encoded.headers);
  for (let offset = 0; offset < encoded.payload.length; offset += chunk) {
    if (offset > 0 && !(await pause(res, interval))) return false;
    if (!(await writeChunk(res, encoded.payload.subarray(offset, offset + chunk)))) return false;
  }
  res.end();
  return whenWritten(res);
}

function withoutToken(encoded: Encoded): Reply | undefined {
  if (!isPlainObject(encoded.json) || !('token' in encoded.json)) return undefined;
  const rest: Record<string, unknown> = { ...encoded.json };
  delete rest.token;
  const headers = { ...encoded.headers };
  delete headers['content-length'];
  return { status: encoded.status, headers, json: rest };
}

/**
 * Answers after the request has executed. Resolves true only when the real response was written
 * in full and unchanged (that is what marks a ledger entry delivered).
 */
export async function respondAfter(action: FaultAction, encoded: Encoded, io: FaultIo): Promise<boolean> {
  switch (action.type) {
    case 'reset-after':
      resetConnection(io.req.socket);
      return false;
    case 'truncate-after':
      return truncate(io, encoded, action.bytes);
    case 'malformed-after': {
      const status = encoded.status === 201 ? 201 : 200;
      await writeEncoded(
        io.res,
        encodeReply({ status, headers: { 'content-type': action.contentType }, text: action.body }),
      );
      return false;
    }
    case 'status-after':
      await writeEncoded(io.res, encodeReply(statusReply(action.status, action.headers, action.body)));
      return false;
    case 'drop-token': {
      const stripped = withoutToken(encoded);
      if (!stripped) return writeEncoded(io.res, encoded);
      await writeEncoded(io.res, encodeReply(stripped));
      return false;
    }
    case 'slow-first-byte':
      return (await pause(io.res, action.ms)) && writeEncoded(io.res, encoded);
    case 'trickle':
      return trickle(io.res, encoded, action.bytesPerSecond);
    default:
      return writeEncoded(io.res, encoded);
  }
}
