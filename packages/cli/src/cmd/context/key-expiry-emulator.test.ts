// A context that gets an API key records its id and expiry (one lookup, 0600 side file, no secret); context ls and
// context get show it; context get says when the environment's credentials are in use. In-process, emulator.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { runQlik, tempHome } from '../../../../../test/kit/run.js';

const emu = useEmulator({ reset: false });

describe('key expiry of a context', () => {
  it('context create --api-key records it; ls and get show it; nothing secret in the side file', async () => {
    const home = await tempHome();
    const made = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'ctx', expiry: 'PT20H' },
    });
    const c = await runQlik(['context', 'create', 'emu', '--server', emu.url, '--api-key', '-'], {
      home,
      stdin: `${made.body.token as string}\n`,
    });
    expect(c.code, c.stderr).toBe(0);
    const file = join(home, '.qlik', 'key-expiry.json');
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toEqual({
      emu: { id: made.body.id, created: made.body.created, expiry: made.body.expiry },
    });
    expect(text).not.toContain((made.body.token as string).split('.')[2]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const ls = await runQlik(['context', 'ls', '--json'], { home });
    expect(JSON.parse(ls.stdout)).toEqual([
      { name: 'emu', server: emu.url, current: false, comment: '', keyExpiry: made.body.expiry },
    ]);
    const get = await runQlik(['context', 'get', 'emu'], { home });
    expect(get.stdout).toContain(`api-key-expiry: ${made.body.expiry as string}\nauthentication: api-key\n`);
    // Another key: the record of the old one says nothing about it.
    const other = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'ctx2', expiry: 'PT10H' },
    });
    const u = await runQlik(['context', 'update', 'emu', '--api-key', '-'], {
      home,
      stdin: `${other.body.token as string}\n`,
    });
    expect(u.code, u.stderr).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).emu.id).toBe(other.body.id);
  });

  it('context get says when QLIK_SERVER and QLIK_API_KEY are in use', async () => {
    const home = await tempHome();
    await runQlik(['context', 'create', 'emu', '--server', emu.url, '--api-key', 'plain-key'], { home });
    await runQlik(['context', 'use', 'emu'], { home });
    const r = await runQlik(['context', 'get'], { home, env: { QLIK_SERVER: emu.url, QLIK_API_KEY: 'x' } });
    expect(r.stderr).toBe(
      `Note: QLIK_SERVER and QLIK_API_KEY are set: commands use them (server ${emu.url}), not context 'emu', unless --context or --server says otherwise\n`,
    );
    const plain = await runQlik(['context', 'get'], { home });
    expect(plain.stderr).toBe('');
  });

  it('commands use QLIK_SERVER + QLIK_API_KEY without any context', async () => {
    const home = await tempHome();
    const r = await runQlik(['user', 'me', '--json'], {
      home,
      env: { QLIK_SERVER: emu.url, QLIK_API_KEY: emu.dev.apiKey },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).id).toBe(emu.dev.id);
    expect(r.stderr).not.toContain(emu.dev.apiKey);
  });
});
