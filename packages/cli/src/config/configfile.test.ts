// The -c config file: a map of flag names, ${VAR} values from the environment, strict keys with suggestions.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/errors.js';
import { loadConfigFile } from './configfile.js';

const KEYS = [
  'context',
  'headers',
  'insecure',
  'json',
  'server',
  'server-type',
  'verbose',
  'api-key',
  'description',
  'expiry',
  'sub',
  'subType',
];

let dir: string;
let n = 0;
async function file(text: string | Buffer): Promise<string> {
  const path = join(dir, `config-${n++}.yml`);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qlik-configfile-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfigFile', () => {
  it('returns the values of a map of flag names', async () => {
    const path = await file(
      'server: https://t.example.com\ninsecure: true\nheaders:\n  X-A: "1"\ndescription: nightly\n',
    );
    expect(await loadConfigFile(path, KEYS, {})).toEqual({
      server: 'https://t.example.com',
      insecure: true,
      headers: { 'X-A': '1' },
      description: 'nightly',
    });
  });

  it('substitutes values written exactly as ${VAR}, also inside headers', async () => {
    const path = await file(
      'server: ${QLIK_TEST_URL}\napi-key: ${KEY_1}\nheaders:\n  X-Team: ${TEAM}\ndescription: "prefix-${TEAM}"\n',
    );
    const env = { QLIK_TEST_URL: 'https://env.example.com', KEY_1: 'secret-from-env', TEAM: 'blue' };
    expect(await loadConfigFile(path, KEYS, env)).toEqual({
      server: 'https://env.example.com',
      'api-key': 'secret-from-env',
      headers: { 'X-Team': 'blue' },
      description: 'prefix-${TEAM}',
    });
  });

  it('substitutes an empty variable as an empty string', async () => {
    const path = await file('description: ${EMPTY}\n');
    expect(await loadConfigFile(path, KEYS, { EMPTY: '' })).toEqual({ description: '' });
  });

  it('fails on a variable that is not set, naming the key and the variable', async () => {
    const path = await file('server: https://x.example.com\nheaders:\n  Authorization: ${NOT_SET_ANYWHERE}\n');
    const e = await loadConfigFile(path, KEYS, {}).catch((x: unknown) => x as Error);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toHaveProperty(
      'message',
      `config file ${path}: 'headers.Authorization': environment variable 'NOT_SET_ANYWHERE' not found`,
    );
  });

  it('suggests the closest key for a misspelt one', async () => {
    const path = await file('sever: https://x.example.com\n');
    await expect(loadConfigFile(path, KEYS, {})).rejects.toThrow(
      `config file ${path}: unknown key 'sever': did you mean 'server'?`,
    );
    const path2 = await file('subtype: user\n');
    await expect(loadConfigFile(path2, KEYS, {})).rejects.toThrow(`unknown key 'subtype': did you mean 'subType'?`);
  });

  it('lists the valid keys when nothing is close', async () => {
    const path = await file('completely-unrelated: 1\n');
    await expect(loadConfigFile(path, KEYS, {})).rejects.toThrow(
      `config file ${path}: unknown key 'completely-unrelated' (valid keys: ${KEYS.join(', ')})`,
    );
  });

  it('treats an empty file or a file of comments as no values', async () => {
    expect(await loadConfigFile(await file(''), KEYS, {})).toEqual({});
    expect(await loadConfigFile(await file('# nothing here\n'), KEYS, {})).toEqual({});
  });

  it('rejects a document that is not a map', async () => {
    const path = await file('- server\n- json\n');
    await expect(loadConfigFile(path, KEYS, {})).rejects.toThrow(
      `config file ${path}: expected a map of flag names to values`,
    );
    await expect(loadConfigFile(await file('just text\n'), KEYS, {})).rejects.toThrow(
      'expected a map of flag names to values',
    );
  });

  it('reports YAML errors with a line and column', async () => {
    const path = await file('server: https://x.example.com\nheaders: [unclosed\n');
    await expect(loadConfigFile(path, KEYS, {})).rejects.toThrow(new RegExp(`^config file ${path}:\\d+:\\d+: `));
    const dup = await file('server: a\nserver: b\n');
    await expect(loadConfigFile(dup, KEYS, {})).rejects.toThrow(`config file ${dup}:2:1: Map keys must be unique`);
    const compact = await file('server: x\ncontext: b: c\n');
    await expect(loadConfigFile(compact, KEYS, {})).rejects.toThrow(`config file ${compact}:2:10: `);
  });

  it('reports a missing file, a directory and an oversized file', async () => {
    await expect(loadConfigFile(join(dir, 'missing.yml'), KEYS, {})).rejects.toThrow(
      `config file ${join(dir, 'missing.yml')}: no such file`,
    );
    const sub = join(dir, 'a-directory');
    await mkdir(sub);
    await expect(loadConfigFile(sub, KEYS, {})).rejects.toThrow(`config file ${sub}: is a directory`);
    const big = await file(`description: "${'x'.repeat(1024 * 1024)}"\n`);
    await expect(loadConfigFile(big, KEYS, {})).rejects.toThrow(`config file ${big}: larger than 1 MiB`);
  });
});
