// Wires the pieces together: opens the store, loads the signing key, seeds the tenant, starts the
// HTTP(S) server, and knows how to shut everything down.
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { TokenService } from './auth.js';
import { Clock } from './clock.js';
import type { App } from './context.js';
import { FaultRules } from './faults.js';
import { QLIK_RATE_LIMITS, RateLimiter } from './ratelimit.js';
import { RequestLog } from './requestlog.js';
import { initialize, userInfos, type Seed, type UserInfo } from './seed.js';
import { createServer, type Log } from './server.js';
import { Store } from './store.js';
import { makeCertificate, writeCertificate } from './tls.js';

export interface EmulatorOptions {
  host: string;
  port: number;
  dataPath?: string;
  tls: boolean;
  rateLimit: boolean;
  clampExpiry: boolean;
  strict: boolean;
  seed: Seed;
  log: Log;
}

/** The startup line printed on stdout. */
export interface StartupInfo {
  url: string;
  tenantId: string;
  users: UserInfo[];
  caCert?: string;
}

export interface RunningEmulator {
  info: StartupInfo;
  close(): Promise<void>;
}

function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const dataPath = opts.dataPath === undefined ? undefined : resolve(opts.dataPath);
  const store = Store.open(dataPath);
  try {
    const clock = new Clock();
    const tokens = await TokenService.load(store);
    const { tenantId, defaultConfig, reused } = await initialize({ store, tokens, clock }, opts.seed);
    if (reused) opts.log(`using the tenant stored in ${dataPath ?? 'memory'}`);
    const app: App = {
      store,
      clock,
      tokens,
      tenantId,
      options: { clampExpiry: opts.clampExpiry, rateLimit: opts.rateLimit, strict: opts.strict },
      rateLimiter: new RateLimiter({ enabled: opts.rateLimit, ...QLIK_RATE_LIMITS }),
      faults: new FaultRules(),
      requestLog: new RequestLog(store.maxRequestSeq()),
      defaultConfig,
      url: '',
      caCert: undefined,
    };
    const certificate = opts.tls ? await makeCertificate(opts.host) : undefined;
    const server = createServer(app, { log: opts.log, ...(certificate ? { tls: certificate } : {}) });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(opts.port, opts.host, () => {
        server.off('error', fail);
        done();
      });
    });
    const address = server.address() as AddressInfo;
    app.url = `${certificate ? 'https' : 'http'}://${urlHost(address.address)}:${address.port}`;
    const certFile = certificate ? writeCertificate(certificate.cert, dataPath) : undefined;
    app.caCert = certFile?.path;
    const info: StartupInfo = {
      url: app.url,
      tenantId,
      users: userInfos(store, tenantId),
      ...(certFile ? { caCert: certFile.path } : {}),
    };
    const close = async (): Promise<void> => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      store.close();
      certFile?.cleanup();
    };
    return { info, close };
  } catch (e) {
    store.close();
    throw e;
  }
}
