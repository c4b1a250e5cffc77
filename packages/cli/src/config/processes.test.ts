// Cross-process behaviour of updateContexts: real `node` processes running a bundled copy of the module.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContexts } from './contexts.js';
import { updateContexts } from './transaction.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Both knobs can be raised for a soak run (QLIK_KILL_TRIALS=500) or lowered on very slow machines. `npm run
// reliability` runs the large version (hundreds of kill -9 trials and concurrent updates) through the built CLI.
const KILL_TRIALS = Number(process.env.QLIK_KILL_TRIALS ?? '12');
const WRITERS = Number(process.env.QLIK_CONCURRENT_PROCESSES ?? '16');
const PAYLOAD = 20_000;

// The child: `add <file> <name> <go-file>` waits for the go file and adds one context;
// `churn <file> <tag>` rewrites its own context forever (until killed).
const childSource = `
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { updateContexts } from './transaction.js';
const [mode, file, name, go] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Never outlive the test: stop when the parent goes away (stdin closes); churn for at most 60 s.
process.stdin.on('close', () => process.kill(process.pid, 'SIGKILL'));
process.stdin.resume();
process.stdin.unref();
if (mode === 'churn') setTimeout(() => process.kill(process.pid, 'SIGKILL'), 60_000).unref();
process.stdout.write('ready\\n');
if (mode === 'add') {
  while (!existsSync(go)) await sleep(2);
  await updateContexts(file, (d) => d.create(name, { server: 'https://' + name + '.example.com', headers: { Authorization: 'Bearer ' + name } }));
} else if (mode === 'churn') {
  for (let i = 0; ; i++) {
    const comment = String(i).padEnd(${PAYLOAD}, i % 2 ? 'x' : 'y');
    const check = createHash('sha256').update(comment).digest('hex');
    await updateContexts(file, (d) => {
      if (d.has(name)) d.update(name, { comment, 'x-check': check });
      else d.create(name, { server: 'https://churn.example.com', comment, 'x-check': check });
    });
  }
}
`;

let root: string;
let childScript: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qlik-processes-test-'));
  childScript = join(root, 'child.mjs');
  await build({
    stdin: { contents: childSource, resolveDir: here, loader: 'ts', sourcefile: 'child.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childScript,
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'error',
  });
});
const live = new Set<ChildProcess>();
afterAll(async () => {
  for (const proc of live) proc.kill('SIGKILL');
  await Promise.all([...live].map((proc) => new Promise((r) => proc.once('exit', r))));
  await rm(root, { recursive: true, force: true });
});

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startChild(args: string[]): Child {
  const proc = spawn(process.execPath, [childScript, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.once('data', () => resolve());
    proc.once('exit', () => reject(new Error(`child exited before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { proc, ready, exit };
}

// Generous timeouts: spawning dozens of node processes is slow on small or busy CI machines.
describe('updateContexts across processes', { timeout: 180_000 }, () => {
  it(`lands all of ${WRITERS} concurrent updates from separate processes`, async () => {
    const dir = join(root, 'writers');
    await mkdir(dir);
    const file = join(dir, 'contexts.yml');
    await writeFile(file, '# shared by many writers\ncurrent-context: ""\ncontexts: {}\n');
    const go = join(dir, 'go');
    const names = Array.from({ length: WRITERS }, (_, i) => `tenant-${String(i).padStart(3, '0')}`);
    const children = names.map((name) => startChild(['add', file, name, go]));
    await Promise.all(children.map((c) => c.ready));
    await writeFile(go, '');
    const exits = await Promise.all(children.map((c) => c.exit));
    for (const e of exits) expect(e).toEqual({ code: 0, signal: null, stderr: '' });

    const s = await readContexts(file);
    expect([...s.names()].sort()).toEqual(names);
    for (const name of names) {
      expect(s.get(name)).toEqual({
        headers: { Authorization: `Bearer ${name}` },
        server: `https://${name}.example.com`,
      });
    }
    expect(await readFile(file, 'utf8')).toMatch(/^# shared by many writers\n/);
    expect((await readdir(dir)).sort()).toEqual(['.contexts.yml.cache.json', 'contexts.yml', 'go']);
  });

  it(`survives kill -9 at random moments (${KILL_TRIALS} trials): the file stays complete and the lock never wedges`, async () => {
    const base = [
      '# survives kill -9',
      'current-context: stable',
      'contexts:',
      '  stable:',
      '    server: https://stable.example.com # keep',
      '',
    ].join('\n');

    async function trial(t: number): Promise<void> {
      const dir = join(root, `kill-${t}`);
      await mkdir(dir);
      const file = join(dir, 'contexts.yml');
      await writeFile(file, base);
      const writers = [0, 1].map((w) => startChild(['churn', file, `churn-${w}`]));
      await Promise.all(writers.map((c) => c.ready));
      await Promise.all(
        writers.map(async (c) => {
          await new Promise((r) => setTimeout(r, Math.random() * 150));
          c.proc.kill('SIGKILL');
          const e = await c.exit;
          expect(e.signal).toBe('SIGKILL');
          expect(e.stderr).toBe('');
        }),
      );

      // The file is always a complete, valid document: the old one or one some writer finished.
      const s = await readContexts(file);
      expect(s.current).toBe('stable');
      expect(s.get('stable')).toEqual({ server: 'https://stable.example.com' });
      const text = await readFile(file, 'utf8');
      expect(text.startsWith('# survives kill -9\ncurrent-context: stable\n')).toBe(true);
      expect(text).toContain('server: https://stable.example.com # keep\n');
      for (const name of s.names()) {
        if (name === 'stable') continue;
        const c = s.get(name)!;
        expect(typeof c.comment).toBe('string');
        expect(c.comment!.length).toBe(PAYLOAD);
        expect(c['x-check']).toBe(createHash('sha256').update(c.comment!).digest('hex'));
      }

      // Whatever the writers left behind (a lock of a dead pid, temp files), the next writer proceeds at once.
      const started = Date.now();
      await updateContexts(file, (d) => d.create('after', { server: 'https://after.example.com' }), {
        timeoutMs: 5000,
      });
      expect(Date.now() - started).toBeLessThan(4000);
      expect((await readContexts(file)).names()).toContain('after');
      expect((await readdir(dir)).sort()).toEqual(['.contexts.yml.cache.json', 'contexts.yml']);
    }

    const parallel = 6;
    for (let t = 0; t < KILL_TRIALS; t += parallel) {
      await Promise.all(Array.from({ length: Math.min(parallel, KILL_TRIALS - t) }, (_, i) => trial(t + i)));
    }
  });
});
