// The Emulator object startEmulator() hands out, for both modes: its fields come from the startup
// info, its methods call the control API over HTTP(S) on a keep-alive agent, so in-process and child
// emulators behave the same by construction. Only stopping differs (the `shutdown` passed in).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {
  ApiKeysConfigView,
  Emulator,
  FaultRuleView,
  IdentityProviderView,
  LedgerEntry,
  OAuthClientView,
  OAuthSettings,
  OAuthTokenView,
  RequestLogEntry,
} from './public-types.js';
import type { EmulatorUser, StartupInfo } from './shared/info.js';
import { printable } from './shared/text.js';

interface ControlResponse {
  status: number;
  text: string;
}

/** A short description of a failed control call's body: the Qlik error's detail and pointer, or its text. */
function failure(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { detail?: string; title?: string; source?: { pointer?: string } }[] };
    const error = body.errors?.[0];
    if (error) {
      const at = error.source?.pointer;
      return printable(`${error.detail ?? error.title ?? ''}${at === undefined ? '' : ` (at ${at || '/'})`}`, 300);
    }
  } catch {
    // not JSON: quote the text
  }
  return printable(text, 300);
}

export function emulatorHandle(info: StartupInfo, shutdown: () => Promise<void>): Emulator {
  const base = new URL(info.url);
  const tls = base.protocol === 'https:';
  const ca = info.caCert === undefined ? undefined : readFileSync(info.caCert, 'utf8');
  const agent = tls
    ? new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) })
    : new http.Agent({ keepAlive: true });
  const users = [...info.users];
  const oauthClients = [...info.oauthClients];

  const send = (method: string, path: string, body: unknown, retried = false): Promise<ControlResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      // Control requests that change state must say application/json, with a body or without (guard.ts).
      const headers: Record<string, string> = method === 'GET' ? {} : { 'content-type': 'application/json' };
      if (payload) headers['content-length'] = String(payload.length);
      const options = { method, agent, headers };
      const target = new URL(path, base);
      const req = tls ? https.request(target, options) : http.request(target, options);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        // An idle keep-alive socket that the server closed just as this request went out: the server never read
        // the request, so it is sent once more on a new connection (as Node's documentation advises).
        if (!retried && req.reusedSocket && e.code === 'ECONNRESET')
          send(method, path, body, true).then(resolve, reject);
        else reject(e);
      });
      req.end(payload);
    });

  const control = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const route = path.startsWith('/__emulator/') ? path : `/__emulator/${path.replace(/^\/+/, '')}`;
    const verb = method.toUpperCase();
    let res: ControlResponse;
    try {
      res = await send(verb, route, body);
    } catch (e) {
      throw new Error(`qlik-emulator: ${verb} ${route} failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
    if (res.status < 200 || res.status >= 300)
      throw new Error(`qlik-emulator: ${verb} ${route} failed with ${res.status}: ${failure(res.text)}`);
    return (res.text === '' ? undefined : JSON.parse(res.text)) as T;
  };

  let stopping: Promise<void> | undefined;
  return {
    url: info.url,
    tenantId: info.tenantId,
    users,
    oauthClients,
    ...(info.caCert === undefined ? {} : { caCert: info.caCert }),
    user(name) {
      const user = users.find((u) => u.name === name);
      if (!user)
        throw new Error(
          `qlik-emulator has no user named ${JSON.stringify(name)} (its users: ${users.map((u) => u.name).join(', ')})`,
        );
      return user;
    },
    oauthClient(name) {
      const client = oauthClients.find((c) => c.name === name);
      if (!client)
        throw new Error(
          `qlik-emulator has no OAuth client named ${JSON.stringify(name)} (its clients: ${oauthClients.map((c) => c.name).join(', ') || 'none'})`,
        );
      return client;
    },
    async addOAuthClient(c) {
      const view = await control<OAuthClientView>('POST', 'oauth/clients', c);
      oauthClients.push({
        clientId: view.clientId,
        clientSecret: view.clientSecret,
        userId: view.userId,
        name: view.name,
      });
      return view;
    },
    identityProviders: async () =>
      (await control<{ identityProviders: IdentityProviderView[] }>('GET', 'identity-providers')).identityProviders,
    addIdentityProvider: (idp) => control<IdentityProviderView>('POST', 'identity-providers', idp),
    oauthTokens: async () => (await control<{ tokens: OAuthTokenView[] }>('GET', 'oauth/tokens')).tokens,
    expireOAuthTokens: async (match = {}) =>
      (await control<{ count: number }>('POST', 'oauth/tokens/expire', match)).count,
    revokeOAuthTokens: async (match = {}) =>
      (await control<{ count: number }>('POST', 'oauth/tokens/revoke', match)).count,
    setOAuthSettings: (patch) => control<OAuthSettings>('PUT', 'oauth/settings', patch),
    faults: {
      add: async (rule) => (await control<{ id: string }>('POST', 'faults', rule)).id,
      clear: async () => {
        await control('DELETE', 'faults');
      },
      list: async () => (await control<{ faults: FaultRuleView[] }>('GET', 'faults')).faults,
    },
    ledger: async () => (await control<{ entries: LedgerEntry[] }>('GET', 'ledger')).entries,
    requests: async () => (await control<{ requests: RequestLogEntry[] }>('GET', 'requests')).requests,
    setConfig: (patch) => control<ApiKeysConfigView>('PUT', 'config', patch),
    setTime: (t) => control<{ offsetMs: number; now: string }>('POST', 'time', { offsetMs: t.offsetMs }),
    async addUser(u) {
      const user = await control<EmulatorUser>('POST', 'users', u);
      users.push(user);
      return user;
    },
    async addUsers(list) {
      const added = (await control<{ users: EmulatorUser[] }>('POST', 'users/batch', { users: list })).users;
      users.push(...added);
      return added;
    },
    defineRole: (role) => control<Record<string, unknown>>('POST', 'roles', role),
    async setUserRoles(userId, roles) {
      const set = await control<{ id: string; roles: string[] }>('PUT', `users/${encodeURIComponent(userId)}/roles`, {
        roles,
      });
      for (const u of users) if (u.id === userId) u.roles = set.roles;
      return set;
    },
    reset: async () => {
      await control('POST', 'reset');
    },
    control,
    stop() {
      stopping ??= (async () => {
        agent.destroy();
        await shutdown();
      })();
      return stopping;
    },
  };
}
