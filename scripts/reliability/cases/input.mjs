// 2. Bad input: every case must be answered with one `Error: …` line, exit 1, no stack trace, nothing on stdout,
// the contexts file and every input file unchanged, and zero network calls (a counting relay stands in front of the
// emulator as the context's server, so even a connection that never becomes a request is seen).
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, truncate, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { contextsPath, envFor, makeHome, runQlik, sha256File, stderrLines, writeContexts } from '../lab.mjs';
import { startRelay } from '../net.mjs';
import { commonChecks, Verdict } from '../verdict.mjs';

const NOBODY = 65534;

/**
 * A bad-input case: a home whose context points at a counting relay in front of the emulator (so any network
 * call is seen, even one that never becomes an HTTP request), the input files hashed before and after.
 */
/**
 * @typedef {{ dir: string, server: string, key: string, cleanup: (() => unknown)[] }} InputFiles
 * @typedef {{ files?: string[], [field: string]: any }} SetupResult
 * @typedef {object} BadInput
 * @property {string[] | ((files: InputFiles, extra: SetupResult) => string[])} args
 * @property {(files: InputFiles) => Promise<SetupResult>} [setup]
 * @property {(server: string, key: string) => string} [contexts]
 * @property {Record<string, string> | ((files: InputFiles) => Record<string, string>)} [env]
 * @property {boolean} [asNobody]
 * @property {RegExp} [expect]
 * @property {boolean} [reduced]
 * @property {import('./case.mjs').Section} [section]
 * @property {string} [prefix]
 */
/**
 * @param {string} id
 * @param {string} injected
 * @param {BadInput} opts
 * @returns {import('./case.mjs').Case}
 */
export function badInput(
  id,
  injected,
  { args, setup, contexts, env = {}, asNobody = false, expect, reduced = false, section = 'input', prefix = 'input/' },
) {
  return {
    id: `${prefix}${id}`,
    section,
    reduced,
    injected,
    expected: 'exit 1, one line on stderr, 0 network calls, files untouched',
    async run(lab) {
      const relay = lab.own(await startRelay(lab.emu.port));
      const home = await makeHome();
      const server = `http://127.0.0.1:${relay.port}`;
      if (contexts === undefined) {
        await writeContexts(home, { emu: { server, headers: { Authorization: `Bearer ${lab.emu.admin.apiKey}` } } });
      } else {
        await mkdir(join(home, '.qlik'), { recursive: true, mode: 0o700 });
        await writeFile(contextsPath(home), contexts(server, lab.emu.admin.apiKey), { mode: 0o600 });
      }
      /** @type {InputFiles} */
      const files = { dir: home, server, key: lab.emu.admin.apiKey, cleanup: [] };
      /** @type {SetupResult} */
      const extra = setup ? await setup(files) : {};
      const watched = [contextsPath(home), ...(extra.files ?? [])];
      const before = await Promise.all(watched.map(sha256File));
      let uid;
      if (asNobody && process.getuid?.() === 0) {
        spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, home]);
        uid = NOBODY;
      }
      const r = await runQlik(typeof args === 'function' ? args(files, extra) : args, {
        env: envFor(home, typeof env === 'function' ? env(files) : env),
        timeoutMs: 30_000,
        ...(uid === undefined ? {} : { uid, gid: NOBODY }),
      });
      for (const c of files.cleanup) await c();
      const after = await Promise.all(watched.map(sha256File));
      const v = new Verdict();
      const lines = stderrLines(r.stderr);
      v.fig('exit', r.code);
      v.fig('lines', lines.length);
      v.fig('network', relay.stats.connections);
      v.fig('untouched', before.every((h, i) => h === after[i]) ? 'yes' : 'NO');
      commonChecks(v, r);
      v.fig('ms', r.ms);
      v.eq('exit code', r.code, 1);
      v.eq('stderr lines', lines.length, 1);
      v.expect(
        /^Error: \S/.test(lines[0] ?? ''),
        `stderr is not one "Error: …" line: ${JSON.stringify(r.stderr.slice(0, 300))}`,
      );
      v.eq('network calls', relay.stats.connections, 0);
      v.eq('input files untouched', v.figures.untouched, 'yes');
      v.eq('stdout', r.stdout, '');
      if (expect) v.match('stderr', r.stderr, expect);
      if (asNobody && uid === undefined) v.expect(false, 'needs root to switch to uid 65534');
      return v.done();
    },
  };
}

const CREATE = ['api-key', 'create', '--description', 'bad input'];

/**
 * `api-key ls --headers <value>`, refused with a message matching `expect`.
 * @param {string} id
 * @param {string} injected
 * @param {string} value
 * @param {RegExp} expect
 */
const badHeader = (id, injected, value, expect) =>
  badInput(id, injected, { args: ['api-key', 'ls', '--headers', value], expect });

/** @returns {import('./case.mjs').Case[]} */
export function inputCases() {
  const durations = [
    ['7D', ['--expiry', '7D']],
    ['P', ['--expiry', 'P']],
    ['PT', ['--expiry', 'PT']],
    ['P1DT', ['--expiry', 'P1DT']],
    ['P7Dx', ['--expiry', 'P7Dx']],
    ['-P1D', ['--expiry=-P1D']],
    ['-P1D (separate)', ['--expiry', '-P1D']],
    ['empty', ['--expiry', '']],
  ];
  const cases = /** @type {[string, string[]][]} */ (durations).map(([name, flag]) =>
    badInput(
      `expiry-${name.replace(/\W+/g, '_')}`,
      `create --expiry ${JSON.stringify((flag.at(-1) ?? '').replace(/^--expiry=/, ''))}${name.includes('separate') ? ' (as two argv words)' : ''}`,
      {
        args: [...CREATE, ...flag],
        expect: /expiry|duration/i,
      },
    ),
  );
  /**
   * A file `name` in the case's directory holding `content`; watched for changes.
   * @param {InputFiles} f
   * @param {string} name
   * @param {string} content
   */
  const bodyFile = async (f, name, content) => {
    const path = join(f.dir, name);
    await writeFile(path, content);
    return { files: [path], path };
  };
  cases.push(
    badInput('subType-scim', 'create --subType scim', { args: [...CREATE, '--subType', 'scim'], expect: /subType/ }),
    badInput('retry-11', 'create --retry 11', { args: [...CREATE, '--retry', '11'], expect: /retry/ }),
    badInput('interval-0', 'create --interval 0', { args: [...CREATE, '--interval', '0'], expect: /interval/ }),
    badHeader('header-CR', '--headers with CR in a value', 'X-Test=a\rb', /line break/),
    badHeader('header-LF', '--headers with LF in a value', 'X-Test=a\nInjected: 1', /line break/),
    badInput('header-NUL-config', 'NUL in a header value, from a -c config file (argv cannot hold NUL)', {
      setup: (f) => bodyFile(f, 'config.yml', 'headers:\n  X-Test: "a\\0b"\n'),
      args: (f, e) => ['api-key', 'ls', '-c', e.path],
      expect: /NUL/,
    }),
    badInput('header-NUL-context', 'NUL in a header value, from the context', {
      contexts: (server, key) =>
        `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: "Bearer ${key}"\n      X-Test: "a\\0b"\n    server: ${server}\n`,
      args: ['api-key', 'ls'],
      expect: /NUL/,
    }),
    badHeader('header-name-space', '--headers "Bad Name=x"', 'Bad Name=x', /header name/),
    badHeader('header-name-paren', '--headers "X(1)=x"', 'X(1)=x', /header name/),
    badHeader('header-name-empty', '--headers "=x"', '=x', /header name/),
    badInput('file-missing', '-f pointing at nothing', {
      args: (f) => [...CREATE, '-f', join(f.dir, 'nothing.json')],
      expect: /no such file/,
    }),
    badInput('file-directory', '-f pointing at a directory', {
      args: (f) => [...CREATE, '-f', f.dir],
      expect: /directory/,
    }),
    badInput('file-unreadable', '-f a chmod 000 file, the CLI run as uid 65534 (root bypasses modes)', {
      setup: async (f) => {
        const e = await bodyFile(f, 'secret.json', '{"description":"x"}');
        await chmod(e.path, 0o000);
        return e;
      },
      args: (f, e) => [...CREATE, '-f', e.path],
      asNobody: true,
      expect: /permission denied/,
    }),
    badInput('file-fifo', '-f a FIFO with no writer (must not hang)', {
      setup: (f) => {
        const path = join(f.dir, 'body.fifo');
        spawnSync('mkfifo', [path]);
        return Promise.resolve({ path });
      },
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /regular file/,
    }),
    badInput('file-socket', '-f a UNIX socket', {
      setup: async (f) => {
        const path = join(f.dir, 'body.sock');
        const server = net.createServer();
        await /** @type {Promise<void>} */ (new Promise((resolve) => server.listen(path, resolve)));
        f.cleanup.push(() => new Promise((resolve) => server.close(resolve)));
        return { path };
      },
      args: (f, e) => [...CREATE, '-f', e.path],
    }),
    badInput('file-invalid-json', '-f invalid JSON', {
      setup: (f) => bodyFile(f, 'body.json', '{"description": "x",'),
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /invalid JSON/,
    }),
    badInput('file-array', '-f a JSON array', {
      setup: (f) => bodyFile(f, 'body.json', '[{"description":"x"}]'),
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /array/,
    }),
    badInput('file-100MB', '-f a 100 MB file', {
      setup: async (f) => {
        const e = await bodyFile(f, 'big.json', '{"description":"');
        await truncate(e.path, 100 * 1000 * 1000);
        return e;
      },
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /1 MiB/,
    }),
    badInput('file-BOM', '-f UTF-8 with a BOM', {
      setup: (f) => bodyFile(f, 'bom.json', '\uFEFF{"description":"x"}'),
      args: (f, e) => [...CREATE, '-f', e.path],
      expect: /BOM|byte order mark/,
    }),
    badInput('context-unknown', '--context unknown', {
      args: ['api-key', 'ls', '--context', 'unknown'],
      expect: /unknown/,
    }),
    badInput('contexts-nul', 'contexts file: NUL bytes only', { contexts: () => '\0\0\0\0', args: ['api-key', 'ls'] }),
    badInput('contexts-truncated', 'contexts file truncated mid-value', {
      contexts: (server, key) =>
        `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: "Bearer ${key.slice(0, 40)}`,
      args: ['api-key', 'ls'],
      expect: /contexts\.yml/,
    }),
    badInput('contexts-broken-after-key', 'contexts file broken right after a full key (the error must not quote it)', {
      contexts: (server, key) =>
        `current-context: emu\ncontexts:\n  emu:\n    headers:\n      Authorization: Bearer ${key} : [oops\n    server: ${server}\n`,
      args: ['api-key', 'ls', '-v'],
      expect: /contexts\.yml/,
    }),
    badInput(
      'config-broken-after-key',
      '-c config file with api-key: <key> then broken YAML (the error must not quote it)',
      {
        setup: (f) => bodyFile(f, 'config.yml', `api-key: ${f.key}\nserver: ${f.server}\napi-key: ${f.key}x\n`),
        args: (f, e) => ['api-key', 'ls', '-c', e.path, '-v'],
        expect: /config file/,
      },
    ),
    badInput('contexts-not-yaml', 'contexts file that is not YAML', {
      contexts: () => '{{{ ::: ]]]\n\t- [\n',
      args: ['api-key', 'ls'],
      expect: /contexts\.yml/,
    }),
    badInput('contexts-empty', 'contexts file of zero bytes (no context, no server)', {
      contexts: () => '',
      args: ['api-key', 'ls'],
      expect: /server/,
    }),
    badInput('contexts-wrong-types', 'contexts file with wrong types (contexts: a list)', {
      contexts: () => 'current-context: emu\ncontexts:\n  - emu\n  - other\n',
      args: ['api-key', 'ls'],
      expect: /must be a map/,
    }),
    badInput('contexts-wrong-field-type', 'contexts file with wrong types (server: 42, insecure: "yes")', {
      contexts: () => 'current-context: emu\ncontexts:\n  emu:\n    insecure: "yes"\n    server: 42\n',
      args: ['api-key', 'ls'],
      expect: /must be/,
    }),
    badInput('server-ftp', '--server ftp://x', { args: ['api-key', 'ls', '--server', 'ftp://x'], expect: /scheme/ }),
    badInput('server-no-host', '--server https://', {
      args: ['api-key', 'ls', '--server', 'https://'],
      expect: /server|host|URL/,
    }),
    badInput('config-unknown-key', '-c config file with an unknown key', {
      setup: (f) => bodyFile(f, 'config.yml', 'serverr: http://127.0.0.1:1\n'),
      args: (f, e) => ['api-key', 'ls', '-c', e.path],
      expect: /unknown key/,
    }),
    badInput('config-missing-var', '-c config file with a missing ${VAR}', {
      setup: (f) => bodyFile(f, 'config.yml', 'description: ${RELIABILITY_UNSET_VARIABLE}\n'),
      args: (f, e) => [...CREATE.slice(0, 2), '-c', e.path],
      expect: /RELIABILITY_UNSET_VARIABLE/,
    }),
  );
  const reduced = new Set([
    'expiry-_P1D',
    'header-LF',
    'header-NUL-config',
    'file-fifo',
    'contexts-truncated',
    'config-missing-var',
  ]);
  for (const c of cases) c.reduced = reduced.has(c.id.slice('input/'.length));
  return cases;
}
