// Server URLs and server types as users give them, checked and normalised (light: no file or network access).
import { FlagError } from '../errors/errors.js';
import { SERVER_TYPES, type ServerType } from './schema.js';

/** `tenant.eu.qlikcloud.com` → `https://tenant.eu.qlikcloud.com`; keeps a path prefix; rejects other schemes. */
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
    throw new FlagError(`${source}: unsupported scheme "${url.protocol.replace(/:$/, '')}" in ${JSON.stringify(raw)} (use https:// or http://)`);
  }
  if (!url.hostname) throw new FlagError(`${source}: ${JSON.stringify(raw)} has no host`);
  if (url.username || url.password) throw new FlagError(`${source}: credentials in the server URL are not allowed; use --api-key or --headers`);
  if (url.search || url.hash) throw new FlagError(`${source}: the server URL must not have a query or fragment`);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function parseServerType(raw: string, source: string): ServerType {
  const v = raw.trim().toLowerCase();
  if ((SERVER_TYPES as readonly string[]).includes(v)) return v as ServerType;
  throw new FlagError(`${source}: invalid server type ${JSON.stringify(raw)} (valid: ${SERVER_TYPES.join(', ')})`);
}
