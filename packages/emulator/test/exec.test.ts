// `qlik-emulator exec -- CMD`, end to end with the real command line: the variables CMD gets, its exit code passed
// through, signals passed on, and nothing left running afterwards (neither CMD nor the emulator).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { running } from '../../../test/kit/process.mjs';
import { BIN } from './util.js';

const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(args: string[], opts: { onLine?: (line: string, pid: number) => void } = {}): Promise<Run> {
  const child = spawn(process.execPath, [BIN, 'exec', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  pids.push(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += `${line}\n`;
    opts.onLine?.(line, child.pid!);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A node script as CMD: prints what it was given and what the emulator answered as that key, then exits 7. */
const PROBE = `
const env = process.env;
fetch(env.QLIK_SERVER + '/api/v1/users/me', { headers: { authorization: 'Bearer ' + env.QLIK_API_KEY } })
  .then((r) => r.json())
  .then(async (me) => {
    const token = await fetch(env.QLIK_SERVER + '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: env.QLIK_CLIENT_ID, client_secret: env.QLIK_CLIENT_SECRET }),
    });
    console.log(JSON.stringify({ server: env.QLIK_SERVER, me: me.name, oauth: token.status, ca: env.NODE_EXTRA_CA_CERTS ?? null, parentVar: env.QLIK_EMULATOR_PARENT_PID ?? null }));
    process.exit(7);
  });
`;

describe('qlik-emulator exec', () => {
  it('runs CMD with the server, the admin key and the OAuth client, and exits with its code', async () => {
    const r = await exec(['--', process.execPath, '-e', PROBE]);
    expect(r.code, r.stderr).toBe(7);
    const seen = JSON.parse(r.stdout) as { server: string; me: string; oauth: number; parentVar: string | null };
    expect(seen).toMatchObject({ me: 'admin', oauth: 200, parentVar: null });
    expect(seen.server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The emulator has stopped with the command.
    await expect(fetch(`${seen.server}/api/v1/users/me`)).rejects.toThrow();
  });

  it('--tls --as dev: HTTPS trusted through NODE_EXTRA_CA_CERTS, the key of dev; the certificate files go', async () => {
    const r = await exec(['--tls', '--as', 'dev', '--', process.execPath, '-e', PROBE]);
    expect(r.code, r.stderr).toBe(7);
    const seen = JSON.parse(r.stdout) as { server: string; me: string; oauth: number; ca: string };
    expect(seen).toMatchObject({ me: 'dev', oauth: 200 });
    expect(seen.server).toMatch(/^https:/);
    expect(existsSync(seen.ca)).toBe(false);
  });

  it('a command ended by a signal gives 128 + its number; a missing command 127; no command 2', async () => {
    expect((await exec(['--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143);
    const missing = await exec(['--', 'qlik-emulator-no-such-command']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('cannot run "qlik-emulator-no-such-command": command not found');
    const none = await exec([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^qlik-emulator: exec needs a command after "--"/m);
  });

  it("SIGTERM to exec is passed on to the command, whose code is exec's; nothing is left running", async () => {
    const script = `process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(5); });
      console.log(JSON.stringify({ pid: process.pid, server: process.env.QLIK_SERVER })); setInterval(() => {}, 1000);`;
    let cmd: { pid: number; server: string } | undefined;
    const r = await exec(['--', process.execPath, '-e', script], {
      onLine: (line, pid) => {
        if (cmd !== undefined) return;
        cmd = JSON.parse(line) as { pid: number; server: string };
        pids.push(cmd.pid);
        process.kill(pid, 'SIGTERM');
      },
    });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toContain('got SIGTERM');
    expect(running(cmd!.pid)).toBe(false);
    await expect(fetch(`${cmd!.server}/api/v1/users/me`)).rejects.toThrow();
  });

  it.skipIf(process.platform !== 'linux')("when exec's parent dies, the command and the emulator go too", async () => {
    // A stand-in for a CI runner killed mid-job: it starts exec, prints exec's pid once CMD runs, and is SIGKILLed.
    const wrapper = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(BIN)}, 'exec', '--', process.execPath, '-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
         c.stdout.once('data', (d) => console.log(c.pid + ' ' + String(d).trim()));
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    pids.push(wrapper.pid!);
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: wrapper.stdout }).once('line', resolve),
    );
    const [execPid, cmdPid] = line.split(' ').map(Number) as [number, number];
    pids.push(execPid, cmdPid);
    expect(running(execPid) && running(cmdPid)).toBe(true);
    wrapper.kill('SIGKILL');
    await expect.poll(() => running(cmdPid) || running(execPid), { timeout: 5000, interval: 100 }).toBe(false);
  });
});
