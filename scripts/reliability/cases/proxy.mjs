// 4. Proxy and TLS: the proxy cases are rows of one table (which proxy, which emulator, the environment, the
// outcome); the self-signed certificate case counts connections through a relay.
import { randomBytes } from 'node:crypto';
import { envFor, homeFor, registerSecret, runQlik, stderrLines } from '../lab.mjs';
import { PROXY_ONLY_HOST, startProxy, startRelay } from '../net.mjs';
import { checkRun, noLeaks, secretValue, Verdict } from '../verdict.mjs';

const USER = 'reliability';

/** @typedef {import('./case.mjs').Lab['emu']} LabEmulator */
/** @typedef {Awaited<ReturnType<typeof startProxy>>} Proxy */
/**
 * @typedef {object} ProxyRow
 * @property {string} id
 * @property {string} injected
 * @property {string} expected
 * @property {boolean} [reduced]
 * @property {'main' | 'odd'} [proxy]
 * @property {boolean} [tls]
 * @property {(emu: LabEmulator) => string} [server]
 * @property {string[]} [args]
 * @property {(ctx: { emu: LabEmulator, proxy: Proxy | undefined, proxyUrl: (pw?: string) => string }) => Record<string, string | undefined>} env
 * @property {number} exit
 * @property {number | '>0'} [tunnels]
 * @property {number | '>0'} [forwarded]
 * @property {number} [rejected]
 * @property {RegExp} [stderr]
 * @property {boolean} [quiet]
 */

/**
 * One row per case. `proxy`: which local proxy ('main' with the run's password, 'odd' with @ : / % in it, or none);
 * `tls`: the --tls emulator (default) or the plain one; `server(emu)`: the context's server when not the emulator's
 * URL; `env({ emu, proxyUrl, proxy })`: the variables of the run. Outcome: `exit`, `tunnels` ('>0' or a number),
 * `forwarded` (absolute-form requests through the proxy), `rejected` (407s), `stderr` (a pattern) or `quiet`
 * (nothing on stderr). Every run must end within 10 s: the proxy keeps idle tunnels open for 30 s, so a CLI that
 * leaves its tunnel open would wait for it.
 * @type {ProxyRow[]}
 */
const PROXY_ROWS = [
  {
    id: 'proxy/https-proxy-auth',
    injected: 'HTTPS_PROXY=http://user:pass@127.0.0.1:PORT (CONNECT, Basic auth) to the --tls emulator, -v',
    expected: 'exit 0 through 1 tunnel, 0 rejections, within 10 s; the proxy password never on stderr',
    proxy: 'main',
    env: ({ emu, proxyUrl }) => ({ HTTPS_PROXY: proxyUrl(), NODE_EXTRA_CA_CERTS: emu.caCert }),
    exit: 0,
    tunnels: '>0',
    rejected: 0,
  },
  {
    id: 'proxy/only-route',
    reduced: true,
    injected: `HTTPS_PROXY, and a server (https://${PROXY_ONLY_HOST}:PORT) whose name only the proxy can resolve, --insecure`,
    expected: 'exit 0: the request went through the tunnel (a direct connection cannot resolve the name)',
    proxy: 'main',
    server: (emu) => `https://${PROXY_ONLY_HOST}:${emu.port}`,
    args: ['api-key', 'ls', '-q', '--insecure'],
    env: ({ proxyUrl }) => ({ HTTPS_PROXY: proxyUrl() }),
    exit: 0,
    tunnels: 1,
    rejected: 0,
    stderr: /insecure/i,
  },
  {
    id: 'proxy/encoded-password',
    injected: 'HTTPS_PROXY whose password holds @ : / % (percent-encoded in the URL), -v',
    expected: 'exit 0 through ≥1 tunnel; neither the encoded nor the decoded password on stderr',
    proxy: 'odd',
    env: ({ emu, proxyUrl }) => ({ HTTPS_PROXY: proxyUrl(), NODE_EXTRA_CA_CERTS: emu.caCert }),
    exit: 0,
    tunnels: '>0',
    rejected: 0,
  },
  {
    id: 'proxy/wrong-password',
    injected: 'HTTPS_PROXY with a wrong password (407), -v',
    expected: 'exit 1 naming the proxy; neither password on stderr',
    proxy: 'main',
    env: ({ emu, proxyUrl }) => ({ HTTPS_PROXY: proxyUrl(secretValue('bad')), NODE_EXTRA_CA_CERTS: emu.caCert }),
    exit: 1,
    tunnels: 0,
    stderr: /proxy|407/i,
  },
  {
    id: 'proxy/no-proxy',
    injected: 'HTTPS_PROXY set, NO_PROXY=127.0.0.1',
    expected: 'exit 0 directly: 0 tunnels',
    proxy: 'main',
    env: ({ emu, proxyUrl }) => ({ HTTPS_PROXY: proxyUrl(), NO_PROXY: '127.0.0.1', NODE_EXTRA_CA_CERTS: emu.caCert }),
    exit: 0,
    tunnels: 0,
  },
  {
    id: 'proxy/lower-case',
    injected: 'https_proxy (lower case) with credentials',
    expected: 'exit 0 through ≥1 tunnel',
    proxy: 'main',
    env: ({ emu, proxyUrl }) => ({ https_proxy: proxyUrl(), NODE_EXTRA_CA_CERTS: emu.caCert }),
    exit: 0,
    tunnels: '>0',
    rejected: 0,
  },
  {
    id: 'proxy/lower-case-no-proxy',
    injected: 'https_proxy and no_proxy=localhost,127.0.0.1 (lower case)',
    expected: 'exit 0 directly: 0 tunnels',
    proxy: 'main',
    env: ({ emu, proxyUrl }) => ({
      https_proxy: proxyUrl(),
      no_proxy: 'localhost,127.0.0.1',
      NODE_EXTRA_CA_CERTS: emu.caCert,
    }),
    exit: 0,
    tunnels: 0,
  },
  {
    id: 'proxy/http-proxy-plain',
    injected: 'HTTP_PROXY=http://user:pass@… to the plain http emulator, -v',
    expected:
      'exit 0 through the proxy (absolute-form requests, as for any http:// target); the password never on stderr',
    proxy: 'main',
    tls: false,
    env: ({ proxyUrl }) => ({ HTTP_PROXY: proxyUrl() }),
    exit: 0,
    tunnels: 0,
    forwarded: '>0',
    rejected: 0,
  },
  {
    id: 'tls/insecure',
    injected: '--tls emulator with --insecure',
    expected: 'exit 0, with a warning that the certificate is not verified',
    args: ['api-key', 'ls', '-q', '--insecure'],
    env: () => ({}),
    exit: 0,
    stderr: /insecure/i,
  },
  {
    id: 'tls/extra-ca',
    injected: '--tls emulator, NODE_EXTRA_CA_CERTS=<caCert>, no --insecure',
    expected: 'exit 0, nothing on stderr',
    args: ['api-key', 'ls', '-q'],
    env: ({ emu }) => ({ NODE_EXTRA_CA_CERTS: emu.caCert }),
    exit: 0,
    quiet: true,
  },
];

const MAX_MS = 10_000;

/**
 * @param {Verdict} v
 * @param {string} name
 * @param {number} actual
 * @param {number | '>0' | undefined} wanted
 */
function count(v, name, actual, wanted) {
  if (wanted === undefined) return;
  if (wanted === '>0') v.expect(actual > 0, `no ${name} through the proxy`);
  else v.eq(name, actual, wanted);
}

/**
 * @param {ProxyRow} row
 * @param {Record<'main' | 'odd', string>} passwords
 * @returns {import('./case.mjs').Case}
 */
function proxyRowCase(row, passwords) {
  return {
    id: row.id,
    section: 'proxy',
    reduced: row.reduced ?? false,
    injected: row.injected,
    expected: row.expected,
    async run(lab) {
      const password = passwords[row.proxy ?? 'main'];
      const proxy = row.proxy
        ? await lab.memo(`proxy-${row.proxy}`, () => startProxy({ user: USER, password }))
        : undefined;
      const proxyUrl = (pw = encodeURIComponent(password)) => {
        if (proxy === undefined) throw new Error(`${row.id}: proxyUrl() in a row without a proxy`);
        return `http://${USER}:${pw}@127.0.0.1:${proxy.port}`;
      };
      const emu = row.tls === false ? lab.emu : await lab.tls();
      await emu.reset();
      const home = await homeFor(row.server?.(emu) ?? emu.url, emu.admin.apiKey);
      const before = proxy ? { ...proxy.stats } : { tunnels: 0, forwarded: 0, rejected: 0 };
      const r = await runQlik(row.args ?? ['api-key', 'ls', '-q', '-v'], {
        env: envFor(home, row.env({ emu, proxy, proxyUrl })),
      });
      const after = proxy ? proxy.stats : before;
      const v = new Verdict();
      const tunnels = v.fig('tunnels', after.tunnels - before.tunnels);
      if (row.forwarded !== undefined) v.fig('forwarded', after.forwarded - before.forwarded);
      await checkRun(v, r, home);
      v.eq('exit code', r.code, row.exit);
      count(v, 'tunnels', tunnels, row.tunnels);
      count(v, 'forwarded requests', after.forwarded - before.forwarded, row.forwarded);
      if (row.rejected !== undefined) v.eq('407s', after.rejected - before.rejected, row.rejected);
      if (row.stderr) v.match('stderr', r.stderr, row.stderr);
      if (row.quiet) v.eq('stderr', r.stderr, '');
      v.expect(r.ms <= MAX_MS, `took ${Math.round(r.ms)} ms (more than ${MAX_MS} ms: a connection left open?)`);
      noLeaks(v);
      return v.done();
    },
  };
}

/** @returns {import('./case.mjs').Case[]} */
export function proxyCases() {
  const passwords = { main: secretValue('pw'), odd: `p@ss:w/rd%${randomBytes(6).toString('hex')}` };
  registerSecret(passwords.odd);
  registerSecret(encodeURIComponent(passwords.odd));
  return [
    ...PROXY_ROWS.map((row) => proxyRowCase(row, passwords)),
    {
      id: 'tls/self-signed',
      section: 'proxy',
      reduced: true,
      injected: '--tls emulator (self-signed), no --insecure, --retry 3',
      expected: 'exit 1 naming the certificate problem; exactly 1 connection (never retried)',
      async run(lab) {
        const emu = await lab.tls();
        await emu.reset();
        const relay = lab.own(await startRelay(emu.port));
        const home = await homeFor(`https://127.0.0.1:${relay.port}`, emu.admin.apiKey);
        const r = await runQlik(['api-key', 'ls', '--retry', '3', '--interval', '1'], { env: envFor(home) });
        const v = new Verdict();
        v.fig('attempts', relay.stats.connections);
        await checkRun(v, r, home);
        v.eq('exit code', r.code, 1);
        v.eq('connections', relay.stats.connections, 1);
        v.eq('requests at the emulator', (await emu.requests()).length, 0);
        v.expect(
          /self-signed certificate/i.test(r.stderr) && /--insecure|NODE_EXTRA_CA_CERTS/.test(r.stderr),
          `message: ${JSON.stringify(r.stderr.slice(0, 300))}`,
        );
        v.eq('stderr lines', stderrLines(r.stderr).length, 1);
        return v.done();
      },
    },
  ];
}
