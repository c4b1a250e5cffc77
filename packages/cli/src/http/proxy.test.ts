import { describe, expect, it } from 'vitest';
import { HttpClient } from './client.js';
import { bypassesProxy, normalizeProxy, proxyFromEnv } from './proxy.js';
import { Redactor } from './redact.js';
import { NodeTransport } from './transport.js';

describe('bypassesProxy (NO_PROXY)', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['https://tenant.eu.qlikcloud.com', undefined, false],
    ['https://tenant.eu.qlikcloud.com', '', false],
    ['https://tenant.eu.qlikcloud.com', '*', true],
    ['https://tenant.eu.qlikcloud.com', 'qlikcloud.com', true],
    ['https://tenant.eu.qlikcloud.com', '.qlikcloud.com', true],
    ['https://tenant.eu.qlikcloud.com', '*.qlikcloud.com', true],
    ['https://tenant.eu.qlikcloud.com', 'cloud.com', false],
    ['https://tenant.eu.qlikcloud.com', 'example.org, tenant.eu.qlikcloud.com', true],
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['http://127.0.0.1:8080', '127.0.0.1:9090', false],
    ['https://[::1]:8443', '[::1]', true],
  ];
  it.each(cases)('%s with NO_PROXY=%j → %s', (url, noProxy, want) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(want);
  });

  it('adds http:// to scheme-less proxy values', () => {
    expect(normalizeProxy('user:p%40ss@proxy.local:3128')).toBe('http://user:p%40ss@proxy.local:3128');
    expect(normalizeProxy('https://proxy.local')).toBe('https://proxy.local');
    expect(normalizeProxy('  ')).toBeUndefined();
  });
});

describe('proxyFromEnv', () => {
  it('reads either case, adds schemes, and rejects values that are not URLs in one line', () => {
    expect(proxyFromEnv({ https_proxy: 'p.local:3128', HTTP_PROXY: 'http://q.local' })).toEqual({
      https: new URL('http://p.local:3128'),
      http: new URL('http://q.local'),
    });
    expect(() => proxyFromEnv({ HTTPS_PROXY: 'socks5://p.local' })).toThrow(
      'HTTPS_PROXY: unsupported proxy scheme "socks5" (use http:// or https://)',
    );
    expect(() => proxyFromEnv({ HTTP_PROXY: 'http://[bad' })).toThrow('HTTP_PROXY: not a valid proxy URL');
  });
});

describe('connection failures name the proxy when one is used', () => {
  const attempt = async (env: Record<string, string>) => {
    const transport = new NodeTransport({
      insecure: false,
      connectTimeoutMs: 5000,
      totalTimeoutMs: 10_000,
      maxBodyBytes: 1024,
      proxy: proxyFromEnv(env),
    });
    const client = new HttpClient({
      server: 'http://127.0.0.1:9',
      headers: {},
      verbose: false,
      warn: () => undefined,
      redactor: new Redactor(),
      transport,
      sleep: () => Promise.resolve(),
    });
    try {
      await client.attempt({ method: 'GET', path: '/api/v1/users/me' });
      return '';
    } catch (e) {
      return (e as Error).message;
    } finally {
      await client.close();
    }
  };

  it('says the proxy refused the connection, not the server', async () => {
    // Port 9 (discard) is closed on loopback here: the connection to the proxy is refused.
    const msg = await attempt({ HTTP_PROXY: 'http://127.0.0.1:9' });
    expect(msg).toBe('cannot connect to the proxy 127.0.0.1:9 (for 127.0.0.1:9): connection refused');
  });

  it('names the server when NO_PROXY exempts it', async () => {
    const msg = await attempt({ HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' });
    expect(msg).toBe('cannot connect to 127.0.0.1:9: connection refused');
  });
});
