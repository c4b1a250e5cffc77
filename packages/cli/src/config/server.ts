// Server URLs and server types as users give them, checked and normalised (light: no file or network access).
import { FlagError } from '../errors/errors.js';
import { SERVER_TYPES, type ServerType } from './schema.js';

/**
 * A server URL ending in `/api` or `/api/v1` (copied from an API URL): every request adds `/api/v1/…` itself, so the
 * suffix would double it and every request would get a bare 404. It is removed, and a note says so (the intent is
 * unambiguous, and no Qlik server has its root there); refusing would only make the user type the same thing again.
 */
const API_SUFFIX = /\/api(?:\/v1)?\/*$/i;

/** The line that says a server URL was corrected (undefined when it needed no correction). */
export function apiSuffixNote(raw: string, source: string): string | undefined {
  const value = raw.trim();
  if (!API_SUFFIX.test(value)) return undefined;
  let fixed: string;
  try {
    fixed = normalizeServer(value, source);
  } catch {
    return undefined;
  }
  return `Warning: ${source} ${value} ends in ${/\/api\/v1\/*$/i.test(value) ? '/api/v1' : '/api'}, which the CLI adds to every request itself; using ${fixed}`;
}

/**
 * `tenant.eu.qlikcloud.com` → `https://tenant.eu.qlikcloud.com`; keeps a path prefix (without a trailing `/api` or
 * `/api/v1`); rejects other schemes.
 */
export function normalizeServer(raw: string, source: string): string {
  const value = raw.trim();
  if (value === '') throw new FlagError(`${source}: the server URL is empty`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new FlagError(`${source}: ${JSON.stringify(raw)} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FlagError(
      `${source}: unsupported scheme "${url.protocol.replace(/:$/, '')}" in ${JSON.stringify(raw)} (use https:// or http://)`,
    );
  }
  if (!url.hostname) throw new FlagError(`${source}: ${JSON.stringify(raw)} has no host`);
  if (url.username || url.password)
    throw new FlagError(`${source}: credentials in the server URL are not allowed; use --api-key or --headers`);
  if (url.search || url.hash) throw new FlagError(`${source}: the server URL must not have a query or fragment`);
  const path = url.pathname.replace(/\/+$/, '').replace(API_SUFFIX, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function parseServerType(raw: string, source: string): ServerType {
  const v = raw.trim().toLowerCase();
  if ((SERVER_TYPES as readonly string[]).includes(v)) return v as ServerType;
  throw new FlagError(`${source}: invalid server type ${JSON.stringify(raw)} (valid: ${SERVER_TYPES.join(', ')})`);
}
