// 3. Secrets and the contexts file: no token in any output mode, never in argv (/proc/<pid>/cmdline), private file
// modes, kill -9 in the middle of a write, and concurrent writers.
import { spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { chmod, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  adminHome,
  contextsPath,
  countLeaks,
  envFor,
  isOwnFile,
  makeHome,
  modeOf,
  neighbourLeaks,
  qlikPath,
  registerToken,
  runQlik,
  spawnQlik,
  withCmdline,
} from '../lab.mjs';
import { commonChecks, firstLine, GET_KEYS, parseJson, POST_KEYS, Verdict } from '../verdict.mjs';

/** @typedef {{ args: string[], fault?: import('../lab.mjs').FaultRule, stdoutMayHoldToken?: boolean }} SecretRun */
/**
 * A contexts file as YAML, in the parts these cases read.
 * @typedef {{ contexts?: Record<string, { server?: unknown, comment?: unknown, headers?: Record<string, unknown> } | undefined> }} ContextsDoc
 */

/**
 * A run of `args` while GET /api/v1/api-keys answers `status` with `body`.
 * @param {number} status
 * @param {unknown} body
 * @param {string[]} args
 * @returns {SecretRun}
 */
const lsAnswering = (status, body, args) => ({
  fault: { ...GET_KEYS, action: { type: 'status', status, body } },
  args,
});

/**
 * @param {{ reduced?: boolean }} [opts]
 * @returns {import('./case.mjs').Case[]}
 */
export function secretCases({ reduced = false } = {}) {
  /** @type {import('./case.mjs').Case[]} */
  const cases = [];
  cases.push({
    id: 'secrets/every-mode',
    heavy: true,
    reduced: true,
    section: 'secrets',
    injected: 'create/ls/get/rm/context get in -v, --json, --raw, -q; errors echoing the bearer and a token',
    expected: 'no token and no bearer value on stderr (nor on stdout outside the created key)',
    async run(lab) {
      const emu = await lab.fresh();
      const home = await adminHome(emu);
      const env = envFor(home);
      const v = new Verdict();
      const bearer = emu.admin.apiKey;
      /** @type {{ id: string, token: string }} */
      const target = await emu.control('POST', 'keys', {
        userId: emu.admin.id,
        description: 'reliability get target',
        expiry: 'PT1H',
      });
      /** @type {SecretRun[]} */
      const runs = [
        { args: ['api-key', 'create', '--description', 'm1', '--expiry', 'PT1H', '-v'], stdoutMayHoldToken: true },
        { args: ['api-key', 'create', '--description', 'm2', '--expiry', 'PT1H', '--json'], stdoutMayHoldToken: true },
        {
          args: ['api-key', 'create', '--description', 'm3', '--expiry', 'PT1H', '--raw', '-v'],
          stdoutMayHoldToken: true,
        },
        { args: ['api-key', 'create', '--description', 'm4', '--expiry', 'PT1H', '-q', '-v'] },
        { args: ['api-key', 'ls', '-v'] },
        { args: ['api-key', 'ls', '-q', '--json'] },
        { args: ['api-key', 'get', target.id, '-v', '--raw'] },
        { args: ['context', 'get', '-v'] },
        { args: ['context', 'ls', '--json'] },
        { args: ['user', 'me', '-v'] },
        lsAnswering(401, { errors: [{ code: 'AUTH', title: `Invalid token Bearer ${bearer}`, detail: bearer }] }, [
          'api-key',
          'ls',
        ]),
        lsAnswering(401, { errors: [{ code: 'AUTH', title: `Invalid token ${bearer}` }] }, ['api-key', 'ls', '--json']),
        lsAnswering(500, `upstream said: Authorization: Bearer ${bearer} token=${target.token}`, [
          'api-key',
          'ls',
          '-v',
        ]),
        {
          fault: {
            ...POST_KEYS,
            action: { type: 'malformed-after', body: `oops ${target.token}`, contentType: 'text/plain' },
          },
          args: ['api-key', 'create', '--description', 'm5', '-v'],
        },
        {
          fault: { ...POST_KEYS, action: { type: 'reset-after' } },
          args: ['api-key', 'create', '--description', 'm6', '-v', '--retry', '1', '--interval', '1'],
          stdoutMayHoldToken: true,
        },
        { args: ['api-key', 'rm', target.id, '-v'] },
      ];
      const few = new Set([0, 10, 12]);
      for (const run of reduced ? runs.filter((_, i) => few.has(i)) : runs) {
        await emu.control('DELETE', 'faults');
        if (run.fault) await emu.faults.add(run.fault);
        const r = await runQlik(run.args, { env });
        /** @type {import('../verdict.mjs').CliKey | undefined} */
        const out = parseJson(r.stdout);
        registerToken(out?.token);
        commonChecks(v, r, run.args.join(' '));
        if (!run.stdoutMayHoldToken) {
          const n = countLeaks(r.stdout);
          v.add('leaked', n);
          v.expect(n === 0, `a secret on stdout of ${run.args.join(' ')}`);
        }
        v.add('runs', 1);
      }
      v.add('leaked', await neighbourLeaks(home));
      v.eq('leaked secrets', v.figures.leaked, 0);
      return v.done();
    },
  });
  cases.push({
    id: 'secrets/cmdline-context',
    reduced: true,
    section: 'secrets',
    injected: `ls with the key from a context, the answer delayed ${reduced ? 1 : 3} s; /proc/<pid>/cmdline read while it waits`,
    expected: 'the key never in argv; the process was caught alive',
    async run(lab) {
      const emu = await lab.fresh();
      await emu.faults.add({ ...GET_KEYS, action: { type: 'delay', ms: lab.reduced ? 1000 : 3000 } });
      const home = await adminHome(emu);
      const { r, samples } = await withCmdline(spawnQlik(['api-key', 'ls', '-q'], { env: envFor(home) }));
      const v = new Verdict();
      v.fig('samples', samples.length);
      v.fig('exit', r.code);
      commonChecks(v, r);
      const inArgv = samples.filter((s) => s.includes(emu.admin.apiKey) || countLeaks(s) > 0).length;
      v.add('leaked', inArgv);
      v.fig('ms', r.ms);
      v.expect(
        samples.some((s) => s.includes('qlik')),
        'never caught the process alive',
      );
      v.eq('exit code', r.code, 0);
      v.eq('samples holding the key', inArgv, 0);
      return v.done();
    },
  });
  cases.push({
    id: 'secrets/cmdline-stdin',
    section: 'secrets',
    injected: 'context create --api-key - with stdin held open; /proc/<pid>/cmdline read while it waits',
    expected: 'the key never in argv; the context works afterwards',
    async run(lab) {
      const emu = await lab.fresh();
      const home = await makeHome();
      const env = envFor(home);
      const p = spawnQlik(['context', 'create', 'piped', '--server', emu.url, '--api-key', '-'], {
        env,
        holdStdin: true,
      });
      setTimeout(() => p.child.stdin.end(`${emu.admin.apiKey}\n`), lab.reduced ? 800 : 1500);
      const { r, samples } = await withCmdline(p);
      const v = new Verdict();
      v.fig('samples', samples.length);
      v.fig('exit', r.code);
      commonChecks(v, r);
      const inArgv = samples.filter((s) => s.includes(emu.admin.apiKey)).length;
      v.add('leaked', inArgv);
      v.expect(
        samples.some((s) => s.includes('--api-key -')),
        'never caught the process alive',
      );
      v.eq('samples holding the key', inArgv, 0);
      v.eq('exit code', r.code, 0);
      const me = await runQlik(['user', 'me', '--context', 'piped', '-q'], { env });
      commonChecks(v, me, 'user me');
      v.eq('user me with the piped key', me.code, 0);
      v.add('leaked', await neighbourLeaks(home));
      v.fig('ms', r.ms);
      return v.done();
    },
  });
  cases.push({
    id: 'secrets/file-modes',
    section: 'secrets',
    injected: 'context create in a fresh home under umask 000; update of a 0644 contexts file',
    expected: 'contexts.yml 0600, .qlik 0700, no temp file or lock left',
    async run(lab) {
      const emu = lab.emu;
      const v = new Verdict();
      const home = await makeHome();
      const env = envFor(home);
      const sh = spawnSync(
        'sh',
        [
          '-c',
          'umask 000; exec "$0" "$@"',
          process.execPath,
          qlikPath(),
          'context',
          'create',
          'm',
          '--server',
          emu.url,
          '--api-key',
          '-',
        ],
        {
          env,
          input: emu.admin.apiKey,
          encoding: 'utf8',
        },
      );
      commonChecks(v, { stderr: sh.stderr, timedOut: false });
      v.eq('context create exit code', sh.status, 0);
      const file = contextsPath(home);
      v.fig('file', (await modeOf(file))?.toString(8));
      v.fig('dir', (await modeOf(join(home, '.qlik')))?.toString(8));
      v.eq('contexts.yml mode', await modeOf(file), 0o600);
      v.eq('.qlik mode', await modeOf(join(home, '.qlik')), 0o700);
      // A file made world-readable by someone else becomes private again on the next write.
      await chmod(file, 0o644);
      const up = await runQlik(['context', 'update', 'm', '--comment', 'x'], { env });
      commonChecks(v, up, 'context update');
      v.eq('context update exit code', up.code, 0);
      v.eq('contexts.yml mode after update', await modeOf(file), 0o600);
      const left = (await readdir(join(home, '.qlik'))).filter((n) => !isOwnFile(n));
      v.eq('files left next to contexts.yml', left.join(','), '');
      v.add('leaked', await neighbourLeaks(home));
      return v.done();
    },
  });
  cases.push(killCase(reduced ? 6 : 200));
  cases.push(concurrentCase(reduced ? 3 : 100));
  return cases;
}

/**
 * A contexts file is sound when it parses, holds `ctx` with its server and key, and a comment from the trial set.
 * @param {string | undefined} text
 * @param {string} server
 * @param {string} key
 */
function soundContexts(text, server, key) {
  if (text === undefined || text.trim() === '') return 'empty';
  /** @type {ContextsDoc | undefined} */
  let doc;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return `unparsable: ${/** @type {Error} */ (e).message.split('\n')[0]}`;
  }
  const c = doc?.contexts?.ctx;
  if (!c) return 'the context is missing';
  if (c.server !== server) return 'the server changed';
  if (c.headers?.Authorization !== `Bearer ${key}`) return 'the key changed';
  if (typeof c.comment !== 'string' || !/^trial-\d+$/.test(c.comment))
    return `unexpected comment ${JSON.stringify(c.comment)}`;
  return undefined;
}

/**
 * @param {number} trials
 * @returns {import('./case.mjs').Case}
 */
function killCase(trials) {
  return {
    id: 'secrets/kill-9',
    heavy: true,
    reduced: true,
    section: 'secrets',
    injected: `kill -9 at random points of ${trials} context writes (half timed on the lock/temp file appearing)`,
    expected: 'never a partial, empty or unparsable file; the next write is never blocked; no temp file or secret left',
    async run(lab) {
      const emu = lab.emu;
      const home = await makeHome();
      const env = envFor(home);
      const key = emu.admin.apiKey;
      const v = new Verdict();
      const made = await runQlik(
        ['context', 'create', 'ctx', '--server', emu.url, '--api-key', '-', '--comment', 'trial-0'],
        { env, input: key },
      );
      v.eq('context create', made.code, 0);
      const dir = join(home, '.qlik');
      const file = contextsPath(home);
      // How long a write takes here, to spread the kill points over it.
      const probe = await runQlik(['context', 'update', 'ctx', '--comment', 'trial-0'], { env });
      const span = Math.max(50, probe.ms);
      let broken = 0;
      let killedInside = 0;
      let blocked = 0;
      for (let i = 1; i <= trials; i++) {
        const p = spawnQlik(['context', 'update', 'ctx', '--comment', `trial-${i}`], { env });
        /** @type {import('node:fs').FSWatcher | undefined} */
        let watcher;
        if (i % 2 === 0) {
          // Kill a few ms after the lock directory or a temp file shows up: inside the critical section.
          const lag = Math.random() * 8;
          watcher = watch(dir, (_e, name) => {
            if (name && (name.endsWith('.lock') || name.endsWith('.tmp'))) {
              watcher?.close();
              setTimeout(() => p.child.kill('SIGKILL'), lag);
            }
          });
        } else {
          setTimeout(() => p.child.kill('SIGKILL'), Math.random() * span * 1.1);
        }
        const r = await p.done;
        watcher?.close();
        const leftovers = (await readdir(dir)).filter((n) => !isOwnFile(n));
        if (r.signal === 'SIGKILL' && leftovers.length > 0) killedInside += 1;
        // What a kill leaves (a temp copy of the file, with the key in it) must be as private as the file itself.
        for (const name of leftovers) {
          const mode = await modeOf(join(dir, name));
          if (mode !== undefined && (mode & 0o077) !== 0)
            v.expect(false, `trial ${i}: ${name} is readable by others (${mode.toString(8)})`);
        }
        const text = await readFile(file, 'utf8').catch(() => undefined);
        const problem = soundContexts(text, emu.url, key);
        if (problem) {
          broken += 1;
          v.expect(false, `trial ${i}: ${problem}`);
        }
        v.add('leaked', countLeaks(r.stderr));
        // Every few trials a write must go through despite what the kill left (and leave nothing behind).
        if (i % (lab.reduced ? 5 : 4) === 0 || i === trials) {
          const next = await runQlik(['context', 'update', 'ctx', '--comment', `trial-${i}`], {
            env,
            timeoutMs: 30_000,
          });
          if (next.code !== 0) {
            blocked += 1;
            v.expect(false, `trial ${i}: the next write failed: ${firstLine(next.stderr)}`);
          }
          const rest = (await readdir(dir)).filter((n) => !isOwnFile(n));
          v.expect(rest.length === 0, `trial ${i}: left after the next write: ${rest.join(', ')}`);
          const t2 = await readFile(file, 'utf8').catch(() => undefined);
          if (
            soundContexts(t2, emu.url, key) !== undefined ||
            parseYaml(t2 ?? '').contexts.ctx.comment !== `trial-${i}`
          ) {
            broken += 1;
            v.expect(false, `trial ${i}: the follow-up write was not applied`);
          }
        }
      }
      v.fig('trials', trials);
      v.fig('killedInLock', killedInside);
      v.fig('broken', broken);
      v.fig('blocked', blocked);
      v.eq('mode', await modeOf(file), 0o600);
      v.add('leaked', await neighbourLeaks(home));
      v.eq('leaked', v.figures.leaked, 0);
      return v.done();
    },
  };
}

/**
 * @param {number} pairs
 * @returns {import('./case.mjs').Case}
 */
function concurrentCase(pairs) {
  return {
    id: 'secrets/concurrent-updates',
    heavy: true,
    reduced: true,
    section: 'secrets',
    injected: `${pairs} pairs of concurrent context update (same context, different fields / different contexts)`,
    expected: 'both updates of every pair are in the file; both exit 0',
    async run(lab) {
      const emu = lab.emu;
      const home = await makeHome();
      const env = envFor(home);
      const v = new Verdict();
      const key = emu.admin.apiKey;
      for (const name of ['a', 'b']) {
        const r = await runQlik(['context', 'create', name, '--server', emu.url, '--api-key', '-'], {
          env,
          input: key,
        });
        v.eq(`context create ${name}`, r.code, 0);
      }
      let lost = 0;
      for (let i = 1; i <= pairs; i++) {
        const sameContext = i % 2 === 1;
        const one = ['context', 'update', 'a', '--comment', `a-${i}`];
        const two = sameContext
          ? ['context', 'update', 'a', '--headers', `X-Pair=p-${i}`]
          : ['context', 'update', 'b', '--comment', `b-${i}`];
        const [r1, r2] = await Promise.all([
          runQlik(one, { env, timeoutMs: 60_000 }),
          runQlik(two, { env, timeoutMs: 60_000 }),
        ]);
        v.expect(
          r1.code === 0 && r2.code === 0,
          `pair ${i}: exit ${r1.code}/${r2.code}: ${firstLine(r1.stderr + r2.stderr)}`,
        );
        v.add('leaked', countLeaks(r1.stderr) + countLeaks(r2.stderr));
        /** @type {ContextsDoc | undefined} */
        let doc;
        try {
          doc = parseYaml(await readFile(contextsPath(home), 'utf8'));
        } catch {
          doc = undefined;
        }
        const a = doc?.contexts?.a;
        const okOne = a?.comment === `a-${i}`;
        const okTwo = sameContext ? a?.headers?.['X-Pair'] === `p-${i}` : doc?.contexts?.b?.comment === `b-${i}`;
        const missing = (okOne ? 0 : 1) + (okTwo ? 0 : 1);
        if (missing > 0) v.expect(false, `pair ${i}: ${missing} update(s) lost`);
        lost += missing;
        if (a?.headers?.Authorization !== `Bearer ${key}`) v.expect(false, `pair ${i}: the key was lost`);
      }
      v.fig('pairs', pairs);
      v.fig('lost', lost);
      v.add('leaked', await neighbourLeaks(home));
      v.eq('leaked', v.figures.leaked, 0);
      return v.done();
    },
  };
}
