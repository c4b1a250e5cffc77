// Helpers shared by the demo, bench and reliability scripts: start the built emulator and run the built CLI.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const QLIK = fileURLToPath(new URL('../packages/cli/bin/qlik.cjs', import.meta.url));
export const EMULATOR = fileURLToPath(new URL('../packages/emulator/bin/qlik-emulator.js', import.meta.url));

/** Start qlik-emulator and resolve with its ready line ({url, tenantId, users, caCert?}) and a stop function. */
export function startEmulator(args = [], env = process.env) {
  const child = spawn(process.execPath, [EMULATOR, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      const info = JSON.parse(line);
      resolve({
        ...info,
        child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`qlik-emulator exited with ${code} before it was ready:\n${stderr}`)));
  });
}

/** Run the built qlik CLI; resolves with {code, stdout, stderr, ms}. */
export function runQlik(args, { env = process.env, input, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [QLIK, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, pid: child.pid });
    });
    child.stdin.end(input ?? '');
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
