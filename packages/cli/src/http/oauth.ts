// OAuth machine-to-machine authentication (client credentials), as Qlik's CLI does it for contexts created with
// --oauth-client-id/--oauth-client-secret: `POST <server>/oauth/token` with a JSON body, then
// `Authorization: Bearer <access_token>` on every request.
//
// Tokens are cached in one file next to contexts.yml (0600, replaced atomically, under a cross-process lock), keyed by
// server, client id and scope, with their expiry. A token is reused until shortly before it expires. Fetching happens
// under the lock, so that many parallel runs on a cold cache make one token request, not one each. After a 401 the
// token is dropped and a new one fetched once (as @qlik/api does); a 401 with a token fetched moments ago stands.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CliError, TransportError } from '../errors/errors.js';
import { writeFileAtomic } from '../fsutil/atomic.js';
import { withFileLock } from '../fsutil/lock.js';
import type { Authenticator } from './auth.js';
import type { HttpClient, RetryPolicy } from './client.js';
import type { Redactor } from './redact.js';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  scope: string | undefined;
  contextName: string;
}

export interface OAuthOptions {
  /** A client for the token endpoint (same server and transport, no credentials of its own). */
  client: HttpClient;
  credentials: OAuthClientCredentials;
  cacheFile: string;
  redactor: Redactor;
  retry: RetryPolicy;
  now?: () => number;
}

interface CachedToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** SHA-256 of the client secret, so that a changed secret never reuses a token issued for the old one. */
  secret: string;
}

interface CacheFile {
  version: 1;
  tokens: Record<string, CachedToken>;
}

/** A token is renewed this long before it expires. */
const EARLY_MS = 60_000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function qlikErrors(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { errors?: { title?: unknown; detail?: unknown }[] };
    const parts = (body.errors ?? [])
      .map((e) => [e.title, e.detail].filter((x): x is string => typeof x === 'string' && x !== '').join(' - '))
      .filter(Boolean);
    return parts.length > 0 ? parts.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

export class OAuthAuthenticator implements Authenticator {
  private readonly o: OAuthOptions;
  private readonly key: string;
  /** The client secret's SHA-256, which a cached token must carry to be used (a changed secret invalidates it). */
  private readonly secretHash: string;
  private current: CachedToken | undefined;
  /** The token was fetched by this run (not read from the cache), so a 401 with it is final. */
  private fresh = false;

  constructor(o: OAuthOptions) {
    this.o = o;
    this.key = `${o.client.origin} ${o.credentials.clientId} ${o.credentials.scope ?? ''}`;
    this.secretHash = sha256(o.credentials.clientSecret);
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private usable(t: CachedToken | undefined): t is CachedToken {
    return t !== undefined && t.secret === this.secretHash && t.expiresAt - EARLY_MS > this.now();
  }

  private async readCache(): Promise<CacheFile> {
    try {
      const parsed = JSON.parse(await readFile(this.o.cacheFile, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1 && parsed.tokens && typeof parsed.tokens === 'object')
        return { version: 1, tokens: parsed.tokens };
    } catch {
      // Missing or unreadable: treated as empty, rewritten on the next fetch.
    }
    return { version: 1, tokens: {} };
  }

  /** Store `t` in `cache` (read under the lock that is still held) and write the file. */
  private async writeCache(cache: CacheFile, t: CachedToken): Promise<void> {
    cache.tokens[this.key] = t;
    // Expired entries of other clients are dropped so the file does not grow forever.
    const tokens = Object.fromEntries(Object.entries(cache.tokens).filter(([, t]) => t.expiresAt > this.now()));
    await writeFileAtomic(this.o.cacheFile, `${JSON.stringify({ version: 1, tokens })}\n`, { mode: 0o600 });
  }

  private remember(t: CachedToken, fresh: boolean): string {
    this.current = t;
    this.fresh = fresh;
    this.o.redactor.addSecret(t.accessToken);
    return `Bearer ${t.accessToken}`;
  }

  async header(): Promise<string> {
    if (this.usable(this.current)) return `Bearer ${this.current.accessToken}`;
    const cached = (await this.readCache()).tokens[this.key];
    if (this.usable(cached)) return this.remember(cached, false);
    return withFileLock(
      this.o.cacheFile,
      async () => {
        // Another run may have fetched one while this one waited for the lock.
        const cache = await this.readCache();
        const again = cache.tokens[this.key];
        if (this.usable(again)) return this.remember(again, false);
        const t = await this.fetchToken();
        await this.writeCache(cache, t);
        return this.remember(t, true);
      },
      { timeoutMs: 60_000 },
    );
  }

  async refresh(used: string): Promise<string | undefined> {
    if (this.fresh && used === `Bearer ${this.current?.accessToken ?? ''}`) return undefined;
    return withFileLock(
      this.o.cacheFile,
      async () => {
        const cache = await this.readCache();
        const cached = cache.tokens[this.key];
        // Another run renewed it already: use that one.
        if (this.usable(cached) && `Bearer ${cached.accessToken}` !== used) return this.remember(cached, false);
        const t = await this.fetchToken();
        await this.writeCache(cache, t);
        return this.remember(t, true);
      },
      { timeoutMs: 60_000 },
    );
  }

  private async fetchToken(): Promise<CachedToken> {
    const { clientId, clientSecret, scope, contextName } = this.o.credentials;
    const body: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    };
    if (scope !== undefined && scope !== '') body.scope = scope;
    const where = `context '${contextName}'`;
    const endpoint = `${this.o.client.origin}/oauth/token`;
    let res;
    try {
      res = await this.o.client.send({ method: 'POST', path: '/oauth/token', body }, this.o.retry, {
        idempotent: true,
      });
    } catch (e) {
      // A failed token request is not a failed API request: nothing was sent to the API (a create knows it made
      // nothing), and the line says which request failed.
      if (e instanceof TransportError)
        throw new CliError(`${where}: could not get an access token from ${endpoint}: ${e.message}`);
      throw e;
    }
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      const why = qlikErrors(res.text) ?? `${res.status} ${res.statusText}`;
      throw new CliError(`${where}: the OAuth client was rejected by ${this.o.client.origin} (${res.status}): ${why}`);
    }
    if (res.status !== 200) {
      const why = qlikErrors(res.text);
      throw new CliError(
        `${where}: could not get an access token from ${endpoint}: ${res.status} ${res.statusText}${why ? ` (${why})` : ''}`,
      );
    }
    let token: { access_token?: unknown; expires_at?: unknown; expires_in?: unknown };
    try {
      token = JSON.parse(res.text) as typeof token;
    } catch {
      throw new CliError(`${where}: ${endpoint} answered with a body that is not JSON`);
    }
    if (typeof token.access_token !== 'string' || token.access_token === '') {
      throw new CliError(`${where}: ${endpoint} answered without an access_token`);
    }
    this.o.redactor.addSecret(token.access_token);
    const at = typeof token.expires_at === 'string' ? Date.parse(token.expires_at) : Number.NaN;
    const inSeconds = typeof token.expires_in === 'number' ? token.expires_in : Number.NaN;
    // Without either, the token is used for this run only (it expires "now" for the cache).
    const expiresAt = !Number.isNaN(at)
      ? at
      : !Number.isNaN(inSeconds)
        ? this.now() + inSeconds * 1000
        : this.now() + EARLY_MS + 1000;
    return { accessToken: token.access_token, expiresAt, secret: this.secretHash };
  }
}
