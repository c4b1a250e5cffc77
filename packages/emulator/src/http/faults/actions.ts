// Fault actions: what answers instead of the service, delays it, or mangles the response after the request has
// executed (the rules that pick them: rules.ts; path patterns: glob.ts).
//
// Every action type is one entry of FAULT_TYPES: when it runs (phase), the fields its control-API
// body may have, how those are validated, and what it does. The FaultAction type, the error that
// lists the valid types and the dispatch in serveWithFault() all come from that table, so a new
// fault type is one new entry there.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { edgeError, errors } from '../../shared/errors.js';
import {
  encodeReply,
  JSON_CONTENT_TYPE,
  pause,
  resetConnection,
  whenWritten,
  writeEncoded,
  type Encoded,
  type Reply,
} from '../reply.js';
import {
  isPlainObject,
  objectBody,
  optionalNumber,
  optionalString,
  pointer,
  type Fail,
} from '../../shared/validate.js';

export interface FaultIo {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
}

/**
 * When an action runs relative to the request's execution:
 * - `instead`: it writes the whole answer; the service never runs.
 * - `before`: it runs first; then the service runs and its real response is written.
 * - `after`: the service runs first; the action then writes (or mangles) its encoded response.
 */
export type Phase = 'instead' | 'before' | 'after';

type Fields = Record<string, unknown>;

interface FaultTypeBase<F extends readonly string[], A> {
  /** The action's fields besides `type`, as the control API accepts them. */
  fields: F;
  /** Validates the action body (its fields already restricted to `fields`); returns the stored action minus `type`. */
  parse(a: Fields): A;
}

interface BeforeOrInstead<F extends readonly string[], A> extends FaultTypeBase<F, A> {
  phase: 'instead' | 'before';
  respond(action: A, io: FaultIo): Promise<void>;
}

interface After<F extends readonly string[], A> extends FaultTypeBase<F, A> {
  phase: 'after';
  /** Resolves true only when the real response was written in full and unchanged (that marks a create delivered). */
  respond(action: A, encoded: Encoded, io: FaultIo): Promise<boolean>;
}

type FaultType<F extends readonly string[] = readonly string[], A = object> = BeforeOrInstead<F, A> | After<F, A>;

// ---- field validation ----

export const ruleFail: Fail = (detail, at) => errors.control(detail, at);
const actionFail: Fail = (detail, at) => errors.control(detail, `/action${at}`);

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_RE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MALFORMED_DEFAULT = '<html><body><h1>502 Bad Gateway</h1></body></html>';
const MAX_MS = 600_000;

function statusField(a: Fields, min: number, max: number, fallback?: number): number {
  const status = optionalNumber(a, 'status', actionFail, { min, max, integer: true }) ?? fallback;
  if (status === undefined) throw actionFail('"status" is required', '/status');
  return status;
}

function headersField(a: Fields): Record<string, string> {
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

function positive(a: Fields, key: string, max: number): number {
  const value = optionalNumber(a, key, actionFail, { min: 0, max, integer: true });
  if (value === undefined) throw actionFail(`"${key}" is required`, pointer(key));
  return value;
}

interface StatusAction {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function parseStatusAction(a: Fields): StatusAction {
  const action: StatusAction = { status: statusField(a, 100, 599), headers: headersField(a) };
  if (a['body'] !== undefined) action.body = a['body'];
  return action;
}

// ---- writing helpers ----

/** A reply with the given status and body; no body means a Qlik error body for error statuses. */
function statusReply({ status, headers, body }: StatusAction): Reply {
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
  res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': String(bytes) });
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

// ---- the registry ----

/** Entry makers that keep each entry's field names and action shape as precise types. */
function early(phase: 'instead' | 'before') {
  return <const F extends readonly string[], A>(
    fields: F,
    parse: (a: Fields) => A,
    respond: (action: A, io: FaultIo) => Promise<void>,
  ): BeforeOrInstead<F, A> => ({ phase, fields, parse, respond });
}
const instead = early('instead');
const before = early('before');

function after<const F extends readonly string[], A>(
  fields: F,
  parse: (a: Fields) => A,
  respond: (action: A, encoded: Encoded, io: FaultIo) => Promise<boolean>,
): After<F, A> {
  return { phase: 'after', fields, parse, respond };
}

const none = (): object => ({});

/** Every fault action, in the order the control API lists them. */
const FAULT_TYPES = {
  status: instead(['status', 'headers', 'body'], parseStatusAction, async (action, io) => {
    await writeEncoded(io.res, encodeReply(statusReply(action)));
  }),
  delay: before(
    ['ms', 'then'],
    (a) => {
      if (a['then'] !== undefined && a['then'] !== 'execute') throw actionFail('"then" must be "execute"', '/then');
      return { ms: positive(a, 'ms', MAX_MS), then: 'execute' as const };
    },
    async (action, io) => {
      await pause(io.res, action.ms);
    },
  ),
  'reset-before': instead([], none, (_action, io) => {
    resetConnection(io.req.socket);
    return Promise.resolve();
  }),
  'reset-after': after([], none, (_action, _encoded, io) => {
    resetConnection(io.req.socket);
    return Promise.resolve(false);
  }),
  'truncate-after': after(
    ['bytes'],
    (a): { bytes?: number } => {
      const bytes = optionalNumber(a, 'bytes', actionFail, { min: 0, max: 2 ** 31, integer: true });
      return bytes === undefined ? {} : { bytes };
    },
    (action, encoded, io) => truncate(io, encoded, action.bytes),
  ),
  'malformed-after': after(
    ['body', 'contentType'],
    (a) => ({
      body: optionalString(a, 'body', actionFail) ?? MALFORMED_DEFAULT,
      contentType: optionalString(a, 'contentType', actionFail, true) ?? JSON_CONTENT_TYPE,
    }),
    async (action, encoded, io) => {
      const status = encoded.status === 201 ? 201 : 200;
      await writeEncoded(
        io.res,
        encodeReply({ status, headers: { 'content-type': action.contentType }, text: action.body }),
      );
      return false;
    },
  ),
  'status-after': after(['status', 'headers', 'body'], parseStatusAction, async (action, _encoded, io) => {
    await writeEncoded(io.res, encodeReply(statusReply(action)));
    return false;
  }),
  'drop-token': after([], none, async (_action, encoded, io) => {
    const stripped = withoutToken(encoded);
    if (!stripped) return writeEncoded(io.res, encoded);
    await writeEncoded(io.res, encodeReply(stripped));
    return false;
  }),
  'slow-first-byte': after(
    ['ms'],
    (a) => ({ ms: positive(a, 'ms', MAX_MS) }),
    async (action, encoded, io) => (await pause(io.res, action.ms)) && writeEncoded(io.res, encoded),
  ),
  trickle: after(
    ['bytesPerSecond'],
    (a) => ({ bytesPerSecond: Math.max(1, positive(a, 'bytesPerSecond', 2 ** 30)) }),
    (action, encoded, io) => trickle(io.res, encoded, action.bytesPerSecond),
  ),
  'large-body': instead(
    ['bytes', 'status'],
    (a): { bytes: number; status?: number } => {
      const bytes = positive(a, 'bytes', 2 ** 32);
      return a['status'] === undefined ? { bytes } : { bytes, status: statusField(a, 200, 299) };
    },
    (action, io) => streamLargeBody(io.res, action.status ?? (io.method === 'POST' ? 201 : 200), action.bytes),
  ),
  redirect: instead(
    ['status', 'location'],
    (a) => {
      const location = optionalString(a, 'location', actionFail, true);
      if (location === undefined || !HEADER_VALUE_RE.test(location))
        throw actionFail('"location" is required', '/location');
      return { status: statusField(a, 300, 399, 302), location };
    },
    async (action, io) => {
      await writeEncoded(io.res, encodeReply({ status: action.status, headers: { location: action.location } }));
    },
  ),
} satisfies Record<string, FaultType>;

type Registry = typeof FAULT_TYPES;
type ActionType = keyof Registry;

/** A validated action as stored in a rule and shown by GET /__emulator/faults. */
export type FaultAction = { [K in ActionType]: { type: K } & ReturnType<Registry[K]['parse']> }[ActionType];

/** An action as the control API accepts it: its type and (unvalidated) values for that type's fields. */
export type FaultActionInput = {
  [K in ActionType]: { type: K } & { [F in Registry[K]['fields'][number]]?: unknown };
}[ActionType];

/** A fault rule as POST /__emulator/faults takes it. */
function faultType(type: ActionType): FaultType {
  return FAULT_TYPES[type];
}

export function parseAction(raw: unknown): FaultAction {
  if (!isPlainObject(raw)) throw ruleFail('"action" must be an object with a "type"', '/action');
  const type = raw['type'];
  if (typeof type !== 'string' || !Object.hasOwn(FAULT_TYPES, type)) {
    throw actionFail(`"type" must be one of: ${Object.keys(FAULT_TYPES).join(', ')}`, '/type');
  }
  const actionType = type as ActionType;
  const spec = faultType(actionType);
  objectBody(raw, ['type', ...spec.fields], actionFail);
  return { type: actionType, ...spec.parse(raw) } as FaultAction;
}

/**
 * Serves a request under a fault action. `execute` runs the service; the result carries its reply
 * (undefined when the action answered instead) and whether that reply reached the client in full
 * and unchanged.
 */
export async function serveWithFault(
  action: FaultAction,
  io: FaultIo,
  execute: () => Promise<Reply>,
): Promise<{ reply?: Reply; faithful: boolean }> {
  const spec = faultType(action.type);
  if (spec.phase === 'instead') {
    await spec.respond(action, io);
    return { faithful: false };
  }
  if (spec.phase === 'before') await spec.respond(action, io);
  const reply = await execute();
  const encoded = encodeReply(reply);
  const faithful =
    spec.phase === 'after' ? await spec.respond(action, encoded, io) : await writeEncoded(io.res, encoded);
  return { reply, faithful };
}
