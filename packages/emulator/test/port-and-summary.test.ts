// Start-up: with --data the port is stored and reused when free (a given port wins); on a terminal a summary
// for people (no token on screen, a ready-to-paste `qlik context create` line whose key comes from a file)
// instead of the JSON line, which --json and a non-terminal stdout still get.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qlik-ts/emulator';
import { describe, expect, it } from 'vitest';
import { renderSummary, shellWord, terminalSafe } from '../src/host/summary.js';
import { alive } from '../../../test/kit/process.mjs';
import { tempDir } from '../../../test/kit/temp.js';
import { BIN, hasScript } from './util.js';

const portOf = (emu: Emulator): number => Number(new URL(emu.url).port);

describe.each(['in-process', 'child'] as const)('with --data the port is kept (%s)', (mode) => {
  it('reuses the stored port when it is free, picks another when not (keeping the stored one), and a given port wins', async () => {
    const data = join(tempDir(), 'state.db');
    const first = await startEmulator({ mode, data });
    const port = portOf(first);
    await first.stop();

    const second = await startEmulator({ mode, data });
    expect(portOf(second)).toBe(port);
    await second.stop();

    // The stored port is taken: this run gets another one, and the next free run gets the stored one back.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const lines: string[] = [];
    const third = await startEmulator({ mode, data, log: (l) => lines.push(l) });
    expect(portOf(third)).not.toBe(port);
    expect(lines.some((l) => l.startsWith(`the stored port ${port} is not free`))).toBe(true);
    await third.stop();
    await new Promise((resolve) => blocker.close(resolve));
    const fourth = await startEmulator({ mode, data });
    expect(portOf(fourth)).toBe(port);
    await fourth.stop();

    // A given port wins, and is the one stored from then on.
    const given = await startEmulator({ mode, data, port: 0 });
    const other = portOf(given);
    expect(other).not.toBe(port);
    await given.stop();
    const after = await startEmulator({ mode, data });
    expect(portOf(after)).toBe(other);
    await after.stop();
  });
});

describe('the summary on a terminal', () => {
  const info = {
    url: 'http://127.0.0.1:41233',
    tenantId: 'T1',
    users: [
      { id: 'u1', name: 'admin', email: 'a@example.com', roles: ['TenantAdmin'], apiKey: 'SECRET-1' },
      { id: 'u2', name: 'dev\u001b[31m\u202e', email: 'd@example.com', roles: ['ManageApiKeys'], apiKey: 'SECRET-2' },
    ],
    oauthClients: [],
    caCert: '/tmp/my certs/ca.pem',
  };

  it('names the URL, tenant, users and roles and a paste-ready context line, and shows no key', () => {
    const text = renderSummary(
      info,
      '9.9.9',
      new Map([
        ['u1', '/tmp/k/admin.key'],
        ['u2', '/tmp/k/dev.key'],
      ]),
    );
    expect(text).toContain('qlik-emulator 9.9.9 is ready at http://127.0.0.1:41233');
    expect(text).toMatch(/tenant {2}T1/);
    expect(text).toMatch(/admin +TenantAdmin +key in \/tmp\/k\/admin\.key/);
    expect(text).toContain(
      '  qlik context create emulator --server http://127.0.0.1:41233 --api-key - < /tmp/k/admin.key',
    );
    expect(text).toContain("  export NODE_EXTRA_CA_CERTS='/tmp/my certs/ca.pem'");
    expect(text).not.toMatch(/SECRET/);
    // Names from a seed file cannot drive the terminal.
    expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    expect(text).toContain('dev?[31m?');
  });

  it('quotes for the shell and neutralises control characters', () => {
    expect(shellWord('/tmp/a b/c.key')).toBe("'/tmp/a b/c.key'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('/tmp/qlik-emulator-keys-x1/admin.key')).toBe('/tmp/qlik-emulator-keys-x1/admin.key');
    expect(terminalSafe('a\u0007b\u009bc\u2066d')).toBe('a?b?c?d');
  });
});

/** Runs the emulator on a pseudo-terminal (util-linux `script`); resolves with the screen text once `until` shows. */
function onTerminal(args: string[], until: RegExp, env = process.env): Promise<{ screen: string; pid: number }> {
  const command = [process.execPath, BIN, ...args].map((a) => shellWord(a)).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let screen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${String(until)} on the terminal; it showed:\n${screen}`));
    }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      const pid = /pid (\d+)\)/.exec(screen)?.[1];
      if (until.test(screen) && pid !== undefined) {
        clearTimeout(timer);
        resolve({ screen, pid: Number(pid) });
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`script exited; the terminal showed:\n${screen}`));
    });
  });
}

const script = hasScript();
// util-linux `script` gives the emulator a pseudo-terminal; without it the terminal cases cannot run here.
describe.skipIf(!script)('on a pseudo-terminal (script -qfec)', () => {
  it('prints the summary instead of the JSON line; the key is in an owner-only file removed on exit', async () => {
    const { screen, pid } = await onTerminal([], /Ctrl-C stops it\./);
    try {
      expect(screen).not.toContain('{"url"');
      expect(screen).not.toMatch(/eyJ/); // no token (JWTs start with eyJ)
      const url = /is ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(screen)?.[1];
      expect(url).toBeDefined();
      expect(screen).toMatch(/users +admin +TenantAdmin/);
      const line = new RegExp(
        `qlik context create emulator --server ${url!.replace(/\./g, '\\.')} --api-key - < (\\S+)`,
      ).exec(screen);
      expect(line).not.toBeNull();
      const keyFile = line![1]!;
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = readFileSync(keyFile, 'utf8');
      expect(key).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      const me = await fetch(`${url!}/api/v1/users/me`, {
        headers: { authorization: `Bearer ${key}` },
        redirect: 'manual',
      });
      expect(me.status).toBe(301);
      process.kill(pid, 'SIGTERM');
      await expect.poll(() => alive(pid), { timeout: 3000 }).toBe(false);
      expect(existsSync(keyFile)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('still prints a summary (without key files or context line) when the key files cannot be written', async () => {
    const env = { ...process.env, TMPDIR: '/nonexistent/qlik-emulator-test' };
    const { screen, pid } = await onTerminal([], /Ctrl-C stops it\./, env);
    try {
      expect(screen).toMatch(/cannot write the key files: /);
      expect(screen).toMatch(/is ready at http:\/\/127\.0\.0\.1:\d+/);
      expect(screen).not.toContain('qlik context create');
      expect(screen).not.toMatch(/eyJ/);
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });

  it('prints the JSON line with --json', async () => {
    const { screen, pid } = await onTerminal(['--json'], /\{"url":"http[^\n]*\}\r?\n/);
    try {
      const json = /(\{"url":"http[^\n]*\})\r?\n/.exec(screen)![1]!;
      expect(JSON.parse(json)).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      expect(screen).not.toContain('qlik context create');
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });
});
