// Wires the pieces together: opens the store, loads the signing key, seeds the tenant, starts the
// HTTP(S) server, and knows how to shut everything down. Used by the command line (main.ts) and by
// startEmulator() in-process (index.ts).
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { TokenService } from '../http/auth.js';
import { Clock } from '../shared/clock.js';
import type { App } from '../http/context.js';
import { FaultRules } from '../http/faults/rules.js';
import { prepareDataFile } from './files.js';
import { isLoopback } from '../http/guard.js';
import type { StartupInfo } from '../shared/info.js';
import type { ServiceOptions } from './options.js';
import { QLIK_RATE_LIMITS, RateLimiter } from '../http/ratelimit.js';
import { RequestLog } from '../http/requestlog.js';
import { startupInfo } from '../control/routes.js';
import { initialize } from '../control/seed.js';
import { ROUTER_TABLE } from '../router-table.js';
import { createServer } from '../http/server.js';
import { Store } from '../store/store.js';
import { keysStore } from '../services/api-keys/index.js';
import { wireRoles } from './roles.js';
import { makeCertificate, writeCertificate } from './tls.js';

export interface RunningService {
  info: StartupInfo;
  /** Closes the server (and every open connection), the database and a temporary certificate file. */
  close(): Promise<void>;
}

/** The meta entry that keeps the port of the last run with a data file. */
const PORT_META = 'port';

/** Listens on `port`; resolves with the error instead of rejecting when it cannot. */
function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<Error | undefined> {
  return new Promise((done) => {
    const fail = (e: Error): void => done(e);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(undefined);
    });
  });
}

/**
 * Listens on the given port; without one, on the port stored in the data file when it is free (else a free
 * one). Returns whether the port the process got is the one to store.
 */
async function listenOnPort(
  server: ReturnType<typeof createServer>,
  opts: ServiceOptions,
  store: Store,
  persistent: boolean,
): Promise<{ store: boolean }> {
  if (opts.port === undefined && persistent) {
    const stored = Number(store.getMeta(PORT_META));
    if (Number.isInteger(stored) && stored > 0 && stored <= 65535) {
      const error = await listen(server, stored, opts.host);
      if (!error) return { store: true };
      opts.log(`the stored port ${stored} is not free (${error.message}); using another one for this run`);
      const fallback = await listen(server, 0, opts.host);
      if (fallback) throw fallback;
      return { store: false };
    }
  }
  const error = await listen(server, opts.port ?? 0, opts.host);
  if (error) throw error;
  return { store: true };
}

function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const dataPath = opts.dataPath === undefined ? undefined : resolve(opts.dataPath);
  if (dataPath !== undefined) prepareDataFile(dataPath);
  const store = Store.open(dataPath);
  let server: ReturnType<typeof createServer> | undefined;
  try {
    const clock = new Clock();
    const tokens = await TokenService.load(store);
    const { tenantId, defaultConfig, reused } = await initialize({ store, tokens, clock }, opts.seed);
    if (reused) opts.log(`using the tenant stored in ${dataPath ?? 'memory'}`);
    const roles = wireRoles(store, tenantId, clock.now(), reused ? [] : opts.seed.roles);
    const app: App = {
      store,
      roles,
      clock,
      tokens,
      tenantId,
      options: {
        clampExpiry: opts.clampExpiry,
        rateLimit: opts.rateLimit,
        strict: opts.strict,
        m2mApiKeys: opts.m2mApiKeys,
      },
      oauthSettings: { m2mApiKeys: opts.m2mApiKeys },
      rateLimiter: new RateLimiter({ enabled: opts.rateLimit, ...QLIK_RATE_LIMITS }),
      faults: new FaultRules(),
      requestLog: new RequestLog(keysStore(store).maxRequestSeq()),
      defaultConfig,
      url: '',
      caCert: undefined,
    };
    const certificate = opts.tls ? await makeCertificate(opts.host) : undefined;
    server = createServer(app, ROUTER_TABLE, {
      log: opts.log,
      logRequests: !opts.quiet,
      control: { allowRemote: opts.allowRemoteControl, ...(isIP(opts.host) === 0 ? { hostName: opts.host } : {}) },
      ...(certificate ? { tls: certificate } : {}),
    });
    const listening = server;
    const { store: keepPort } = await listenOnPort(listening, opts, store, dataPath !== undefined);
    const address = listening.address() as AddressInfo;
    if (dataPath !== undefined && keepPort) store.setMeta(PORT_META, String(address.port));
    if (!isLoopback(address.address)) {
      if (opts.allowRemoteControl)
        opts.warn(
          `the control API (/__emulator/) is open to every client that can reach ${address.address}:${address.port}: ` +
            'it needs no credentials and mints admin API keys. Use --allow-remote-control only on a network you trust.',
        );
      else
        opts.log(
          `listening on ${address.address}, which is not loopback: the control API (/__emulator/) is refused to ` +
            'clients on other machines (--allow-remote-control serves it to them)',
        );
    }
    app.url = `${certificate ? 'https' : 'http'}://${urlHost(address.address)}:${address.port}`;
    const certFile = certificate ? writeCertificate(certificate.cert, dataPath) : undefined;
    app.caCert = certFile?.path;
    const info = startupInfo(app);
    opts.log(`listening on ${info.url} (tenant ${info.tenantId}, pid ${process.pid})`);
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        const closed = new Promise<void>((done) => listening.close(() => done()));
        listening.closeAllConnections();
        await closed;
        store.close();
        certFile?.cleanup();
      })();
      return closing;
    };
    return { info, close };
  } catch (e) {
    server?.close();
    store.close();
    throw e;
  }
}
