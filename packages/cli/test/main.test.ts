// main(): the one place where errors become text and exit codes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQlik, tempHome } from '../../../test/kit/run.js';

describe('error output', () => {
  it('is one "Error: …" line and exit 1', async () => {
    const r = await runQlik([
      'api-key',
      'create',
      '--description',
      'x',
      '--expiry',
      'P7Dx',
      '--server',
      'http://127.0.0.1:9',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: invalid argument "P7Dx" for "--expiry" flag: .+\n$/);
  });

  it('is JSON with --json', async () => {
    const r = await runQlik(['api-key', 'create', '--description', 'x', '--expiry', 'P7Dx', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({ error: expect.stringContaining('invalid argument "P7Dx"') });
  });

  it('is JSON when json: true comes from a -c config file', async () => {
    const home = await tempHome();
    const cfg = join(home, 'cfg.yml');
    await writeFile(cfg, 'json: true\nserver: http://127.0.0.1:9\n');
    const r = await runQlik(['api-key', 'get', 'abc', '-c', cfg], { home, env: { QLIK_HTTP_CONNECT_TIMEOUT: '2' } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({ error: 'cannot connect to 127.0.0.1:9: connection refused' });
  });

  it('uses Cobra wording for unknown flags and commands', async () => {
    expect((await runQlik(['api-key', 'create', '--bogus'])).stderr).toBe('Error: unknown flag: --bogus\n');
    expect((await runQlik(['api-key', 'nope'])).stderr).toBe(
      'Error: unknown command "nope" for "qlik api-key"\nRun \'qlik api-key --help\' for usage.\n',
    );
    expect((await runQlik(['api-kye', 'ls'])).stderr).toBe(
      'Error: unknown command "api-kye" for "qlik"\n\nDid you mean this?\n\tapi-key\n\nRun \'qlik --help\' for usage.\n',
    );
    expect((await runQlik(['api-key', 'create', '-x'])).stderr).toBe("Error: unknown shorthand flag: 'x' in -x\n");
    expect((await runQlik(['api-key', 'get'])).stderr).toBe('Error: accepts 1 arg(s), received 0\n');
  });

  it('suggests -- for an argument that begins with -', async () => {
    expect((await runQlik(['api-key', 'get', '-my-key'])).stderr).toBe(
      "Error: unknown shorthand flag: 'm' in -my-key\nIf -my-key is an argument and not a flag, put -- before it: qlik api-key get -- -my-key\n",
    );
  });
});
