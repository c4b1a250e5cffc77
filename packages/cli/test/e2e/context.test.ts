// The context group where a real process is needed (everything else is tested in process, beside the verbs in
// src/cmd/context/*.test.ts): secrets read from stdin never appear in the running process's command line or
// environment; concurrent `context update` processes all land; and `context init` on a real terminal (a
// pseudo-terminal from util-linux `script`), where the API key and the OAuth client secret are read without echo.
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cleanEnv } from '../../../../test/kit/process.mjs';
import { homeWith, tempHome } from '../../../../test/kit/temp.js';
import { assertBuilt, contextsFile, qlik, QLIK_JS, start, type RunResult } from './kit.js';

beforeAll(() => {
  assertBuilt();
});

function newHome(contexts?: string): Promise<string> {
  return contexts === undefined ? tempHome() : homeWith(contexts);
}

interface ContextsFile {
  'current-context'?: string;
  contexts?: Record<string, Record<string, unknown>>;
}

async function readContexts(home: string): Promise<ContextsFile> {
  return parseYaml(await readFile(contextsFile(home), 'utf8')) as ContextsFile;
}

function ok(expect: ExpectStatic, r: RunResult, stderr?: string): void {
  expect(r.code, `exit ${String(r.code)}; stderr: ${r.stderr}`).toBe(0);
  if (stderr !== undefined) expect(r.stderr).toBe(stderr);
}

describe.concurrent('secrets from stdin', () => {
  it.for([
    [
      '--api-key',
      ['--api-key', '-'],
      'stdin-only-api-key-ABCDEF0123456789',
      (k: string) => ({ headers: { Authorization: `Bearer ${k}` } }),
    ],
    [
      '--oauth-client-secret',
      ['--oauth-client-id', 'client-1', '--oauth-client-secret', '-'],
      'stdin-only-client-secret-0123456789',
      (k: string) => ({ 'oauth-client-id': 'client-1', 'oauth-client-secret': k }),
    ],
  ] as const)(
    '%s - reads the secret from stdin: it never appears in the command line or environment of the running process',
    async ([, flags, secret, stored], { expect }) => {
      const home = await newHome();
      const args = [QLIK_JS, 'context', 'create', 'ci', '--server', 'ci.example.com', ...flags];
      const p = start(process.execPath, args, { home, keepStdinOpen: true });
      const pid = p.child.pid!;
      // The process is running and waiting for stdin: look at its command line (and environment) now.
      let cmdline = '';
      for (let i = 0; i < 100 && !cmdline.includes('context'); i++) {
        cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (!cmdline.includes('context')) await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 300));
      cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      expect(
        cmdline
          .split('\0')
          .filter((a) => a !== '')
          .slice(1),
      ).toEqual(args);
      expect(cmdline).not.toContain(secret);
      expect(environ).not.toContain(secret);
      expect(p.child.exitCode).toBe(null);
      p.child.stdin!.end(`${secret}\n`);
      ok(expect, await p.done, "Context 'ci' created\n");
      expect((await readContexts(home)).contexts?.ci).toEqual({ server: 'https://ci.example.com', ...stored(secret) });
    },
  );
});

// The lock itself is tested with 50 writer processes (QLIK_CONCURRENT_PROCESSES) and kill -9 in
// src/config/processes.test.ts; here whole CLI runs contend for it (raise the count with QLIK_CLI_WRITERS).
const CLI_WRITERS = Number(process.env.QLIK_CLI_WRITERS ?? '20');

describe('concurrent writers', () => {
  it(
    `${CLI_WRITERS} concurrent \`context update\` processes all land, and the comments survive`,
    { timeout: 150_000 },
    async ({ expect }) => {
      const names = Array.from({ length: CLI_WRITERS }, (_v, i) => `ctx-${String(i).padStart(3, '0')}`);
      const body = names.map((n) => `  # ${n} comment\n  ${n}:\n    server: https://${n}.example.com\n`).join('');
      const home = await newHome(`# many contexts\ncurrent-context: ctx-000\ncontexts:\n${body}`);
      const results = await Promise.all(
        names.map((n, i) =>
          qlik(['context', 'update', n, '--comment', `updated ${i}`, '--headers', `X-Writer=${i}`], {
            home,
            timeoutMs: 140_000,
          }),
        ),
      );
      for (const [i, r] of results.entries()) ok(expect, r, `Context '${names[i]!}' updated\n`);
      const after = await readContexts(home);
      expect(Object.keys(after.contexts ?? {})).toEqual(names);
      for (const [i, n] of names.entries()) {
        expect(after.contexts?.[n]).toEqual({
          server: `https://${n}.example.com`,
          comment: `updated ${i}`,
          headers: { 'X-Writer': String(i) },
        });
      }
      const text = await readFile(contextsFile(home), 'utf8');
      expect(text.startsWith('# many contexts\n')).toBe(true);
      for (const n of names) expect(text).toContain(`  # ${n} comment\n  ${n}:\n`);
    },
  );
});

// ---- context init on a pseudo-terminal ----

const hasScript = (spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '').includes('util-linux');
const NO_PTY = 'util-linux `script` is not installed (apt-get install bsdutils), so no pseudo-terminal can be made';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

/** A small Qlik-shaped server: /oauth/token hands out one token, /api/v1/users/me answers for the right credentials. */
function fakeTenant(o: { apiKey: string; clientId: string; clientSecret: string; token: string }): {
  server: Server;
  seen: Seen[];
  url: () => string;
} {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/oauth/token') {
        const b = JSON.parse(body) as Record<string, string>;
        const good =
          b.grant_type === 'client_credentials' && b.client_id === o.clientId && b.client_secret === o.clientSecret;
        res.statusCode = good ? 200 : 401;
        res.end(
          JSON.stringify(
            good
              ? { access_token: o.token, token_type: 'bearer', expires_in: 21600 }
              : { errors: [{ code: 'OAUTH-1', title: 'invalid_client' }] },
          ),
        );
        return;
      }
      if (req.method === 'GET' && req.url === '/api/v1/users/me') {
        const good =
          req.headers.authorization === `Bearer ${o.apiKey}` || req.headers.authorization === `Bearer ${o.token}`;
        res.statusCode = good ? 200 : 401;
        res.end(
          JSON.stringify(
            good ? { id: 'u-1', name: 'Pty User' } : { errors: [{ code: 'AUTH-1', title: 'Unauthorized' }] },
          ),
        );
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  return {
    server,
    seen,
    url: () => {
      const a = server.address();
      return `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
    },
  };
}

/**
 * Run `qlik context init` on a pseudo-terminal and answer each prompt once it has been printed (an answer typed
 * before a hidden prompt would be echoed by the terminal, as it would for a person typing ahead).
 */
async function initOnTerminal(
  home: string,
  answers: [prompt: string, answer: string][],
): Promise<{ code: number | null; screen: string }> {
  const cmd = `'${process.execPath}' '${QLIK_JS}' context init`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: cleanEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (c: Buffer) => {
    screen += c.toString('utf8');
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  let from = 0;
  for (const [prompt, answer] of answers) {
    while (!screen.includes(prompt, from)) {
      const more = new Promise<void>((resolve) => waiters.push(resolve));
      if ((await Promise.race([more.then(() => 'data'), exited.then(() => 'exit')])) === 'exit') break;
    }
    from = screen.indexOf(prompt, from) + prompt.length;
    // Let the CLI turn echo off after printing a hidden prompt.
    await new Promise((r) => setTimeout(r, 50));
    child.stdin.write(`${answer}\r`);
  }
  const code = await exited;
  clearTimeout(timer);
  return { code, screen: screen.replace(/\r\n/g, '\n') };
}

describe.skipIf(!hasScript)(`context init on a terminal${hasScript ? '' : ` (skipped: ${NO_PTY})`}`, () => {
  const secrets = {
    apiKey: 'pty-api-key-0123456789abcdef',
    clientId: 'pty-client',
    clientSecret: 'pty-client-secret-0123456789',
    token: 'pty-access-token-987654321',
  };
  const tenant = fakeTenant(secrets);
  beforeAll(async () => {
    await new Promise<void>((resolve) => tenant.server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => tenant.server.close(resolve));
  });

  it('API key: Qlik’s transcript, the key typed without echo, the context made current', async ({ expect }) => {
    const home = await newHome();
    const url = tenant.url();
    const { code, screen } = await initOnTerminal(home, [
      ['Enter tenant url: ', url],
      ['A/O?: ', 'A'],
      ['API-key: ', secrets.apiKey],
    ]);
    const name = new URL(url).host;
    expect(code, screen).toBe(0);
    expect(screen).toBe(
      [
        'Acquiring access to Qlik Cloud',
        '',
        'Specify your tenant URL, usually in the form: https://<tenant>.<region>.qlikcloud.com',
        'Where <tenant> is the name of the tenant and <region> is eu, us, ap, etc...',
        `Enter tenant url: ${url}`,
        'Specify what type of authentication that should be used i.e API-Key (A) or OAuth (O). Default is API-Key (A).',
        'A/O?: A',
        '',
        `To generate a new API-key, go to ${url}/settings/api-keys`,
        '',
        'API-key: ',
        'Welcome Pty User, everything is now set up.',
        `Context '${name}' was created and is now the current context.`,
        '',
      ].join('\n'),
    );
    expect(screen).not.toContain(secrets.apiKey);
    const saved = await readContexts(home);
    expect(saved['current-context']).toBe(name);
    expect(saved.contexts?.[name]).toEqual({ server: url, headers: { Authorization: `Bearer ${secrets.apiKey}` } });
  });

  it('OAuth: the client id echoed, the secret typed without echo, a token fetched and checked', async ({ expect }) => {
    const home = await newHome();
    const url = tenant.url();
    const before = tenant.seen.length;
    const { code, screen } = await initOnTerminal(home, [
      ['Enter tenant url: ', url],
      ['A/O?: ', 'o'],
      ['Client ID: ', secrets.clientId],
      ['Client Secret: ', secrets.clientSecret],
    ]);
    const name = new URL(url).host;
    expect(code, screen).toBe(0);
    expect(screen).toContain(
      [
        'A/O?: o',
        '',
        'To complete this setup you have to have a Client ID and Client Secret for OAuth.',
        'If you are unsure, you can ask your tenant-admin or go to https://qlik.dev/libraries-and-tools/qlik-cli#get-started.',
        '',
        `Client ID: ${secrets.clientId}`,
        '',
        '',
        'Client Secret: ',
        'Welcome Pty User, everything is now set up.',
        `Context '${name}' was created and is now the current context.`,
        '',
      ].join('\n'),
    );
    expect(screen).not.toContain(secrets.clientSecret);
    expect(screen).not.toContain(secrets.token);
    expect(tenant.seen.slice(before).map((s) => `${s.method} ${s.url} ${s.authorization ?? '-'}`)).toEqual([
      'POST /oauth/token -',
      `GET /api/v1/users/me Bearer ${secrets.token}`,
    ]);
    expect((await readContexts(home)).contexts?.[name]).toEqual({
      server: url,
      'oauth-client-id': secrets.clientId,
      'oauth-client-secret': secrets.clientSecret,
    });
  });

  it('a wrong key typed on the terminal: one error line, nothing saved', async ({ expect }) => {
    const home = await newHome('current-context: old\ncontexts:\n  old:\n    server: https://old.example.com\n');
    const url = tenant.url();
    const { code, screen } = await initOnTerminal(home, [
      ['Enter tenant url: ', url],
      ['A/O?: ', ''],
      ['API-key: ', 'wrong-key-0123456789'],
    ]);
    expect(code).toBe(1);
    expect(screen.trimEnd().split('\n').at(-1)).toBe(
      `Error: ${url} rejected the API key (401 Unauthorized); context '${new URL(url).host}' was not saved`,
    );
    expect(screen).not.toContain('wrong-key-0123456789');
    expect(await readFile(contextsFile(home), 'utf8')).toBe(
      'current-context: old\ncontexts:\n  old:\n    server: https://old.example.com\n',
    );
  });
});
