// Who may use the control API (/__emulator/), which needs no credentials and hands out admin keys:
// - clients on other machines only with --allow-remote-control (a loopback peer is always served);
// - only under a Host that a DNS-rebinding page cannot produce: an IP address, `localhost` or a name under
//   `.localhost`, or the --host name (a browser sends the attacker's own name as Host after rebinding);
// - requests that change state (any method but GET and HEAD) only with `content-type: application/json`,
//   which a cross-site form or a "simple" fetch() cannot send (the browser asks first, and the emulator never
//   answers CORS preflights).
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { edgeError, type ApiError } from '../shared/errors.js';
import { mediaType } from '../shared/text.js';

export interface ControlAccess {
  /** --allow-remote-control. */
  allowRemote: boolean;
  /** The --host name, when it is a name rather than an address. */
  hostName?: string;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') ? isIP(v4) === 4 : address === '::1';
}

/** The host part of a Host header value (no port, no brackets), lower-cased; undefined when malformed. */
function hostPart(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0 || (end + 1 < value.length && !/^:\d{1,5}$/.test(value.slice(end + 1)))) return undefined;
    return value.slice(1, end);
  }
  const colon = value.indexOf(':');
  if (colon >= 0 && !/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  return colon < 0 ? value : value.slice(0, colon);
}

function hostAllowed(header: string | undefined, access: ControlAccess): boolean {
  if (header === undefined) return true;
  const host = hostPart(header);
  if (host === undefined || host === '') return false;
  if (isIP(host) !== 0) return true;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return access.hostName !== undefined && host === access.hostName.toLowerCase();
}

function isJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/json';
}

/** Why this control request is refused, or undefined when it may go on. */
export function controlRefusal(req: IncomingMessage, access: ControlAccess): ApiError | undefined {
  if (!access.allowRemote && !isLoopback(req.socket.remoteAddress)) {
    return edgeError(
      403,
      'The control API (/__emulator/) is only served to clients on this machine; start qlik-emulator with ' +
        '--allow-remote-control to serve it to others (anyone who can reach the port can then mint admin keys)',
    );
  }
  if (!hostAllowed(req.headers.host, access)) {
    return edgeError(
      403,
      'The control API answers only under Host localhost, an IP address or the --host name (DNS rebinding protection)',
    );
  }
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && !isJson(req.headers['content-type'])) {
    return edgeError(415, 'Control requests that change state need "content-type: application/json"');
  }
  return undefined;
}
