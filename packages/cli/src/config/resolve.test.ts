// Settings resolution: header checks, server URL normalisation, and flag > -c config > context > default.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FlagError } from '../errors/errors.js';
import { checkHeaders } from '../text/headers.js';
import { normalizeServer, parseServerType, resolveSettings, type ResolveFlags } from './resolve.js';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

describe('checkHeaders', () => {
  it('accepts RFC 9110 token names and values with printable characters and tabs', () => {
    expect(() =>
      checkHeaders(
        { 'X-Qlik-User': 'UserDirectory=INTERNAL; UserId=sa', "a!#$%&'*+-.^_`|~9": 'x\ty', Empty: '' },
        '--headers',
      ),
    ).not.toThrow();
  });

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nX-Injected: 1'],
    ['NUL', 'a\u0000b'],
    ['ESC', '\u001b[31m'],
    ['DEL', 'a\u007f'],
  ])('rejects a value holding %s', (what, value) => {
    const e = errorOf(() => checkHeaders({ 'X-Test': value }, '--headers'));
    expect(e).toBeInstanceOf(FlagError);
    const why =
      what === 'CR' || what === 'LF'
        ? 'a line break (CR or LF)'
        : what === 'NUL'
          ? 'a NUL character'
          : 'a control character';
    expect(e.message).toBe(`--headers: header X-Test has ${why} in its value`);
  });

  it('rejects a value with characters outside Latin-1, which HTTP/1.1 cannot carry', () => {
    const e = errorOf(() => checkHeaders({ 'X-Test': 'caf\u00e9 \u2603' }, 'config file c.yml: headers'));
    expect(e.message).toBe(
      'config file c.yml: headers: header X-Test has a character outside Latin-1 ("\u2603") in its value',
    );
    expect(() => checkHeaders({ 'X-Test': 'caf\u00e9' }, 'x')).not.toThrow();
  });

  it.each(['', 'Bad Name', 'a:b', 'x(y)', 'na\u00efve', 'a\nb'])(
    'rejects the header name %j, naming the source',
    (name) => {
      const e = errorOf(() => checkHeaders({ [name]: 'v' }, 'config file c.yml'));
      expect(e).toBeInstanceOf(FlagError);
      expect(e.message).toBe(`config file c.yml: invalid header name ${JSON.stringify(name)}`);
    },
  );

  it('rejects a value that is not a string', () => {
    expect(() => checkHeaders({ 'X-N': 5 }, 'ctx')).toThrow('ctx: header X-N must be a string');
  });
});

describe('normalizeServer', () => {
  it.each([
    ['tenant.eu.qlikcloud.com', 'https://tenant.eu.qlikcloud.com'],
    ['localhost:9076', 'https://localhost:9076'],
    ['  tenant.example.com  ', 'https://tenant.example.com'],
    ['https://tenant.example.com/', 'https://tenant.example.com'],
    ['https://tenant.example.com/jwt/', 'https://tenant.example.com/jwt'],
    ['https://tenant.example.com/a/b//', 'https://tenant.example.com/a/b'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['HTTPS://Tenant.Example.COM', 'https://tenant.example.com'],
    ['https://tenant.example.com:443/x', 'https://tenant.example.com/x'],
    ['qseow.domain.com/jwt', 'https://qseow.domain.com/jwt'],
  ])('%j → %j', (raw, want) => {
    expect(normalizeServer(raw, '--server')).toBe(want);
  });

  it.each([
    ['ftp://files.example.com', /--server: unsupported scheme "ftp" in "ftp:\/\/files.example.com"/],
    ['ws://x.example.com', /unsupported scheme "ws"/],
    ['https://', /--server: "https:\/\/" is not a valid URL/],
    ['', /--server: the server URL is empty/],
    ['   ', /the server URL is empty/],
    ['https://user:pass@tenant.example.com', /credentials in the server URL are not allowed/],
    ['https://user@tenant.example.com', /credentials in the server URL are not allowed/],
    ['https://tenant.example.com/?x=1', /must not have a query or fragment/],
    ['https://tenant.example.com/#frag', /must not have a query or fragment/],
  ])('rejects %j', (raw, message) => {
    const e = errorOf(() => normalizeServer(raw, '--server'));
    expect(e).toBeInstanceOf(FlagError);
    expect(e.message).toMatch(message);
  });

  it('does not repeat the password of a URL it rejects for holding credentials', () => {
    const e = errorOf(() => normalizeServer('https://me:s3cr3t-pw@h.example.com', 'context'));
    expect(e.message).toMatch(/^context: credentials/);
    expect(e.message).not.toContain('s3cr3t-pw');
  });
});

describe('parseServerType', () => {
  it('accepts the three types in any case', () => {
    expect(parseServerType('Cloud', 'x')).toBe('cloud');
    expect(parseServerType(' WINDOWS ', 'x')).toBe('windows');
    expect(parseServerType('engine', 'x')).toBe('engine');
  });
  it('rejects others', () => {
    expect(() => parseServerType('saas', '--server-type')).toThrow(
      '--server-type: invalid server type "saas" (valid: cloud, windows, engine)',
    );
  });
});

describe('resolveSettings', () => {
  let dir: string;
  let contextsPath: string;
  const missingPath = () => join(dir, 'none', 'contexts.yml');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qlik-resolve-test-'));
    await mkdir(join(dir, '.qlik'));
    contextsPath = join(dir, '.qlik', 'contexts.yml');
    await writeFile(
      contextsPath,
      [
        'current-context: main',
        'contexts:',
        '  main:',
        '    server: https://ctx.example.com/prefix',
        '    server-type: cloud',
        '    insecure: true',
        '    headers:',
        '      Authorization: Bearer ctx-key',
        '      X-A: ctx-a',
        '      X-B: ctx-b',
        '  other:',
        '    server: other.example.com',
        '    server-type: windows',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const resolve = (flags: ResolveFlags, config: Record<string, unknown> = {}, path = contextsPath) =>
    resolveSettings({ flags, config, configPath: 'cfg.yml', contextsPath: path, requireServer: false });

  it('uses the defaults when nothing is set', async () => {
    const s = await resolve({}, {}, missingPath());
    expect(s).toEqual({
      server: '',
      serverType: 'cloud',
      serverTypeGuessed: true,
      headers: {},
      oauth: undefined,
      insecure: false,
      json: false,
      verbose: false,
      contextName: undefined,
      credentials: { kind: 'none' },
      notices: [],
      fromEnv: false,
    });
  });

  it('asks for a server when a command needs one and none is set', async () => {
    const need = resolveSettings({
      flags: {},
      config: {},
      configPath: '',
      contextsPath: missingPath(),
      requireServer: true,
    });
    await expect(need).rejects.toThrow(/^no server given: use --server/);
    await expect(need).rejects.toBeInstanceOf(ConfigError);
  });

  it('takes everything from the current context', async () => {
    const s = await resolve({});
    expect(s).toEqual({
      server: 'https://ctx.example.com/prefix',
      serverType: 'cloud',
      serverTypeGuessed: false,
      headers: { Authorization: 'Bearer ctx-key', 'X-A': 'ctx-a', 'X-B': 'ctx-b' },
      oauth: undefined,
      insecure: true,
      json: false,
      verbose: false,
      contextName: 'main',
      credentials: { kind: 'context-api-key', context: 'main' },
      notices: [],
      fromEnv: false,
    });
  });

  describe('credentials from the environment (flags > environment > current context)', () => {
    const withEnv = (flags: ResolveFlags, env: Record<string, string>, config: Record<string, unknown> = {}) =>
      resolveSettings({ flags, config, configPath: 'cfg.yml', contextsPath, requireServer: false, env });

    it('QLIK_SERVER + QLIK_API_KEY win over the current context', async () => {
      const s = await withEnv({}, { QLIK_SERVER: 'https://env.example.com', QLIK_API_KEY: 'env-key' });
      expect(s).toMatchObject({
        server: 'https://env.example.com',
        headers: { Authorization: 'Bearer env-key' },
        contextName: undefined,
        fromEnv: true,
        oauth: undefined,
      });
    });

    it('QLIK_SERVER + an OAuth client', async () => {
      const s = await withEnv(
        {},
        { QLIK_SERVER: 'https://env.example.com', QLIK_OAUTH_CLIENT_ID: 'cid', QLIK_OAUTH_CLIENT_SECRET: 'csecret' },
      );
      expect(s.oauth).toMatchObject({ clientId: 'cid', clientSecret: 'csecret' });
      expect(s.headers).toEqual({});
    });

    it('--context says otherwise: the context is used', async () => {
      const s = await withEnv({ context: 'main' }, { QLIK_SERVER: 'https://env.example.com', QLIK_API_KEY: 'env-key' });
      expect(s).toMatchObject({ contextName: 'main', fromEnv: false, headers: { Authorization: 'Bearer ctx-key' } });
    });

    it('--server elsewhere says otherwise: the environment key never goes there', async () => {
      const s = await withEnv(
        { server: 'https://ctx.example.com/prefix' },
        { QLIK_SERVER: 'https://env.example.com', QLIK_API_KEY: 'env-key' },
      );
      expect(s.fromEnv).toBe(false);
      expect(JSON.stringify(s)).not.toContain('env-key');
      const same = await withEnv(
        { server: 'https://env.example.com/x' },
        { QLIK_SERVER: 'https://env.example.com', QLIK_API_KEY: 'env-key' },
      );
      expect(same).toMatchObject({
        fromEnv: true,
        server: 'https://env.example.com/x',
        headers: { Authorization: 'Bearer env-key' },
      });
    });

    it('without QLIK_SERVER the variables are not used', async () => {
      const s = await withEnv({}, { QLIK_API_KEY: 'env-key' });
      expect(s).toMatchObject({ contextName: 'main', fromEnv: false });
    });

    it.each([
      [
        { QLIK_SERVER: 'https://env.example.com' },
        'QLIK_SERVER is set without credentials: set QLIK_API_KEY, or QLIK_OAUTH_CLIENT_ID and QLIK_OAUTH_CLIENT_SECRET',
      ],
      [
        { QLIK_SERVER: 'https://env.example.com', QLIK_API_KEY: 'k', QLIK_OAUTH_CLIENT_ID: 'c' },
        'QLIK_API_KEY and QLIK_OAUTH_CLIENT_ID/QLIK_OAUTH_CLIENT_SECRET are both set: keep one kind of credentials',
      ],
      [
        { QLIK_SERVER: 'https://env.example.com', QLIK_OAUTH_CLIENT_ID: 'c' },
        'QLIK_OAUTH_CLIENT_ID is set without QLIK_OAUTH_CLIENT_SECRET',
      ],
      [{ QLIK_SERVER: 'https://env.example.com', QLIK_API_KEY: 'a\nb' }, 'QLIK_API_KEY has a line break in its value'],
      [{ QLIK_SERVER: 'ftp://env.example.com', QLIK_API_KEY: 'k' }, /QLIK_SERVER/],
    ])('an incomplete or wrong set is one line: %j', async (env, message) => {
      await expect(withEnv({}, env)).rejects.toThrow(message);
    });
  });

  it('says where the credentials come from: --headers, then the -c file, then the context', async () => {
    expect((await resolve({ headers: { authorization: 'Bearer flag-key' } })).credentials).toEqual({ kind: 'headers' });
    expect((await resolve({}, { 'api-key': 'cfg-key' })).credentials).toEqual({ kind: 'config' });
    expect((await resolve({ server: 'https://elsewhere.example.com' })).credentials).toEqual({ kind: 'none' });
  });

  it('uses --context instead of current-context, and config "context" when no flag is given', async () => {
    const a = await resolve({ context: 'other' });
    expect(a).toMatchObject({
      contextName: 'other',
      server: 'https://other.example.com',
      serverType: 'windows',
      headers: {},
      insecure: false,
    });
    const b = await resolve({}, { context: 'other' });
    expect(b.contextName).toBe('other');
    const c = await resolve({ context: 'main' }, { context: 'other' });
    expect(c.contextName).toBe('main');
  });

  it('names the available contexts when --context is unknown', async () => {
    const e = await resolve({ context: 'nope' }).catch((x: unknown) => x as Error);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe(
      `context 'nope' not found in ${contextsPath}; available: main, other (--context)`,
    );
  });

  it('lets the config file override the context, and a flag override both', async () => {
    const config = { server: 'cfg.example.com', insecure: false, 'server-type': 'engine' };
    const a = await resolve({}, config);
    expect(a).toMatchObject({
      server: 'https://cfg.example.com',
      insecure: false,
      serverType: 'engine',
      contextName: 'main',
    });
    const b = await resolve(
      { server: 'http://flag.example.com:81/p/', insecure: true, 'server-type': 'cloud' },
      config,
    );
    expect(b).toMatchObject({
      server: 'http://flag.example.com:81/p',
      insecure: true,
      serverType: 'cloud',
      serverTypeGuessed: false,
    });
  });

  it('merges headers per name (case-insensitively): flag > config > context, with api-key as the Authorization of the config', async () => {
    const s = await resolve(
      { headers: { 'X-C': 'flag-c', 'x-b': 'flag-b' } },
      { headers: { 'x-a': 'cfg-a', 'X-C': 'cfg-c', 'X-D': 'cfg-d' }, 'api-key': 'cfg-key' },
    );
    expect(s.headers).toEqual({
      Authorization: 'Bearer cfg-key',
      'x-a': 'cfg-a',
      'x-b': 'flag-b',
      'X-C': 'flag-c',
      'X-D': 'cfg-d',
    });
  });

  it('lets a --headers Authorization replace the context key', async () => {
    const s = await resolve({ headers: { authorization: 'Bearer flag-key' } });
    expect(s.headers).toEqual({ authorization: 'Bearer flag-key', 'X-A': 'ctx-a', 'X-B': 'ctx-b' });
  });

  it("sends a context's credentials only to the context's own server", async () => {
    const same = await resolve({ server: 'https://ctx.example.com/other-prefix' });
    expect(same.headers.Authorization).toBe('Bearer ctx-key');
    expect(same.notices).toEqual([]);
    for (const [flags, config, source] of [
      [{ server: 'http://elsewhere.example' }, {}, '--server'],
      [{}, { server: 'https://attacker.example' }, 'config file cfg.yml'],
      [{ server: 'https://ctx.example.com:8443' }, {}, '--server'],
    ] as const) {
      const s = await resolve(flags, config);
      expect(s.headers).toEqual({ 'X-A': 'ctx-a', 'X-B': 'ctx-b' });
      expect(s.notices).toEqual([
        `Warning: not sending the credentials of context 'main' to ${new URL(s.server).origin}: they belong to https://ctx.example.com (${source} points elsewhere)`,
      ]);
    }
  });

  it('still sends credentials given for the run itself to another server', async () => {
    const s = await resolve(
      { server: 'http://elsewhere.example', headers: { Authorization: 'Bearer run-key' } },
      { 'api-key': 'cfg-key' },
    );
    expect(s.headers.Authorization).toBe('Bearer run-key');
    const c = await resolve({}, { server: 'https://cfg.example', 'api-key': 'cfg-key' });
    expect(c.headers.Authorization).toBe('Bearer cfg-key');
  });

  it('turns verbose off when --json is set, wherever each came from', async () => {
    expect(await resolve({ verbose: true })).toMatchObject({ verbose: true, json: false });
    expect(await resolve({ verbose: true, json: true })).toMatchObject({ verbose: false, json: true });
    expect(await resolve({ verbose: true }, { json: true })).toMatchObject({ verbose: false, json: true });
    expect(await resolve({ json: true }, { verbose: true })).toMatchObject({ verbose: false, json: true });
    expect(await resolve({}, { verbose: true })).toMatchObject({ verbose: true });
    expect(await resolve({ json: false }, { json: true, verbose: true })).toMatchObject({ verbose: true, json: false });
  });

  it('checks headers from every source before anything is sent', async () => {
    await expect(resolve({ headers: { 'X-Bad': 'a\nb' } })).rejects.toThrow('--headers: header X-Bad has a line break');
    await expect(resolve({}, { headers: { 'Bad Name': 'x' } })).rejects.toThrow(
      'config file cfg.yml: headers: invalid header name "Bad Name"',
    );
    await expect(resolve({}, { 'api-key': 'key-from-env\n' })).rejects.toThrow(
      "config file cfg.yml: 'api-key' has a line break in its value (does the environment variable end in a newline?)",
    );
    await expect(resolve({}, { 'api-key': 'k\u20ac' })).rejects.toThrow(
      "config file cfg.yml: 'api-key': header Authorization has a character outside Latin-1",
    );
  });

  it('rejects badly typed config values with the key name', async () => {
    await expect(resolve({}, { server: 5 })).rejects.toThrow("config file cfg.yml: 'server' must be a string");
    await expect(resolve({}, { insecure: 'yes' })).rejects.toThrow(
      "config file cfg.yml: 'insecure' must be true or false",
    );
    await expect(resolve({}, { headers: ['a'] })).rejects.toThrow("config file cfg.yml: 'headers' must be a map");
    await expect(resolve({}, { headers: { 'X-N': 1 } })).rejects.toThrow(
      "config file cfg.yml: 'headers.X-N' must be a string",
    );
  });

  it('names where a bad server came from', async () => {
    await expect(resolve({ server: 'ftp://x' })).rejects.toThrow(/^--server: unsupported scheme/);
    await expect(resolve({}, { server: 'ftp://x' })).rejects.toThrow(/^config file cfg.yml: unsupported scheme/);
    await expect(resolve({ 'server-type': 'bogus' })).rejects.toThrow(/^--server-type: invalid server type/);
  });
});
