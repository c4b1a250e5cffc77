// Failure classification: every way an exchange can fail, as one line a user can act on, and a kind that says whether
// the request can have reached the server — which decides what may be retried (see client.ts and
// api/create-safely.ts).
import { STATUS_CODES } from 'node:http';
import { TransportError } from '../errors/errors.js';

/** How far the exchange got: connecting, writing the request, request fully written, reading the response body. */
export type Phase = 'connect' | 'send' | 'sent' | 'body';

export interface FailureContext {
  url: URL;
  proxy: URL | undefined;
  phase: Phase;
  /** The response status, when the head had arrived. */
  status: number | undefined;
  timeoutMs: number;
}

const CERT_HINTS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain holds a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate is signed by an unknown authority',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not match the host name',
};

function code(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Go's status text for a status code (`''` when it has none). */
export function statusText(status: number): string {
  return STATUS_CODES[status] ?? '';
}

/** A proxy that would not open the tunnel: nothing reached the server. */
export function proxyRefused(status: number, url: URL, proxy: URL): TransportError {
  const hint = status === 407 ? ' (check the user and password in HTTPS_PROXY/HTTP_PROXY)' : '';
  return new TransportError(
    `the proxy ${proxy.host} refused to connect to ${url.host}: ${status} ${statusText(status)}${hint}`.replace(
      / +$/,
      '',
    ),
    'not-sent',
    `PROXY_${status}`,
  );
}

export function classifyFailure(e: unknown, ctx: FailureContext): TransportError {
  const c = code(e);
  const host = ctx.url.host;
  const scheme = ctx.url.protocol.replace(/:$/, '');
  const via = ctx.proxy ? `the proxy ${ctx.proxy.host} (for ${host})` : host;
  const after = ctx.status === undefined ? '' : ` (after status ${ctx.status})`;
  // Nothing can have been executed while connecting, or while the request was still being written (a server acts on
  // a complete request only).
  const unsent = ctx.phase === 'connect' || ctx.phase === 'send';
  const message = e instanceof Error ? e.message : String(e);

  if (c === 'QLIK_TOO_LARGE') {
    return new TransportError(
      `the response from ${host} is larger than 10 MiB${after}`,
      'fatal',
      'TOO_LARGE',
      ctx.status,
    );
  }
  if (c === 'QLIK_CONNECT_TIMEOUT')
    return new TransportError(`cannot connect to ${via}: connect timeout`, 'not-sent', 'CONNECT_TIMEOUT');
  if (c === 'QLIK_TIMEOUT') {
    return new TransportError(
      `request to ${host} timed out after ${ctx.timeoutMs / 1000}s${after}`,
      unsent ? 'not-sent' : 'ambiguous',
      'TIMEOUT',
      ctx.status,
    );
  }
  if (c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME' || c === 'EAI_FAIL') {
    const name = ctx.proxy ? ctx.proxy.hostname : ctx.url.hostname;
    return new TransportError(
      `could not resolve host ${name}${ctx.proxy ? ` (the proxy for ${host})` : ''}`,
      'not-sent',
      c,
    );
  }
  if (c === 'ECONNREFUSED') return new TransportError(`cannot connect to ${via}: connection refused`, 'not-sent', c);
  if (c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'EADDRNOTAVAIL' || c === 'ENETDOWN' || c === 'EHOSTDOWN') {
    return new TransportError(
      `cannot connect to ${via}: ${c === 'ENETUNREACH' || c === 'ENETDOWN' ? 'network unreachable' : 'host unreachable'}`,
      'not-sent',
      c,
    );
  }
  if (
    c === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    c === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    /wrong version number/i.test(message)
  ) {
    const plain = new URL(ctx.url.href);
    plain.protocol = 'http:';
    return new TransportError(
      `the server at ${scheme}://${host} speaks plain HTTP, not HTTPS; try ${plain.origin}`,
      'tls',
      c ?? 'ERR_SSL_WRONG_VERSION_NUMBER',
    );
  }
  if (
    c !== undefined &&
    (CERT_HINTS[c] !== undefined || c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || c.includes('CERT'))
  ) {
    const why = CERT_HINTS[c] ?? 'the TLS handshake failed';
    return new TransportError(
      `TLS error connecting to ${host}: ${why} (${c}); use --insecure to accept it, or trust its CA with NODE_EXTRA_CA_CERTS`,
      'tls',
      c,
    );
  }
  if (c?.startsWith('HPE_') && ctx.url.protocol === 'http:' && ctx.status === undefined) {
    const secure = new URL(ctx.url.href);
    secure.protocol = 'https:';
    return new TransportError(
      `the server at http://${host} did not answer in HTTP (does it speak HTTPS? try ${secure.origin})`,
      'ambiguous',
      c,
    );
  }
  if (c === 'ECONNRESET' || c === 'EPIPE' || c === 'ECONNABORTED' || /socket hang up/i.test(message)) {
    const why =
      ctx.proxy && ctx.phase === 'connect'
        ? `connection to the proxy ${ctx.proxy.host} was reset`
        : 'connection reset by the server';
    return new TransportError(
      `request to ${host} failed: ${why}${after}`,
      unsent ? 'not-sent' : 'ambiguous',
      c ?? 'ECONNRESET',
      ctx.status,
    );
  }
  return new TransportError(
    `request to ${host} failed: ${(c ?? message.split('\n')[0] ?? 'network error').trim()}${after}`,
    unsent ? 'not-sent' : 'ambiguous',
    c,
    ctx.status,
  );
}

/**
 * Whether a TLS handshake with the host of an http:// URL succeeds: asked only after a plain HTTP request was reset
 * without an answer (what a TLS server does with one), so that the error can say the server speaks HTTPS. The probe
 * sends no request and no credentials, and gives up after `timeoutMs`.
 */
export async function speaksTls(url: URL, timeoutMs = 1000): Promise<boolean> {
  const tls = await import('node:tls');
  const { isIP } = await import('node:net');
  return new Promise((resolvePromise) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({
      host,
      port: Number(url.port || 80),
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
    });
    const done = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A plain HTTP request to a server that speaks HTTPS. */
export function plainHttpToTls(url: URL, e: TransportError): TransportError {
  const secure = new URL(url.href);
  secure.protocol = 'https:';
  const err = new TransportError(
    `the server at http://${url.host} speaks HTTPS, not plain HTTP; use ${secure.origin}`,
    e.kind,
    'PLAIN_HTTP_TO_TLS',
    e.status,
  );
  return err.withHint(
    `use --server ${secure.origin} (or store it: qlik context update <name> --server ${secure.origin})`,
  );
}
