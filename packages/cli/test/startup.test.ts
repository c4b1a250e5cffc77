// The start-up path stays lean (a check, not a timing: `npm run bench` times it). The built launcher answers help and
// version without loading the CLI; commands load only what they use: no HTTP stack, YAML, Temporal or tables where
// they are not needed. The bundle stays under its byte budget.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, QLIK, runQlik, start } from '../../../test/kit/process.mjs';
import { startEmulator } from '../../../test/kit/emulator.js';
import { writeContextsFile } from '../../../test/kit/temp.js';

const DIST = new URL('../dist/', import.meta.url);
// Loaded with --require: at exit, writes the built-in modules and the files the process loaded.
const PROBE = `process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify({ builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)), files: Object.keys(require.cache) })));`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlik-startup-'));
  await writeFile(join(dir, 'probe.cjs'), PROBE);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let probes = 0;
async function loads(args: string[], home = dir): Promise<{ builtins: string[]; files: string[] }> {
  const out = join(dir, `probe-${++probes}.json`);
  const probe = join(dir, 'probe.cjs');
  const r = await runQlik(args, { env: cleanEnv(home, { PROBE_OUT: out, NODE_OPTIONS: `--require ${probe}` }) });
  expect(r.code, r.stderr).toBe(0);
  const seen = JSON.parse(readFileSync(out, 'utf8')) as { builtins: string[]; files: string[] };
  return { builtins: seen.builtins, files: seen.files.map((f) => f.replace(/^.*\/dist\//, 'dist/')) };
}

const HEAVY_BUILTINS = ['http', 'https', 'net', 'tls', 'child_process', 'readline', 'crypto'];

describe('start-up', () => {
  it.each([['--help'], ['api-key', 'create', '--help'], ['version'], ['help', 'context']])(
    'qlik %s loads neither the CLI nor a network module',
    async (...args) => {
      const seen = await loads(args);
      expect(seen.files.filter((f) => f.startsWith('dist/'))).toEqual(['dist/fast.cjs']);
      expect(seen.builtins.filter((b) => HEAVY_BUILTINS.includes(b))).toEqual([]);
    },
  );

  it('qlik context ls loads no HTTP stack, Temporal or tables when piped', async () => {
    const seen = await loads(['context', 'ls']);
    expect(seen.files.filter((f) => f.startsWith('dist/vendor/'))).not.toContain('dist/vendor/temporal.cjs');
    expect(seen.files).not.toContain('dist/vendor/cli-table3.cjs');
    // (net is Node's own: process.stdout on a pipe is a net socket.)
    expect(seen.builtins.filter((b) => ['http', 'https', 'tls', 'child_process', 'readline'].includes(b))).toEqual([]);
  });

  it('qlik context ls reads a contexts file unchanged since the last run without YAML or crypto', async () => {
    const home = join(dir, 'home');
    await writeContextsFile(home, 'current-context: a\ncontexts:\n  a:\n    server: https://a.example.com\n');
    const first = await loads(['context', 'ls'], home);
    expect(first.files).toContain('dist/vendor/yaml.cjs');
    const again = await loads(['context', 'ls'], home);
    // (main.cjs itself is loaded through vm with its code cache, so only the vendor files would show here.)
    expect(again.files.filter((f) => f.startsWith('dist/vendor/'))).toEqual([]);
    // (net is Node's own: process.stdout on a pipe is a net socket.)
    expect(again.builtins.filter((b) => b !== 'net' && HEAVY_BUILTINS.includes(b))).toEqual([]);
  });

  it('qlik api-key create loads no crypto, YAML, Temporal or tables once the contexts file is cached', async () => {
    // A server that answers the create, the read-back of the created key (with the attempt's tag) and the PATCH that
    // takes the run's tag off the description.
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    let description = '';
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST') {
          description = (JSON.parse(body) as { description: string }).description;
          res
            .writeHead(201, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: 'k1', description, token: 't' }));
        } else if (req.method === 'GET') {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: 'k1', description, status: 'active' }));
        } else {
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const home = join(dir, 'create-home');
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await writeContextsFile(
        home,
        `current-context: a\ncontexts:\n  a:\n    server: ${url}\n    headers:\n      Authorization: Bearer k\n`,
      );
      await loads(['context', 'ls'], home);
      const create = await loads(['api-key', 'create', '--description', 'x', '--expiry', 'PT1H'], home);
      expect(seen).toEqual(['POST /api/v1/api-keys', 'GET /api/v1/api-keys/k1', 'PATCH /api/v1/api-keys/k1']);
      expect(create.files.filter((f) => f.startsWith('dist/vendor/'))).toEqual([]);
      // The run's nonce comes from /dev/urandom (node:crypto only where there is none).
      if (process.platform !== 'win32') expect(create.builtins).not.toContain('crypto');
    } finally {
      server.close();
    }
  });

  it('qlik api-key rotate loads no YAML, crypto, child process, promise-based fs, rimraf or node:module once the contexts file is cached', async () => {
    const emu = await startEmulator();
    try {
      const made = await emu.call('POST', '/api/v1/api-keys', {
        as: emu.dev,
        body: { description: 'startup', expiry: 'P1D' },
      });
      const home = join(dir, 'rotate-home');
      await writeContextsFile(
        home,
        `current-context: a\ncontexts:\n  a:\n    server: ${emu.url}\n    headers:\n      Authorization: Bearer ${(made.body as { token: string }).token}\n`,
      );
      await loads(['context', 'ls'], home);
      const rotate = await loads(['api-key', 'rotate'], home);
      // The token is replaced in place (config/token-swap.ts); the lock and the atomic writes use synchronous calls;
      // files are removed with unlink (rmSync loads Node's rimraf) and the launcher takes the module class from
      // require() (node:module brings Node's ES module loader).
      expect(rotate.files.filter((f) => f.startsWith('dist/vendor/'))).toEqual([]);
      const heavy = ['child_process', 'readline', 'fs/promises', 'timers/promises', 'internal/fs/rimraf', 'module'];
      if (process.platform !== 'win32') heavy.push('crypto');
      expect(rotate.builtins.filter((b) => heavy.includes(b))).toEqual([]);
      expect(readFileSync(join(home, '.qlik', 'contexts.yml'), 'utf8')).not.toContain(
        (made.body as { token: string }).token,
      );
    } finally {
      await emu.stop();
    }
  });

  it('the expiry warning costs no request and no module: one line on stderr, at most once a day', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"links":{}}'));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const home = join(dir, 'expiry-home');
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const jwt = ['e30', Buffer.from(JSON.stringify({ jti: 'key-1' })).toString('base64url'), 'sig'].join('.');
      await writeContextsFile(
        home,
        `current-context: a\ncontexts:\n  a:\n    server: ${url}\n    headers:\n      Authorization: Bearer ${jwt}\n`,
      );
      const now = Date.now();
      const record = {
        a: {
          id: 'key-1',
          created: new Date(now - 20 * 3600_000).toISOString(),
          expiry: new Date(now + 2 * 3600_000).toISOString(),
        },
      };
      await writeFile(join(home, '.qlik', 'key-expiry.json'), JSON.stringify(record));
      await loads(['context', 'ls'], home);
      const out = join(dir, 'expiry-probe.json');
      const env = cleanEnv(home, { PROBE_OUT: out, NODE_OPTIONS: `--require ${join(dir, 'probe.cjs')}` });
      const first = await runQlik(['api-key', 'ls'], { env });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(
        /^Warning: the API key of context 'a' expires at \S+ \(in [12] hours\); rotate it with 'qlik api-key rotate --context a' \(QLIK_NO_EXPIRY_WARNING=1 silences this\)\n$/,
      );
      expect(first.stdout).not.toContain('Warning');
      expect(seen).toEqual(['GET /api/v1/api-keys']);
      const files = (JSON.parse(readFileSync(out, 'utf8')) as { files: string[] }).files.map((f) =>
        f.replace(/^.*\/dist\//, 'dist/'),
      );
      expect(files.filter((f) => f.startsWith('dist/vendor/'))).toEqual([]);
      const second = await runQlik(['api-key', 'ls'], { env });
      expect(second.stderr).toBe('');
      expect(seen).toEqual(['GET /api/v1/api-keys', 'GET /api/v1/api-keys']);
      await writeFile(join(home, '.qlik', 'key-expiry.json'), JSON.stringify(record));
      const off = await runQlik(['api-key', 'ls'], { env: { ...env, QLIK_NO_EXPIRY_WARNING: '1' } });
      expect(off.stderr).toBe('');
    } finally {
      server.close();
    }
  });

  it('loads the bundle with the code cache the build made, and V8 accepts it', async () => {
    const probe = `const { loadMain } = require(${JSON.stringify(fileURLToPath(new URL('../bin/load-main.cjs', import.meta.url)))}); const { script, exports } = loadMain(); process.stdout.write(JSON.stringify({ cached: script !== undefined, rejected: script?.cachedDataRejected, run: typeof exports.run }));`;
    const r = await start(process.execPath, ['-e', probe], { env: cleanEnv(dir, { NODE_OPTIONS: '' }) }).done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ cached: true, rejected: false, run: 'function' });
  });

  it('keeps the bundle under its budget, with the libraries in their own files', () => {
    const meta = JSON.parse(readFileSync(new URL('meta.json', DIST), 'utf8')) as {
      outputs: Record<string, { bytes: number; inputs: Record<string, unknown> }>;
    };
    const main = meta.outputs['dist/main.cjs']!;
    expect(main.bytes).toBeLessThan(250 * 1024);
    const inputs = Object.keys(main.inputs);
    for (const lib of [
      'node_modules/yaml/',
      'node_modules/temporal-polyfill/',
      'node_modules/cli-table3/',
      'node_modules/jsonc-parser/',
    ]) {
      expect(inputs.filter((i) => i.includes(lib))).toEqual([]);
    }
    expect(QLIK.endsWith('bin/qlik.cjs')).toBe(true);
  });
});
