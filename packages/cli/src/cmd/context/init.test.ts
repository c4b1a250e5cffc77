// `qlik context init` with answers on piped stdin, in process: Qlik's prompt order and texts, the API-key and OAuth
// branches checked with GET /api/v1/users/me (a stub registry; one run against the emulator), the name check before
// any prompt, a default name that keeps the port, failures named for what they are, and on failure the new context
// removed and the previous current context restored. The terminal flow (hidden input) is in test/e2e/context.test.ts.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { failure, json, qlikError, StubRegistry, text } from '../../../../../test/kit/httpmock.js';
import { runQlik, tempHome } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, saved } from './test/kit.js';

const SERVER = 'https://tenant.eu.example.com';
const KEY = 'init-api-key-0123456789abcdef';
const SECRET = 'init-client-secret-0123456789';
const TOKEN = 'access-token-from-oauth-0123456789';

const PREVIOUS = 'current-context: old\ncontexts:\n  old:\n    server: https://old.example.com\n';

/** Qlik's transcript up to the authentication answer (piped answers are not echoed, so each prompt ends its line). */
const HEAD = [
  'Acquiring access to Qlik Cloud',
  '',
  'Specify your tenant URL, usually in the form: https://<tenant>.<region>.qlikcloud.com',
  'Where <tenant> is the name of the tenant and <region> is eu, us, ap, etc...',
  'Enter tenant url: ',
  'Specify what type of authentication that should be used i.e API-Key (A) or OAuth (O). Default is API-Key (A).',
  'A/O?: ',
];
const API_KEY_PROMPTS = (server: string): string[] => [
  '',
  `To generate a new API-key, go to ${server}/settings/api-keys`,
  '',
  'API-key: ',
];
const OAUTH_PROMPTS = [
  '',
  'To complete this setup you have to have a Client ID and Client Secret for OAuth.',
  'If you are unsure, you can ask your tenant-admin or go to https://qlik.dev/libraries-and-tools/qlik-cli#get-started.',
  '',
  'Client ID: ',
  '',
  '',
  'Client Secret: ',
];

async function init(
  args: string[],
  o: { home: string; stdin: string; reg: StubRegistry },
): Promise<Awaited<ReturnType<typeof runQlik>>> {
  const r = await runQlik(['context', 'init', ...args], { home: o.home, stdin: o.stdin, transport: o.reg });
  o.reg.verify();
  return r;
}

function me(name = 'Dev User'): ReturnType<typeof json> {
  return json(200, { id: 'u-1', name, email: 'dev@example.com' });
}

describe('context init: API key', () => {
  it('asks in Qlik’s order, checks the key, greets the user, and names the context it made current', async () => {
    const home = await homeWith(PREVIOUS);
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', me());
    const r = await init([], { home, stdin: `tenant.eu.example.com\n\n${KEY}\n`, reg });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Welcome Dev User, everything is now set up.\nContext 'tenant.eu.example.com' was created and is now the current context.\n",
    );
    expect(r.stderr).toBe([...HEAD, ...API_KEY_PROMPTS(SERVER), ''].join('\n'));
    expect(reg.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(reg.requests[0]?.url.origin).toBe(SERVER);
    const s = await saved(home);
    expect(s['current-context']).toBe('tenant.eu.example.com');
    expect(s.contexts?.['tenant.eu.example.com']).toEqual({
      server: SERVER,
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(s.contexts?.old).toEqual({ server: 'https://old.example.com' });
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it.each(['A', 'a', ' a '])('the answer %j chooses the API key', async (answer) => {
    const home = await tempHome();
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', me());
    const r = await init(['t'], { home, stdin: `${SERVER}\n${answer}\n${KEY}\n`, reg });
    expect(r.code).toBe(0);
    expect((await saved(home)).contexts?.t).toEqual({ server: SERVER, headers: { Authorization: `Bearer ${KEY}` } });
  });

  it('a default name keeps the port, and the path of the URL is dropped from it', async () => {
    const home = await tempHome();
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', me());
    const r = await init([], { home, stdin: `http://127.0.0.1:8123/\n\n${KEY}\n`, reg });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Context '127.0.0.1:8123' was created and is now the current context.\n");
    expect((await saved(home)).contexts?.['127.0.0.1:8123']?.server).toBe('http://127.0.0.1:8123');
  });

  it('greets by email when the user has no name, and stores --insecure', async () => {
    const home = await tempHome();
    const reg = new StubRegistry().register(
      'GET',
      '/api/v1/users/me',
      json(200, { id: 'u', name: '', email: 'who@example.com' }),
    );
    const r = await runQlik(['context', 'init', 'x', '--insecure'], {
      home,
      stdin: `${SERVER}\n\n${KEY}\n`,
      transport: reg,
    });
    reg.verify();
    expect(r.stdout.split('\n')[0]).toBe('Welcome who@example.com, everything is now set up.');
    expect((await saved(home)).contexts?.x).toEqual({
      server: SERVER,
      insecure: true,
      headers: { Authorization: `Bearer ${KEY}` },
    });
  });
});

describe('context init: OAuth', () => {
  it('asks for the client id and secret, gets a token, checks it, and stores the client', async () => {
    const home = await homeWith(PREVIOUS);
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', json(200, { access_token: TOKEN, token_type: 'bearer', expires_in: 21600 }))
      .register('GET', '/api/v1/users/me', me('Bot'));
    const r = await init(['m2m'], { home, stdin: `${SERVER}\no\nclient-7\n${SECRET}\n`, reg });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe([...HEAD, ...OAUTH_PROMPTS, ''].join('\n'));
    expect(r.stdout).toBe(
      "Welcome Bot, everything is now set up.\nContext 'm2m' was created and is now the current context.\n",
    );
    expect(reg.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /oauth/token', 'GET /api/v1/users/me']);
    expect(reg.requests[0]?.json).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-7',
      client_secret: SECRET,
    });
    expect(reg.requests[0]?.headers.authorization).toBeUndefined();
    expect(reg.requests[1]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const s = await saved(home);
    expect(s['current-context']).toBe('m2m');
    expect(s.contexts?.m2m).toEqual({ server: SERVER, 'oauth-client-id': 'client-7', 'oauth-client-secret': SECRET });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('the capital O works too, and `context get` then says authentication: oauth', async () => {
    const home = await tempHome();
    const reg = new StubRegistry()
      .register('POST', '/oauth/token', json(200, { access_token: TOKEN, expires_in: 3600 }))
      .register('GET', '/api/v1/users/me', me('Bot'));
    expect((await init(['m'], { home, stdin: `${SERVER}\nO\nclient-7\n${SECRET}\n`, reg })).code).toBe(0);
    const get = await runQlik(['context', 'get'], { home });
    expect(get.stdout).toBe(
      `name: m\noauth-client-id: client-7\noauth-client-secret: **omitted**\nserver: ${SERVER}\nauthentication: oauth\n`,
    );
  });

  it('rejected client credentials: one line with the server’s words, the context removed, the old one current again', async () => {
    const home = await homeWith(PREVIOUS);
    const reg = new StubRegistry().register(
      'POST',
      '/oauth/token',
      json(401, { errors: [{ code: 'OAUTH-1', title: 'invalid_client', detail: 'bad client credentials' }] }),
    );
    const r = await init(['m2m'], { home, stdin: `${SERVER}\no\nclient-7\n${SECRET}\n`, reg });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').at(-2)).toBe(
      `Error: context 'm2m': the OAuth client was rejected by ${SERVER} (401): invalid_client - bad client credentials; context 'm2m' was not saved`,
    );
    expect(await readFile(contextsFile(home), 'utf8')).toBe(PREVIOUS);
    expect(r.stderr).not.toContain(SECRET);
  });
});

describe('context init: the name is checked before anything is asked', () => {
  it('an existing name given as argument fails at once: no prompt, no request, nothing read', async () => {
    const home = await homeWith(PREVIOUS);
    const reg = new StubRegistry();
    const r = await init(['old'], { home, stdin: `${SERVER}\n\n${KEY}\n`, reg });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: "Error: Context 'old' already exists\n" });
    expect(reg.requests).toEqual([]);
    expect(await readFile(contextsFile(home), 'utf8')).toBe(PREVIOUS);
  });

  it('an existing default name fails right after the URL, before the authentication question', async () => {
    const home = await homeWith(
      'current-context: ""\ncontexts:\n  tenant.eu.example.com:\n    server: https://tenant.eu.example.com\n',
    );
    const reg = new StubRegistry();
    const r = await init([], { home, stdin: `${SERVER}\n\n${KEY}\n`, reg });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [...HEAD.slice(0, 5), "Error: Context 'tenant.eu.example.com' already exists", ''].join('\n'),
    );
  });
});

describe('context init: bad answers write nothing', () => {
  it.each<[string, string, string]>([
    ['an unknown authentication answer', `${SERVER}\nx\n`, 'A/O?: answer A (API key) or O (OAuth), not "x"'],
    ['an empty API key', `${SERVER}\n\n \n`, 'the API key is empty'],
    ['an empty client secret', `${SERVER}\no\nclient\n\n`, 'the client ID and client secret must not be empty'],
    ['an empty client id', `${SERVER}\no\n\nsecret\n`, 'the client ID and client secret must not be empty'],
    [
      'a bad URL',
      'ftp://x.example.com\n',
      'tenant url: unsupported scheme "ftp" in "ftp://x.example.com" (use https:// or http://)',
    ],
    ['stdin ending early', `${SERVER}\n`, 'no answer: stdin ended before all questions were answered'],
  ])('%s', async (_what, stdin, message) => {
    const home = await tempHome();
    const reg = new StubRegistry();
    const r = await init(['n'], { home, stdin, reg });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith(`Error: ${message}\n`)).toBe(true);
    expect(existsSync(contextsFile(home))).toBe(false);
    expect(reg.requests).toEqual([]);
  });
});

describe('context init: a failed check removes the context and restores the previous current one', () => {
  it.each<[string, StubRegistry, string]>([
    [
      'a rejected key',
      new StubRegistry().register('GET', '/api/v1/users/me', qlikError(401, 'AUTH-1', 'Unauthorized')),
      `${SERVER} rejected the API key (401 Unauthorized)`,
    ],
    [
      'a forbidden key',
      new StubRegistry().register('GET', '/api/v1/users/me', qlikError(403, 'AUTH-2', 'Forbidden')),
      `${SERVER} rejected the API key (403 Forbidden)`,
    ],
    [
      'a name that does not resolve (named as such, not as a bad key)',
      new StubRegistry().register(
        'GET',
        '/api/v1/users/me',
        failure('not-sent', 'could not resolve host tenant.eu.example.com', 'ENOTFOUND'),
        2,
      ),
      `could not reach ${SERVER}: could not resolve host tenant.eu.example.com`,
    ],
    [
      'a refused connection',
      new StubRegistry().register(
        'GET',
        '/api/v1/users/me',
        failure('not-sent', 'cannot connect to tenant.eu.example.com: connection refused'),
        2,
      ),
      `could not reach ${SERVER}: cannot connect to tenant.eu.example.com: connection refused`,
    ],
    [
      'a server error',
      new StubRegistry().register('GET', '/api/v1/users/me', qlikError(500, 'E', 'Internal'), 2),
      `${SERVER} answered 500 Internal Server Error`,
    ],
    [
      'a page that is not a user',
      new StubRegistry().register('GET', '/api/v1/users/me', text(200, '<html>login</html>')),
      `${SERVER}/api/v1/users/me answered with something that is not a user`,
    ],
  ])('%s', async (_what, reg, reason) => {
    const home = await homeWith(PREVIOUS);
    const r = await init(['new'], { home, stdin: `${SERVER}\n\n${KEY}\n`, reg });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').at(-2)).toBe(`Error: ${reason}; context 'new' was not saved`);
    expect(await readFile(contextsFile(home), 'utf8')).toBe(PREVIOUS);
    expect(r.stderr).not.toContain(KEY);
  });

  it('without a previous current context, none is left current', async () => {
    const home = await tempHome();
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', qlikError(401, 'AUTH-1', 'Unauthorized'));
    expect((await init(['new'], { home, stdin: `${SERVER}\n\n${KEY}\n`, reg })).code).toBe(1);
    expect(await saved(home)).toEqual({ 'current-context': '', contexts: {} });
  });
});

describe('context init against the emulator', () => {
  const emu = useEmulator({ reset: false });

  it('sets up a context that then works for other commands', async () => {
    const home = await tempHome();
    const r = await runQlik(['context', 'init'], { home, stdin: `${emu.url}\nA\n${emu.dev.apiKey}\n` });
    expect(r.code, r.stderr).toBe(0);
    const name = new URL(emu.url).host;
    expect(r.stdout).toBe(
      `Welcome ${emu.dev.name}, everything is now set up.\nContext '${name}' was created and is now the current context.\n`,
    );
    expect(r.stderr).not.toContain(emu.dev.apiKey);
    expect((await runQlik(['user', 'me', '-q'], { home })).stdout).toBe(`${emu.dev.id}\n`);
  });

  it('a wrong key is refused by the real service and nothing is kept', async () => {
    const home = await homeWith(PREVIOUS);
    const r = await runQlik(['context', 'init', 'emu'], { home, stdin: `${emu.url}\n\nnot-a-valid-key-123456\n` });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').at(-2)).toBe(
      `Error: ${emu.url} rejected the API key (401 Unauthorized); context 'emu' was not saved`,
    );
    expect(await readFile(contextsFile(home), 'utf8')).toBe(PREVIOUS);
  });
});
