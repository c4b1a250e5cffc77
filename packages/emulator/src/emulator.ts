// Wires the pieces together: opens the store, loads the signing key, seeds the tenant, starts the
// HTTP(S) server, and knows how to shut everything down. Used by the command line (main.ts) and by
// startEmulator() in-process (index.ts).
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { TokenService } from './auth.js';
import { Clock } from './clock.js';
import type { App } from './context.js';
import { FaultRules } from './faults.js';
import type { StartupInfo } from './info.js';
import type { ServiceOptions } from './options.js';
import { QLIK_RATE_LIMITS, RateLimiter } from './ratelimit.js';
import { RequestLog } from './requestlog.js';
import { startupInfo } from './routes/control.js';
import { initialize } from './seed.js';
import { createServer } from './server.js';
import { Store } from './store.js';
import { makeCertificate, writeCertificate } from './tls.js';

export interface RunningService {
  info: StartupInfo;
  /** Closes the server (and every open connection), the database and a temporary certificate file. */
  close(): Promise<void>;
}

function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const dataPath = opts.dataPath === undefined ? undefined : resolve(opts.dataPath);
  const store = Store.open(dataPath);
  let server: ReturnType<typeof createServer> | undefined;
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
      options: {
        clampExpiry: opts.clampExpiry,
        rateLimit: opts.rateLimit,
        strict: opts.strict,
        m2mApiKeys: opts.m2mApiKeys,
      },
      oauthSettings: { m2mApiKeys: opts.m2mApiKeys },
      rateLimiter: new RateLimiter({ enabled: opts.rateLimit, ...QLIK_RATE_LIMITS }),
      faults: new FaultRules(),
      requestLog: new RequestLog(store.maxRequestSeq()),
      defaultConfig,
      url: '',
      caCert: undefined,
    };
    const certificate = opts.tls ? await makeCertificate(opts.host) : undefined;
    server = createServer(app, { log: opts.log, ...(certificate ? { tls: certificate } : {}) });
    const listening = server;
    await new Promise<void>((done, fail) => {
      listening.once('error', fail);
      listening.listen(opts.port, opts.host, () => {
        listening.off('error', fail);
        done();
      });
    });
    const address = listening.address() as AddressInfo;
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
