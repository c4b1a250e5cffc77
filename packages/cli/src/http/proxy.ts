// Which proxy a request goes through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case), as Qlik's CLI reads
// them: `host:port` and `user:pass@host` values are accepted (a scheme is added), HTTPS_PROXY is used for https
// targets (falling back to HTTP_PROXY), HTTP_PROXY for http, and NO_PROXY exempts hosts.

export interface ProxySettings {
  http?: URL;
  https?: URL;
  noProxy?: string;
}

/** `host:port` and `user:pass@host` proxy values get a scheme, as Qlik's CLI accepts them. */
export function normalizeProxy(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`;
}

function pick(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[name.toUpperCase()] ?? env[name.toLowerCase()];
}

function proxyUrl(value: string | undefined, name: string): URL | undefined {
  const normalized = normalizeProxy(value);
  if (normalized === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(normalized);
  } catch {
    throw new Error(`${name}: not a valid proxy URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${name}: unsupported proxy scheme "${url.protocol.replace(/:$/, '')}" (use http:// or https://)`);
  return url;
}

/** The proxy settings in an environment; throws a one-line Error for a value that is not a URL. */
export function proxyFromEnv(env: Record<string, string | undefined>): ProxySettings {
  const https = proxyUrl(pick(env, 'https_proxy'), 'HTTPS_PROXY');
  const http = proxyUrl(pick(env, 'http_proxy'), 'HTTP_PROXY');
  const noProxy = pick(env, 'no_proxy');
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), ...(noProxy !== undefined ? { noProxy } : {}) };
}

/** Whether NO_PROXY (comma/space separated hosts, `.suffix`, `*.suffix`, `host:port`, `*`) exempts a URL. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((raw) => {
      if (raw === '*') return true;
      const entry = raw.toLowerCase();
      // `[v6]:port`, a bare IPv6 address (several colons), or `name[:port]`.
      const m =
        /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ??
        (entry.split(':').length > 2 ? [entry, entry] : /^([^:]*)(?::(\d+))?$/.exec(entry));
      const name = (m?.[1] ?? '').replace(/^\*?\./, '');
      if (m?.[2] !== undefined && m[2] !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

/** The proxy for a URL, or undefined to connect directly. */
export function proxyFor(url: URL, p: ProxySettings): URL | undefined {
  if (bypassesProxy(url, p.noProxy)) return undefined;
  return url.protocol === 'https:' ? (p.https ?? p.http) : p.http;
}
