// The HTTP(S) server: body reading with a 1 MiB cap, the routing tables, authentication and rate
// limiting in front of the Qlik routes, fault rules around them, error → response mapping, and the
// request log (one stderr line per request, plus the /__emulator/requests entries).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { authenticate } from './auth.js';
import type { ApiCtx, App, Ctx, Route } from './context.js';
import { ApiError, edgeError, errors } from './errors.js';
import { serveWithFault, type FaultIo } from './faults.js';
import { controlRefusal, type ControlAccess } from './guard.js';
import { encodeReply, replyForThrown, writeEncoded, type Reply } from './http.js';
import { queryObject, redactHeaders } from './requestlog.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { configRoutes } from './routes/configs.js';
import { controlRoutes } from './routes/control.js';
import { oauthTokenRoutes } from './routes/oauth-tokens.js';
import { oauthRoutes } from './routes/oauth.js';
import { tenantRoutes } from './routes/tenants.js';
import { userRoutes } from './routes/users.js';
import { groupRoutes } from './services/groups/index.js';
import { idpRoutes } from './services/identity-providers/index.js';
import { isScimPath, serveScim } from './services/scim/index.js';
import { printable } from './text.js';

export const BODY_LIMIT = 1024 * 1024;
/** After a 413 the rest of an oversized body is read and thrown away, up to this much, then the connection is closed. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

const API_ROUTES: Route<ApiCtx>[] = [
  ...apiKeyRoutes,
  ...configRoutes,
  ...userRoutes,
  ...tenantRoutes,
  ...oauthTokenRoutes,
  ...idpRoutes,
  ...groupRoutes,
];

export type Log = (line: string) => void;

export interface ServerOptions {
  tls?: { key: string; cert: string };
  log: Log;
  /** One log line per request (default true; --quiet turns it off). */
  logRequests?: boolean;
  /** Who may use /__emulator/ (default: this machine only, no --host name). */
  control?: ControlAccess;
}

// ---- routing ----

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = got[i] ?? '';
    if (!part.startsWith(':')) {
      if (part !== segment) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** The route for a request; HEAD is answered by the GET route (Node's server then sends no body). */
function matchRoute<C extends Ctx>(
  routes: Route<C>[],
  method: string,
  path: string,
): { route: Route<C>; params: Record<string, string> } | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  for (const route of routes) {
    if (route.method !== wanted) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

// ---- request bodies ----

/** Reads and drops the rest of a body without buffering it, closing the connection past DISCARD_LIMIT. */
function discard(req: IncomingMessage, alreadyRead: number): void {
  let total = alreadyRead;
  req.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > DISCARD_LIMIT) req.socket.destroy();
  });
  req.resume();
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) {
      discard(req, 0);
      reject(errors.payloadTooLarge(BODY_LIMIT));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= BODY_LIMIT) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      chunks.length = 0;
      discard(req, size);
      reject(errors.payloadTooLarge(BODY_LIMIT));
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onGone = (): void => {
      cleanup();
      reject(edgeError(400, 'The request body was not received in full'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

/**
 * Starts reading the body at once (so a request that executes after its client left still has it),
 * and returns the readers handlers call (JSON, or raw text). The body is read at most once.
 */
function bodyReaders(
  req: IncomingMessage,
  malformed: (detail: string) => ApiError,
): { readJson: () => Promise<unknown>; readText: () => Promise<string> } {
  const body = readBody(req);
  body.catch(() => undefined);
  const readText = async (): Promise<string> => (await body).toString('utf8');
  const readJson = async (): Promise<unknown> => {
    const text = await readText();
    if (text.trim() === '') throw malformed('A JSON request body is required');
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw malformed(`The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return { readJson, readText };
}

// ---- request handling ----

const HOST_RE = /^[A-Za-z0-9.\-_:[\]]{1,255}$/;

function baseUrlOf(req: IncomingMessage, app: App, tls: boolean): string {
  const host = req.headers.host;
  return host !== undefined && HOST_RE.test(host) ? `${tls ? 'https' : 'http'}://${host}` : app.url;
}

function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(`http://emulator${target?.startsWith('/') === true ? target : `/${target ?? ''}`}`);
  } catch {
    return undefined;
  }
}

async function run<C extends Ctx>(handler: (ctx: C) => Reply | Promise<Reply>, ctx: C, log: Log): Promise<Reply> {
  try {
    return await handler(ctx);
  } catch (e) {
    return replyForThrown(e, log);
  }
}

function tierOf(method: string): 1 | 2 {
  return method === 'GET' || method === 'HEAD' ? 1 : 2;
}

/** Authentication, rate limiting and routing for everything outside /__emulator/. */
async function executeApi(app: App, ctx: Ctx, req: IncomingMessage): Promise<Reply> {
  if (ctx.url.pathname.startsWith('/oauth/')) return executeOAuth(ctx);
  if (!ctx.url.pathname.startsWith('/api/')) throw errors.routeNotFound();
  if (isScimPath(ctx.url.pathname)) return serveScim(app, ctx, req);
  const principal = await authenticate(req.headers.authorization, app);
  const wait = app.rateLimiter.hit(`${principal.tenantId}:${principal.sub}`, tierOf(ctx.method), app.clock.now());
  if (wait !== undefined) throw errors.rateLimited(wait);
  const match = matchRoute(API_ROUTES, ctx.method, ctx.url.pathname);
  if (!match) throw errors.routeNotFound();
  return match.route.handler({ ...ctx, params: match.params, principal });
}

/** /oauth/token and /oauth/revoke: no bearer token; they rate-limit by client themselves. */
async function executeOAuth(ctx: Ctx): Promise<Reply> {
  const match = matchRoute(oauthRoutes, ctx.method, ctx.url.pathname);
  if (!match) throw errors.routeNotFound();
  return match.route.handler({ ...ctx, params: match.params });
}

async function serveApi(app: App, ctx: Ctx, io: FaultIo, trace: { faultId?: string }, log: Log): Promise<void> {
  const fault = app.faults.match(ctx.method, ctx.url.pathname);
  if (fault) trace.faultId = fault.id;
  const execute = (): Promise<Reply> => run((c) => executeApi(app, c, io.req), ctx, log);
  let reply: Reply | undefined;
  let faithful: boolean;
  if (fault) ({ reply, faithful } = await serveWithFault(fault.action, io, execute));
  else {
    reply = await execute();
    faithful = await writeEncoded(io.res, encodeReply(reply));
  }
  if (reply?.ledgerKeyId !== undefined && faithful) app.store.markDelivered(reply.ledgerKeyId);
}

async function serveControl(app: App, ctx: Ctx, io: FaultIo, opts: ServerOptions): Promise<void> {
  const { res, req } = io;
  const { log } = opts;
  const refused = controlRefusal(req, opts.control ?? { allowRemote: false });
  const match = refused ? undefined : matchRoute(controlRoutes, ctx.method, ctx.url.pathname);
  const reply = refused
    ? replyForThrown(refused, log)
    : match
      ? await run(match.route.handler, { ...ctx, params: match.params }, log)
      : replyForThrown(errors.routeNotFound(), log);
  await writeEncoded(res, encodeReply(reply));
}

async function handle(app: App, opts: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  // The Date header comes from the emulator's clock, like every timestamp in a body (POST /__emulator/time moves both).
  res.setHeader('date', new Date(app.clock.now()).toUTCString());
  const method = req.method ?? 'GET';
  const url = parseTarget(req.url);
  if (!url) {
    await writeEncoded(res, encodeReply(replyForThrown(edgeError(400, 'Invalid request target'), opts.log)));
    return;
  }
  const path = url.pathname;
  const logged = path.startsWith('/api/') || path.startsWith('/resources/') || path.startsWith('/oauth/');
  const seq = logged ? app.requestLog.nextSeq() : 0;
  const trace: { faultId?: string } = {};
  res.once('close', () => {
    const status = res.headersSent ? res.statusCode : 0;
    const ms = Math.round(performance.now() - started);
    if (opts.logRequests !== false)
      opts.log(
        `${method} ${printable(path)} ${status} ${ms}ms${trace.faultId === undefined ? '' : ` (${trace.faultId})`}`,
      );
    if (!logged) return;
    app.requestLog.add({
      seq,
      method,
      path,
      query: queryObject(url.searchParams, !path.startsWith('/oauth/')),
      status,
      ...(trace.faultId === undefined ? {} : { faultId: trace.faultId }),
      ms,
      headers: redactHeaders(req.headers),
      authorization: req.headers.authorization !== undefined,
    });
  });
  const control = path.startsWith('/__emulator/');
  const malformed = control ? (detail: string) => errors.control(detail, '') : errors.malformedJson;
  const ctx: Ctx = {
    app,
    method,
    url,
    params: {},
    baseUrl: baseUrlOf(req, app, opts.tls !== undefined),
    seq,
    ...bodyReaders(req, malformed),
    headers: req.headers,
  };
  if (control) await serveControl(app, ctx, { req, res, method }, opts);
  else await serveApi(app, ctx, { req, res, method }, trace, opts.log);
}

export function createServer(app: App, opts: ServerOptions): http.Server | https.Server {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(app, opts, req, res).catch((e: unknown) => {
      opts.log(`request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent && !res.destroyed)
        void writeEncoded(res, encodeReply(replyForThrown(errors.internal(), opts.log)));
      else res.destroy();
    });
  };
  const onClientError = (_err: Error, socket: Duplex): void => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  };
  if (!opts.tls) return http.createServer(listener).on('clientError', onClientError);
  return https
    .createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
    .on('clientError', onClientError)
    .on('tlsClientError', (_err: Error, socket: Duplex) => socket.destroy());
}
