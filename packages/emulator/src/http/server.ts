// The HTTP(S) server: authentication and rate limiting in front of the Qlik routes (the router table it is
// given), fault rules around them, the control API behind its guard, error → response mapping, and the request
// log (one stderr line per request, plus the /__emulator/requests entries). Bodies: body.ts; matching: router.ts.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { authenticate, type Principal } from './auth.js';
import type { ApiCtx, App, Ctx, Route, Service } from './context.js';
import { edgeError, errors } from '../shared/errors.js';
import { serveWithFault, type FaultIo } from './faults/actions.js';
import { controlRefusal, type ControlAccess } from './guard.js';
import { encodeReply, replyForThrown, writeEncoded, type Reply } from './reply.js';
import { queryObject, redactHeaders } from './requestlog.js';
import { printable } from '../shared/text.js';
import { bodyReaders } from './body.js';
import { matchRoute, unrouted } from './router.js';

export type Log = (line: string) => void;

/** Open connections at once; more are closed on arrival (Node's `server.maxConnections`). */
export const MAX_CONNECTIONS = 1024;
/** A request (headers and body) must arrive within this; then it is answered 408 and its connection closed. */
export const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 20_000;

export interface ServerOptions {
  tls?: { key: string; cert: string };
  log: Log;
  /** One log line per request (default true; --quiet turns it off). */
  logRequests?: boolean;
  /** Who may use /__emulator/ (default: this machine only, no --host name). */
  control?: ControlAccess;
}

/** What the server routes to: the Qlik services (router-table.ts) and the control API (/__emulator/). */
export interface RouterTable {
  services: readonly Service[];
  control: Route<Ctx>[];
}

/** The routes looked up per request: the authenticated /api/ table, the open /oauth/ table, the control table. */
interface Tables {
  api: Route<ApiCtx>[];
  open: Route<Ctx>[];
  control: Route<Ctx>[];
  mounts: NonNullable<Service['mount']>[];
}

function tablesOf(table: RouterTable): Tables {
  return {
    api: table.services.flatMap((s) => s.routes),
    open: table.services.flatMap((s) => s.openRoutes ?? []),
    control: table.control,
    mounts: table.services.flatMap((s) => (s.mount ? [s.mount] : [])),
  };
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

/**
 * Authentication, rate limiting and routing for everything outside /__emulator/. `principal`: the bearer already
 * checked by serveApi (undefined when it failed: checked again here, to answer the error).
 */
async function executeApi(
  app: App,
  tables: Tables,
  ctx: Ctx,
  req: IncomingMessage,
  principal: Principal | undefined,
): Promise<Reply> {
  if (ctx.url.pathname.startsWith('/oauth/')) return executeOAuth(tables, ctx);
  if (!ctx.url.pathname.startsWith('/api/')) throw errors.routeNotFound();
  const path = ctx.url.pathname;
  const mount = tables.mounts.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
  if (mount) return mount.serve(app, ctx, req.headers.authorization);
  const who = principal ?? (await authenticate(req.headers.authorization, app));
  const wait = app.rateLimiter.hit(`${who.tenantId}:${who.sub}`, tierOf(ctx.method), app.clock.now());
  if (wait !== undefined) throw errors.rateLimited(wait);
  const match = matchRoute(tables.api, ctx.method, ctx.url.pathname);
  if (!match) throw unrouted(tables.api, ctx.method, ctx.url.pathname);
  return match.route.handler({ ...ctx, params: match.params, principal: who });
}

/** /oauth/token and /oauth/revoke: no bearer token; they rate-limit by client themselves. */
async function executeOAuth(tables: Tables, ctx: Ctx): Promise<Reply> {
  const match = matchRoute(tables.open, ctx.method, ctx.url.pathname);
  if (!match) throw errors.routeNotFound();
  return match.route.handler({ ...ctx, params: match.params });
}

const ignore = (): void => undefined;

/** Starts reading a request's body, and says whether it was started. */
interface BodyControl {
  start: () => void;
  started: () => boolean;
}

async function serveApi(
  app: App,
  tables: Tables,
  ctx: Ctx,
  io: FaultIo,
  trace: { faultId?: string },
  log: Log,
  body: BodyControl,
): Promise<void> {
  // The bearer is checked first: a body is read only for a client that proved who it is (issue 18: 21), and then at
  // once, so that a request executed after a fault's delay still has it when its client has gone.
  let principal: Principal | undefined;
  if (ctx.url.pathname.startsWith('/oauth/')) body.start();
  else if (ctx.url.pathname.startsWith('/api/')) {
    principal = await authenticate(io.req.headers.authorization, app).catch(() => undefined);
    if (principal) body.start();
  }
  const fault = app.faults.match(ctx.method, ctx.url.pathname);
  if (fault) trace.faultId = fault.id;
  const execute = (): Promise<Reply> => run((c) => executeApi(app, tables, c, io.req, principal), ctx, log);
  let reply: Reply | undefined;
  let faithful: boolean;
  if (fault) ({ reply, faithful } = await serveWithFault(fault.action, io, execute));
  else {
    reply = await execute();
    // Refused before its body was read (no valid token): the body is not read. After the answer Node would resume the
    // request to read and drop the rest (every chunk a fresh copy: 200 stalled 1 MiB bodies grew RSS by 35 MiB). A
    // 'readable' listener makes that resume() a no-op (stream.Readable's documented rule) and the paused socket reads
    // nothing more: what the first read brought stays (up to 64 KiB), the client's unsent rest waits in its own
    // buffers until it gives up or the request timeout closes the connection. (read(0), used before, resumed the
    // socket for one more chunk, and did not stop the drop when a full chunk was already buffered.)
    if (!body.started() && !io.req.complete) {
      io.req.on('readable', ignore);
      io.req.socket.pause();
    }
    faithful = await writeEncoded(io.res, encodeReply(reply));
  }
  if (reply?.ledgerKeyId !== undefined && faithful) app.store.markDelivered(reply.ledgerKeyId);
}

async function serveControl(tables: Tables, ctx: Ctx, io: FaultIo, opts: ServerOptions): Promise<void> {
  const { res, req } = io;
  const { log } = opts;
  const refused = controlRefusal(req, opts.control ?? { allowRemote: false });
  const match = refused ? undefined : matchRoute(tables.control, ctx.method, ctx.url.pathname);
  const reply = refused
    ? replyForThrown(refused, log)
    : match
      ? await run(match.route.handler, { ...ctx, params: match.params }, log)
      : replyForThrown(errors.routeNotFound(), log);
  await writeEncoded(res, encodeReply(reply));
}

async function handle(
  app: App,
  tables: Tables,
  opts: ServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
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
  const { start: startBody, started: bodyStarted, readJson, readText } = bodyReaders(req);
  const ctx: Ctx = {
    app,
    method,
    url,
    params: {},
    baseUrl: baseUrlOf(req, app, opts.tls !== undefined),
    seq,
    readJson,
    readText,
    headers: req.headers,
    peer: req.socket.remoteAddress ?? '',
  };
  if (control) {
    startBody();
    await serveControl(tables, ctx, { req, res, method }, opts);
  } else
    await serveApi(app, tables, ctx, { req, res, method }, trace, opts.log, {
      start: startBody,
      started: bodyStarted,
    });
}

export function createServer(app: App, table: RouterTable, opts: ServerOptions): http.Server | https.Server {
  const tables = tablesOf(table);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(app, tables, opts, req, res).catch((e: unknown) => {
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
  const server = opts.tls
    ? https
        .createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
        .on('clientError', onClientError)
        .on('tlsClientError', (_err: Error, socket: Duplex) => socket.destroy())
    : http.createServer(listener).on('clientError', onClientError);
  // What stalled clients can hold is bounded: connections at once, and the time to send a whole request.
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  return server;
}
