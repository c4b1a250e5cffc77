// The first hour (issue 23): the mistakes a newcomer made following the READMEs literally, each run in-process against
// the emulator (or a stub registry where the server's answer must be exact, or where nothing may be sent), asserting
// the exact first line and hint, the exit code, and that nothing was sent or left half-done where the check is local.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../test/kit/emulator.js';
import { json, StubRegistry } from '../../../test/kit/httpmock.js';
import { homeWithContext, homeWithOAuthContext, runQlik, type RunResult } from '../../../test/kit/run.js';
import { homeWith, tempHome } from '../../../test/kit/temp.js';

const KEYS = '/api/v1/api-keys';
const contextsFile = (home: string): string => join(home, '.qlik', 'contexts.yml');

/** Lines of stderr that are neither the error nor its hint (warnings, the -v trace). */
const errorAndHint = (r: RunResult): string[] =>
  r.stderr.split('\n').filter((l) => l.startsWith('Error: ') || l.startsWith('Hint: '));

describe('server errors against the emulator: one line, one hint', () => {
  const emu = useEmulator();
  let dev: string;
  let admin: string;

  beforeEach(async () => {
    dev = await homeWithContext(emu.url, { apiKey: emu.dev.apiKey });
    admin = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
  });

  const activeKeys = async (): Promise<string[]> =>
    (await emu.ledger()).filter((e) => e.state === 'active').map((e) => e.description);

  it('a revoked key: the context that holds it and the command that replaces it', async () => {
    const made = await emu.call('POST', KEYS, {
      token: emu.dev.apiKey,
      body: { description: 'soon revoked', expiry: 'PT1H' },
    });
    expect(made.status).toBe(201);
    expect((await emu.call('DELETE', `${KEYS}/${made.body.id as string}`, { token: emu.admin.apiKey })).status).toBe(
      204,
    );
    const home = await homeWith(
      `current-context: prod\ncontexts:\n  prod:\n    server: ${emu.url}\n    headers:\n      Authorization: Bearer ${made.body.token as string}\n`,
    );
    const r = await runQlik(['api-key', 'ls'], { home });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      'Error: Unauthorized: The api key is either expired or revoked (APIKEYS-18)\n' +
        "Hint: the API key of context 'prod' was refused (expired, revoked or wrong) and cannot rotate itself; put a new one in with: qlik context update prod --api-key -, then rotate it before it expires with: qlik api-key rotate --context prod\n",
    );
  });

  it('a full quota: the limit, how to list the keys, and the config patch that raises it; nothing created', async () => {
    await emu.control('PUT', 'config', { max_keys_per_user: 1 });
    const before = await activeKeys();
    const r = await runQlik(['api-key', 'create', '--description', 'one too many', '--expiry', 'PT1H'], { home: dev });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      'Error: Requestor not allowed to create an API key: The maximum number of active API keys per user (1) has been reached (APIKEYS-6)\n' +
        'Hint: the tenant allows 1 active API keys per user: list them with qlik api-key ls --status active and remove one (qlik api-key rm <id>), or a TenantAdmin raises the limit: qlik api-key config patch --op replace --path /max_keys_per_user --value 6\n',
    );
    expect(await activeKeys()).toEqual(before);
    // The hint's commands run as given (the admin raises the limit; the create then works).
    const raise = await runQlik(
      ['api-key', 'config', 'patch', '--op', 'replace', '--path', '/max_keys_per_user', '--value', '6'],
      { home: admin },
    );
    expect(raise.code, raise.stderr).toBe(0);
    expect(
      (await runQlik(['api-key', 'create', '--description', 'fits now', '--expiry', 'PT1H', '-q'], { home: dev })).code,
    ).toBe(0);
  });

  it('an expiry over the maximum: the maximum, and the flag that fits', async () => {
    const r = await runQlik(['api-key', 'create', '--description', 'a month', '--expiry', 'P30D'], { home: dev });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      'Error: Invalid request: The expiry exceeds the maximum allowed for this tenant (PT24H) (APIKEYS-7)\n' +
        'Hint: the longest expiry this tenant allows is PT24H: pass --expiry PT24H or shorter (a TenantAdmin raises it with qlik api-key config patch --op replace --path /max_api_key_expiry --value P30D)\n',
    );
    expect(await activeKeys()).not.toContain('a month');
  });

  it.each([
    [
      'a developer',
      'dev',
      'Error: Requestor not allowed to create an API key: Only a TenantAdmin can create API keys for other users (APIKEYS-5)',
    ],
    ['a TenantAdmin', 'admin', 'Error: Invalid request: "sub" does not reference an existing user (APIKEYS-1)'],
  ])('--sub with an email address (%s): pass the id, found with user ls --filter', async (_who, as, first) => {
    const r = await runQlik(
      ['api-key', 'create', '--description', 'for dev', '--expiry', 'PT1H', '--sub', emu.dev.email],
      { home: as === 'dev' ? dev : admin },
    );
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      `${first}\nHint: --sub takes a user id, not an email address; find the id with: qlik user ls --filter 'email eq "${emu.dev.email}"' -q\n`,
    );
    // The hint's command prints the id.
    const find = await runQlik(['user', 'ls', '--filter', `email eq "${emu.dev.email}"`, '-q'], { home: admin });
    expect(find).toMatchObject({ code: 0, stdout: `${emu.dev.id}\n` });
  });

  it('a 403 on create: the permission that is needed', async () => {
    const viewer = await homeWithContext(emu.url, { apiKey: emu.viewer.apiKey });
    const r = await runQlik(['api-key', 'create', '--description', 'viewer', '--expiry', 'PT1H'], { home: viewer });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      'Error: Requestor not allowed to create an API key: The "Manage API keys" permission is required (APIKEYS-5)\n' +
        `Hint: creating API keys needs the Developer role (the "Manage API keys" permission) and API keys enabled on the tenant; see your roles with: qlik user me | jq -r '.assignedRoles[].name'\n`,
    );
  });

  it('an OAuth context creating a key for its bot user: pass --sub', async () => {
    const m2m = emu.oauthClient('m2m');
    const home = await homeWithOAuthContext(emu.url, m2m.clientId, m2m.clientSecret);
    const before = await activeKeys();
    const r = await runQlik(['api-key', 'create', '--description', 'for the bot', '--expiry', 'PT1H'], { home });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      'Error: Requestor not allowed to create an API key: The bot user of an OAuth client cannot own API keys; create the key for a user with "sub" (APIKEYS-5)\n' +
        `Hint: with an OAuth client, create the key for a user: --sub <user id> (qlik user ls --filter 'email eq "<email>"' -q finds it)\n`,
    );
    expect(await activeKeys()).toEqual(before);
  });

  it('a malformed filter: one line naming the filter, not the JSON body', async () => {
    const r = await runQlik(['user', 'ls', '--filter', 'email eq'], { home: admin });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      'Error: Invalid filter: expected a value after "eq" at position 9 (the end of the filter) (USERS-2)\n',
    );
  });

  it('--json: the server body on stderr, parseable; -v: the body in the trace, then the line', async () => {
    const j = await runQlik(['api-key', 'create', '--description', 'a month', '--expiry', 'P30D', '--json'], {
      home: dev,
    });
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stderr)).toMatchObject({
      errors: [{ code: 'APIKEYS-7', source: { pointer: '/expiry' } }],
      traceId: expect.any(String),
    });
    const v = await runQlik(['api-key', 'create', '--description', 'a month', '--expiry', 'P30D', '-v'], { home: dev });
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/\n< \{"errors":\[\{"code":"APIKEYS-7",.*\n/);
    expect(errorAndHint(v)[0]).toBe(
      'Error: Invalid request: The expiry exceeds the maximum allowed for this tenant (PT24H) (APIKEYS-7)',
    );
  });

  it('a --server ending in /api/v1 is corrected, with one warning, and works', async () => {
    const r = await runQlik(['--server', `${emu.url}/api/v1`, 'user', 'me', '-q'], { home: dev });
    expect(r).toMatchObject({ code: 0, stdout: `${emu.dev.id}\n` });
    expect(r.stderr).toBe(
      `Warning: --server ${emu.url}/api/v1 ends in /api/v1, which the CLI adds to every request itself; using ${emu.url}\n`,
    );
  });

  it('context create with a server ending in /api stores the corrected URL and says so', async () => {
    const home = await tempHome();
    const r = await runQlik(['context', 'create', 'emu', '--server', `${emu.url}/api`, '--api-key', '-'], {
      home,
      stdin: `${emu.dev.apiKey}\n`,
    });
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe(
      `Warning: --server ${emu.url}/api ends in /api, which the CLI adds to every request itself; using ${emu.url}\nContext 'emu' created\n`,
    );
    expect(await readFile(contextsFile(home), 'utf8')).toContain(`server: ${emu.url}\n`);
  });

  it('a 307 on a create: the target and the reason, and no key', async () => {
    await emu.faults.add({
      method: 'POST',
      path: KEYS,
      action: { type: 'redirect', status: 307, location: `${emu.url}/elsewhere` },
    });
    const r = await runQlik(['api-key', 'create', '--description', 'redirected', '--expiry', 'PT1H'], { home: dev });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error: '))).toEqual([
      `Error: 307 Temporary Redirect: the server redirects to ${emu.url}/elsewhere; not followed: only a GET follows a redirect, on the same origin (a request of another method is never sent again elsewhere; it may have been done)`,
    ]);
    expect(await activeKeys()).not.toContain('redirected');
  });
});

describe('plain HTTP to a TLS server', () => {
  const emu = useEmulator({ args: ['--tls'], reset: false });

  it('says the server speaks HTTPS and names the https:// URL', async () => {
    const host = new URL(emu.url).host;
    const home = await homeWithContext(`http://${host}`, { apiKey: emu.dev.apiKey });
    const r = await runQlik(['user', 'me'], { home });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      `Error: the server at http://${host} speaks HTTPS, not plain HTTP; use https://${host}\n` +
        `Hint: use --server https://${host} (or store it: qlik context update <name> --server https://${host})\n`,
    );
  });
});

describe('local mistakes: one line, a hint, nothing sent, nothing changed', () => {
  const TWO =
    'current-context: ""\ncontexts:\n  dev:\n    server: https://dev.example.com\n  prod:\n    server: https://prod.example.com\n';

  /** A run whose stub registry has no stubs: any request fails the test. */
  async function local(argv: string[], home: string, stdin?: string): Promise<RunResult> {
    const reg = new StubRegistry();
    const r = await runQlik(argv, { home, transport: reg, ...(stdin !== undefined ? { stdin } : {}) });
    reg.verify();
    expect(reg.requests).toEqual([]);
    return r;
  }

  it.each([
    [
      ['context', 'use', 'prd'],
      "Error: context with name 'prd' does not exist\nHint: did you mean 'prod'? qlik context use prod\n",
    ],
    [
      ['context', 'rm', 'prd'],
      "Error: No context by the name 'prd'; nothing was removed\nHint: did you mean 'prod'? qlik context rm prod\n",
    ],
    [
      ['context', 'rename', 'prd', 'production'],
      "Error: No context by the name 'prd'\nHint: did you mean 'prod'? qlik context rename prod production\n",
    ],
  ])('%j suggests the closest name and changes nothing', async (argv, stderr) => {
    const home = await homeWith(TWO);
    const r = await local(argv, home);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(TWO);
  });

  it('--context prd on any command lists the names and suggests the closest, sending nothing', async () => {
    const home = await homeWith(TWO);
    const r = await local(['--context', 'prd', 'api-key', 'ls'], home);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Error: context 'prd' not found in ${contextsFile(home)}; available: dev, prod (--context)\nHint: did you mean --context prod?\n`,
    });
  });

  it('context get of a missing name suggests the closest name', async () => {
    const home = await homeWith(TWO);
    const r = await local(['context', 'get', 'prd'], home);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Error: No context by the name 'prd' in ${contextsFile(home)}\nHint: did you mean 'prod'? qlik context get prod\n`,
    });
  });

  it('contexts but none current: the hint is qlik context use', async () => {
    const home = await homeWith(TWO);
    const r = await local(['api-key', 'ls'], home);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error: no server given and no context is current (contexts: dev, prod)\nHint: make one current with: qlik context use <name> (or pass --context <name>)\n',
    });
    const one = await homeWith('current-context: ""\ncontexts:\n  prod:\n    server: https://prod.example.com\n');
    expect((await local(['user', 'me'], one)).stderr).toBe(
      'Error: no server given and no context is current (contexts: prod)\nHint: make one current with: qlik context use prod (or pass --context <name>)\n',
    );
  });

  it.each([
    ['--api-key', 'eyJhbGciOiJFUzM4NCJ9.inline.key'],
    ['--oauth-client-secret', 'inline-secret-0123'],
  ])('%s given inline works and prints one warning recommending -', async (flag, secret) => {
    const home = await tempHome();
    const extra = flag === '--oauth-client-secret' ? ['--oauth-client-id', 'client-1'] : [];
    const r = await local(
      ['context', 'create', 'prod', '--server', 'https://prod.example.com', ...extra, flag, secret],
      home,
    );
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe(
      `Context 'prod' created\nWarning: ${flag} on the command line can be read from the process list and shell history; pipe the secret in with ${flag} - instead\n`,
    );
    expect(await readFile(contextsFile(home), 'utf8')).toContain(secret);
    // The same secret from stdin: no warning.
    const piped = await local(
      ['context', 'create', 'prod2', '--server', 'https://prod.example.com', ...extra, flag, '-'],
      home,
      `${secret}\n`,
    );
    expect(piped).toMatchObject({ code: 0, stdout: '', stderr: "Context 'prod2' created\n" });
  });

  it('a context created twice (a CI script run again): the way to change or replace it, and the file unchanged', async () => {
    const home = await tempHome();
    const argv = ['context', 'create', 'ci', '--server', 'https://ci.example.com', '--api-key', '-'];
    expect((await local(argv, home, 'key-one-0123456789\n')).code).toBe(0);
    const before = await readFile(contextsFile(home), 'utf8');
    const again = await local(argv, home, 'key-two-0123456789\n');
    expect(again).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        "Error: Context 'ci' already exists\nHint: change it with: qlik context update ci (the same flags), or remove it first: qlik context rm ci\n",
    });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);
  });

  it("a patch without --op/--path/--value: Cobra's required-flag wording, nothing sent", async () => {
    const home = await homeWithContext('https://tenant.example.com');
    const r = await local(['api-key', 'patch', 'k1'], home);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error: required flag(s) "op", "path", "value" not set\nHint: or give the whole JSON Patch with --file or --body\n',
    });
  });
});

describe('--json prints the server body exactly', () => {
  it('every field, also characters a terminal would act on (as escapes), and no hint', async () => {
    const body = {
      errors: [
        {
          code: 'X-1',
          title: 'Bad \u001b[31mthing\u009b',
          detail: 'ünïcode ✓',
          status: 400,
          source: { pointer: '/a' },
        },
      ],
      traceId: 't1',
    };
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', json(400, body));
    const r = await runQlik(['user', 'me', '--json'], {
      home: await homeWithContext('https://tenant.example.com'),
      transport: reg,
    });
    reg.verify();
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual(body);
    expect(r.stderr.includes('\u001b') || r.stderr.includes('\u009b')).toBe(false);
    expect(r.stderr).not.toContain('Hint:');
  });
});
