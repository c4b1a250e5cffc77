// Replies and low-level response writing shared by the server, the routes and the fault actions.
// A handler returns a Reply instead of writing to the socket (so that fault rules can mangle a
// response after the request has executed); this module turns it into bytes, writes them, and
// resets connections (TCP RST, also under TLS).
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, errors } from '../shared/errors.js';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON (JSON_CONTENT_TYPE unless headers say otherwise). */
  json?: unknown;
  /** A raw body; its content-type goes in headers. */
  text?: string;
  /** On a successful create: the ledger entry to mark delivered once the response is fully written. */
  ledgerKeyId?: string;
}

export function jsonReply(status: number, json: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json, headers } : { status, json };
}

export function emptyReply(status = 204): Reply {
  return { status };
}

export function redirectReply(status: number, location: string): Reply {
  const href = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return {
    status,
    headers: { location, 'content-type': 'text/html; charset=utf-8' },
    text: `<a href="${href}">${status === 301 ? 'Moved Permanently' : 'Found'}</a>.\n`,
  };
}

/** What Qlik Cloud sends with every JSON body. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface Encoded {
  status: number;
  headers: Record<string, string>;
  payload: Buffer;
  /** The JSON value behind the payload, when there is one. */
  json?: unknown;
}

export function encodeReply(reply: Reply): Encoded {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = Buffer.alloc(0);
  if (reply.json !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] ??= JSON_CONTENT_TYPE;
  } else if (reply.text !== undefined) {
    payload = Buffer.from(reply.text);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  headers['content-length'] = String(payload.length);
  const encoded: Encoded = { status: reply.status, headers, payload };
  if (reply.json !== undefined) encoded.json = reply.json;
  return encoded;
}

function errorReply(error: ApiError): Reply {
  return { status: error.status, headers: { ...error.headers }, json: error.body() };
}

/** Maps anything thrown by a handler to a reply; unexpected errors become a logged 500. */
export function replyForThrown(thrown: unknown, log: (line: string) => void): Reply {
  if (thrown instanceof ApiError) return errorReply(thrown);
  log(`internal error: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`);
  return errorReply(errors.internal());
}

/** Resolves true once the response is fully handed to the OS, false if the connection closed first. */
export function whenWritten(res: ServerResponse): Promise<boolean> {
  if (res.writableFinished) return Promise.resolve(true);
  return new Promise((resolve) => {
    res.once('finish', () => resolve(true));
    res.once('close', () => resolve(res.writableFinished));
  });
}

export function writeEncoded(res: ServerResponse, encoded: Encoded): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  res.writeHead(encoded.status, encoded.headers);
  res.end(encoded.payload);
  return whenWritten(res);
}

/** Waits `ms`, or less if the client goes away. Resolves false when the client went away. */
export function pause(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

/** Closes the connection with a TCP RST. TLS sockets are reset through their underlying TCP socket. */
export function resetConnection(socket: Socket | null): void {
  if (!socket || socket.destroyed) return;
  const parent = (socket as Socket & { _parent?: Socket | null })._parent;
  try {
    if (parent && !parent.destroyed) {
      parent.resetAndDestroy();
      socket.destroy();
    } else {
      socket.resetAndDestroy();
    }
  } catch {
    socket.destroy();
  }
}
