import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/kit/run.js';
import { CliError, ConfigError } from '../errors/errors.js';
import { type ContextsDocument, contextsFilePath, type QlikContext, readContexts } from './contexts.js';
import { updateContexts } from './transaction.js';

/** Bypass the field types, for callers that build contexts from untyped input. */
const loose = (fields: Record<string, unknown>): QlikContext => fields;

const fixtures = fileURLToPath(new URL('../../test/fixtures/contexts/', import.meta.url));
const fixture = (name: string): Promise<string> => readFile(join(fixtures, name), 'utf8');

/** A fresh directory for one test (removed after the file). */
const freshDir = tempHome;

/** A contexts file with the given content in a fresh directory. */
async function fileWith(content: string | Buffer, name = 'contexts.yml'): Promise<string> {
  const path = join(await freshDir(), name);
  await writeFile(path, content);
  return path;
}

async function sha(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function configErrorOf(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('contextsFilePath', () => {
  it('defaults to ~/.qlik/contexts.yml', () => {
    expect(contextsFilePath({}, '/home/u')).toBe('/home/u/.qlik/contexts.yml');
    expect(contextsFilePath({ QLIK_CLI_USER_HOME_DIR: '' }, '/home/u')).toBe('/home/u/.qlik/contexts.yml');
  });
  it('uses QLIK_CLI_USER_HOME_DIR as a home directory', () => {
    expect(contextsFilePath({ QLIK_CLI_USER_HOME_DIR: '/srv/qlik' }, '/home/u')).toBe('/srv/qlik/.qlik/contexts.yml');
    expect(contextsFilePath({ QLIK_CLI_USER_HOME_DIR: '/srv/qlik/' }, '/home/u')).toBe('/srv/qlik/.qlik/contexts.yml');
  });
  it('uses QLIK_CLI_USER_HOME_DIR as the file when it names a .yml/.yaml file', () => {
    expect(contextsFilePath({ QLIK_CLI_USER_HOME_DIR: '/srv/ctx.yml' }, '/home/u')).toBe('/srv/ctx.yml');
    expect(contextsFilePath({ QLIK_CLI_USER_HOME_DIR: '/srv/my.YAML' }, '/home/u')).toBe('/srv/my.YAML');
  });
  it('resolves a relative override against the working directory', () => {
    expect(contextsFilePath({ QLIK_CLI_USER_HOME_DIR: 'rel' }, '/home/u')).toBe(
      join(process.cwd(), 'rel/.qlik/contexts.yml'),
    );
  });
});

describe('readContexts', () => {
  it('returns an empty snapshot for a missing file', async () => {
    const path = join(await freshDir(), 'nope', 'contexts.yml');
    const s = await readContexts(path);
    expect(s).toMatchObject({ path, exists: false, current: '' });
    expect(s.names()).toEqual([]);
    expect(s.get('x')).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['comments only', '# nothing here yet\n\n# really\n'],
    ['a null document', '~\n'],
    ['go-yaml empty', 'current-context: ""\ncontexts: {}\n'],
    ['contexts without value', 'contexts:\n'],
  ])('reads %s as an empty, existing snapshot', async (_, text) => {
    const s = await readContexts(await fileWith(text));
    expect(s.exists).toBe(true);
    expect(s.current).toBe('');
    expect(s.names()).toEqual([]);
  });

  it('reads a commented file in Qlik format, keeping unknown fields', async () => {
    const path = await fileWith(await fixture('qlik-commented.yml'));
    const s = await readContexts(path);
    expect(s.current).toBe('alpha.eu.qlikcloud.com');
    expect(s.names()).toEqual(['alpha.eu.qlikcloud.com', 'beta.example.com', 'scratch']);
    expect(s.get('alpha.eu.qlikcloud.com')).toEqual({
      comment: 'production',
      headers: {
        Authorization:
          'Bearer eyJhbGciOiJFUzM4NCIsImtpZCI6InF3ZXJ0eSJ9.eyJzdWIiOiJhYmMiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl',
      },
      server: 'https://alpha.eu.qlikcloud.com',
      'server-type': 'cloud',
      'x-team': 'analytics',
    });
    expect(s.get('beta.example.com')).toEqual({
      headers: { Authorization: 'Bearer staging-key', 'X-Qlik-User': 'UserDirectory=INTERNAL; UserId=sa_api' },
      insecure: true,
      server: 'https://beta.example.com',
      'server-type': 'windows',
    });
  });

  it('returns copies that callers cannot use to change the snapshot', async () => {
    const s = await readContexts(await fileWith(await fixture('go-yaml-v2.yml')));
    const c = s.get('tenant-a.eu.qlikcloud.com')!;
    c.server = 'changed';
    c.headers!.Authorization = 'changed';
    expect(s.get('tenant-a.eu.qlikcloud.com')!.server).toBe('https://tenant-a.eu.qlikcloud.com');
    expect(s.get('tenant-a.eu.qlikcloud.com')!.headers!.Authorization).toMatch(/^Bearer /);
  });

  it('reads files written by the Go CLI (go-yaml v2 and v3 layouts)', async () => {
    const v2 = await readContexts(await fileWith(await fixture('go-yaml-v2.yml')));
    expect(v2.current).toBe('tenant-b.us.qlikcloud.com');
    expect(v2.names()).toEqual(['tenant-a.eu.qlikcloud.com', 'tenant-b.us.qlikcloud.com']);
    expect(v2.get('tenant-b.us.qlikcloud.com')).toEqual({
      comment: '',
      headers: { Authorization: 'Bearer eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJiIn0.c2ln' },
      insecure: true,
      'oauth-client-id': '0123456789abcdef',
      'oauth-client-secret': 's3cr3t',
      server: 'https://tenant-b.us.qlikcloud.com',
      'server-type': 'cloud',
    });
    const v3 = await readContexts(await fileWith(await fixture('go-yaml-v3.yml')));
    expect(v3.names()).toEqual(['tenant-a.eu.qlikcloud.com']);
    expect(v3.get('tenant-a.eu.qlikcloud.com')!.server).toBe('https://tenant-a.eu.qlikcloud.com');
    const empty = await readContexts(await fileWith(await fixture('go-yaml-empty.yml')));
    expect(empty.names()).toEqual([]);
  });

  it('accepts empty values for optional fields and non-string scalar context names', async () => {
    const s = await readContexts(
      await fileWith('current-context:\ncontexts:\n  2024:\n    server: https://x\n    comment:\n    headers:\n'),
    );
    expect(s.current).toBe('');
    expect(s.names()).toEqual(['2024']);
    expect(s.get('2024')).toEqual({ server: 'https://x' });
  });

  it('reads CRLF files and a UTF-8 BOM', async () => {
    const s = await readContexts(
      await fileWith('\uFEFFcurrent-context: a\r\ncontexts:\r\n  a:\r\n    server: https://a\r\n'),
    );
    expect(s.current).toBe('a');
    expect(s.get('a')).toEqual({ server: 'https://a' });
  });

  it('accepts a file of exactly 1 MiB', async () => {
    const head = 'contexts:\n  a:\n    server: https://a\n';
    const pad = '#'.repeat(1024 * 1024 - head.length - 1) + '\n';
    const path = await fileWith(head + pad);
    expect((await stat(path)).size).toBe(1024 * 1024);
    expect((await readContexts(path)).names()).toEqual(['a']);
  });
});

describe('invalid files', () => {
  const cases: [string, string, string][] = [
    [
      'invalid YAML',
      'contexts:\n  a: [\n',
      ':3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    ['tab indentation', 'contexts:\n\ta: {}\n', ':2:1: Tabs are not allowed as indentation'],
    ['a duplicate context', 'contexts:\n  a: {}\n  b: {}\n  a: {}\n', ":4:3: duplicate key 'a'"],
    ['a duplicate top-level key', 'contexts: {}\ncontexts: {}\n', ":2:1: duplicate key 'contexts'"],
    ['a duplicate field', 'contexts:\n  a:\n    server: x\n    server: y\n', ":4:5: duplicate key 'server'"],
    ['names that collide', 'contexts:\n  2024: {}\n  "2024": {}\n', ":3:3: duplicate context '2024'"],
    ['two documents', 'contexts: {}\n---\ncontexts: {}\n', ':2:1: the file contains more than one YAML document'],
    ['a list at the top level', '- a\n- b\n', ':1:1: the top level must be a map, not a list'],
    ['a string at the top level', 'hello\n', ':1:1: the top level must be a map, not a string'],
    [
      'contexts as a list',
      'current-context: ""\ncontexts: [a]\n',
      ":2:11: 'contexts' must be a map of context names to contexts, not a list",
    ],
    [
      'contexts as a string',
      'contexts: none\n',
      ":1:11: 'contexts' must be a map of context names to contexts, not a string",
    ],
    ['a context as a string', 'contexts:\n  a: https://a\n', ":2:6: context 'a' must be a map, not a string"],
    ['an empty context', 'contexts:\n  a:\n  b: {}\n', ":2:3: context 'a' must be a map, not an empty value"],
    ['a context as a list', 'contexts:\n  a:\n    - server\n', ":3:5: context 'a' must be a map, not a list"],
    [
      'a numeric server',
      'contexts:\n  a:\n    server: 8080\n',
      ":3:13: context 'a': 'server' must be a string, not a number",
    ],
    [
      'a map comment',
      'contexts:\n  a:\n    comment: {x: 1}\n',
      ":3:14: context 'a': 'comment' must be a string, not a map",
    ],
    [
      'a boolean server-type',
      'contexts:\n  a:\n    server-type: true\n',
      ":3:18: context 'a': 'server-type' must be a string, not a boolean",
    ],
    [
      'a list oauth-client-id',
      'contexts:\n  a:\n    oauth-client-id: [x]\n',
      ":3:22: context 'a': 'oauth-client-id' must be a string, not a list",
    ],
    [
      'a numeric certificates',
      'contexts:\n  a:\n    certificates: 1\n',
      ":3:19: context 'a': 'certificates' must be a string, not a number",
    ],
    [
      'a string insecure',
      'contexts:\n  a:\n    insecure: "yes"\n',
      ":3:15: context 'a': 'insecure' must be true or false, not a string",
    ],
    [
      'headers as a list',
      'contexts:\n  a:\n    headers: [x]\n',
      ":3:14: context 'a': 'headers' must be a map of header names to strings",
    ],
    [
      'a numeric header',
      'contexts:\n  a:\n    headers:\n      X-Count: 3\n',
      ":4:16: context 'a': header 'X-Count' must be a string, not a number",
    ],
    [
      'an empty header',
      'contexts:\n  a:\n    headers:\n      X-Empty:\n',
      ":4:7: context 'a': header 'X-Empty' must be a string, not an empty value",
    ],
    [
      'a list current-context',
      'current-context: [a]\ncontexts: {}\n',
      ":1:18: 'current-context' must be a string, not a list",
    ],
    [
      'a boolean current-context',
      'current-context: true\n',
      ":1:18: 'current-context' must be a string, not a boolean",
    ],
    ['an alias for contexts', 'x: &c {}\ncontexts: *c\n', ":2:11: 'contexts': aliases are not supported here"],
  ];

  it.each(cases)('rejects %s with one positioned line and leaves the file alone', async (_, text, suffix) => {
    const path = await fileWith(text);
    const before = await sha(path);
    const err = await configErrorOf(readContexts(path));
    expect(err.message).toBe(path + suffix);
    expect(err.message).not.toContain('\n');
    // updateContexts refuses as well, with the same error, and does not overwrite the broken file.
    const err2 = await configErrorOf(updateContexts(path, (d) => d.create('new', { server: 'https://n' })));
    expect(err2.message).toBe(err.message);
    expect(await sha(path)).toBe(before);
    expect(await readdir(join(path, '..'))).toEqual(['contexts.yml']);
  });

  it('rejects a file larger than 1 MiB', async () => {
    const path = await fileWith('contexts: {}\n' + '#'.repeat(1024 * 1024) + '\n');
    const before = await sha(path);
    expect((await configErrorOf(readContexts(path))).message).toBe(`${path}: larger than 1 MiB`);
    await configErrorOf(updateContexts(path, () => undefined));
    expect(await sha(path)).toBe(before);
  });

  it('rejects a directory', async () => {
    const path = join(await freshDir(), 'contexts.yml');
    await mkdir(path);
    expect((await configErrorOf(readContexts(path))).message).toBe(`${path}: is a directory`);
    await configErrorOf(updateContexts(path, () => undefined));
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('rejects a symlink to a device without reading it', async () => {
    const path = join(await freshDir(), 'contexts.yml');
    await symlink('/dev/zero', path);
    expect((await configErrorOf(readContexts(path))).message).toBe(`${path}: not a regular file`);
    await configErrorOf(updateContexts(path, () => undefined));
  });

  it('rejects a FIFO without blocking', async () => {
    const path = join(await freshDir(), 'contexts.yml');
    try {
      execFileSync('mkfifo', [path]);
    } catch {
      return; // no mkfifo on this system
    }
    expect((await configErrorOf(readContexts(path))).message).toBe(`${path}: not a regular file`);
  });

  it('rejects invalid UTF-8', async () => {
    const path = await fileWith(Buffer.from([0x63, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect((await configErrorOf(readContexts(path))).message).toBe(`${path}: not valid UTF-8 text`);
  });

  it('reports a path whose parent is a file', async () => {
    const parent = await fileWith('x');
    const path = join(parent, 'contexts.yml');
    expect((await configErrorOf(readContexts(path))).message).toBe(`${path}: a parent of this path is not a directory`);
  });
});

describe('updateContexts preserves the file', () => {
  async function editScenario(path: string): Promise<void> {
    await updateContexts(path, (d) => {
      d.create('gamma.ap.qlikcloud.com', {
        server: 'https://gamma.ap.qlikcloud.com',
        'server-type': 'cloud',
        headers: { Authorization: 'Bearer gamma-key' },
      });
    });
    await updateContexts(path, (d) => {
      d.update('alpha.eu.qlikcloud.com', {
        comment: 'production (EU)',
        headers: { 'X-Request-Source': 'qlik-ts' },
        'oauth-client-id': 'abc123',
      });
    });
    await updateContexts(path, (d) => {
      d.current = 'beta.example.com';
    });
    await updateContexts(path, (d) => {
      d.rename('beta.example.com', 'beta-staging');
    });
    await updateContexts(path, (d) => {
      d.remove('scratch');
    });
  }

  it('keeps every comment, unknown field, key order and quoting style across create/update/use/rename/remove', async () => {
    const path = await fileWith(await fixture('qlik-commented.yml'));
    await editScenario(path);
    expect(await readFile(path, 'utf8')).toBe(await fixture('qlik-commented.expected.yml'));
    const s = await readContexts(path);
    expect(s.current).toBe('beta-staging');
    expect(s.names()).toEqual(['alpha.eu.qlikcloud.com', 'beta-staging', 'gamma.ap.qlikcloud.com']);
  });

  it('keeps comments in a CRLF file and writes CRLF back', async () => {
    const path = await fileWith((await fixture('qlik-commented.yml')).replace(/\n/g, '\r\n'));
    await editScenario(path);
    expect(await readFile(path, 'utf8')).toBe((await fixture('qlik-commented.expected.yml')).replace(/\n/g, '\r\n'));
  });

  it('does not rewrite the file when nothing changed, even if its formatting is unusual', async () => {
    const text = 'current-context:   a    #  odd spacing\ncontexts:\n   a:\n      server:   "https://a"\n';
    const path = await fileWith(text);
    const before = await stat(path);
    const names = await updateContexts(path, (d) => {
      d.current = 'a';
      d.set('a', 'server', 'https://a');
      return d.names();
    });
    expect(names).toEqual(['a']);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect((await stat(path)).ino).toBe(before.ino);
  });

  it('keeps the indentation of a go-yaml v3 file and inserts fields in sorted position', async () => {
    const path = await fileWith(await fixture('go-yaml-v3.yml'));
    await updateContexts(path, (d) => {
      d.update('tenant-a.eu.qlikcloud.com', { comment: 'hello', insecure: true, 'oauth-client-id': 'id' });
      d.create('new', { server: 'https://new', headers: { Authorization: 'Bearer n' } });
    });
    expect(await readFile(path, 'utf8')).toBe(
      [
        'current-context: tenant-a.eu.qlikcloud.com',
        'contexts:',
        '    tenant-a.eu.qlikcloud.com:',
        '        comment: hello',
        '        headers:',
        '            Authorization: Bearer eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhIn0.c2ln',
        '        insecure: true',
        '        oauth-client-id: id',
        '        server: https://tenant-a.eu.qlikcloud.com',
        '        server-type: cloud',
        '    new:',
        '        headers:',
        '            Authorization: Bearer n',
        '        server: https://new',
        '',
      ].join('\n'),
    );
  });

  it('turns `contexts: {}` into a block map and replaces `current-context: ""` with a plain name', async () => {
    const path = await fileWith(await fixture('go-yaml-empty.yml'));
    await updateContexts(path, (d) => {
      d.create('t.eu.qlikcloud.com', { server: 'https://t.eu.qlikcloud.com', headers: { Authorization: 'Bearer x' } });
      d.current = 't.eu.qlikcloud.com';
    });
    expect(await readFile(path, 'utf8')).toBe(
      'current-context: t.eu.qlikcloud.com\ncontexts:\n  t.eu.qlikcloud.com:\n    headers:\n      Authorization: Bearer x\n    server: https://t.eu.qlikcloud.com\n',
    );
    await updateContexts(path, (d) => {
      d.current = '';
    });
    expect(await readFile(path, 'utf8')).toMatch(/^current-context: ""\n/);
  });

  it('appends after unsorted keys and keeps a long token on one line', async () => {
    const path = await fileWith('contexts:\n  a:\n    server: https://a\n    comment: c\n');
    const token = `Bearer ${'x'.repeat(500)} ${'y'.repeat(300)}`;
    await updateContexts(path, (d) => d.update('a', { headers: { Authorization: token }, 'server-type': 'cloud' }));
    expect(await readFile(path, 'utf8')).toBe(
      `contexts:\n  a:\n    server: https://a\n    comment: c\n    headers:\n      Authorization: ${token}\n    server-type: cloud\n`,
    );
  });

  it('quotes values that YAML 1.1 readers (go-yaml) would misread', async () => {
    const path = await fileWith('contexts: {}\n');
    await updateContexts(path, (d) => d.create('yes', { comment: 'on', server: '2024', headers: { N: 'n' } }));
    const text = await readFile(path, 'utf8');
    expect(text).toContain('"yes":');
    expect(text).toContain('comment: "on"');
    expect(text).toContain('server: "2024"');
    expect(text).toContain('"N": "n"');
    const s = await readContexts(path);
    expect(s.get('yes')).toEqual({ comment: 'on', server: '2024', headers: { N: 'n' } });
  });

  it('keeps the comments of a file that had only comments', async () => {
    const path = await fileWith('# my contexts\n');
    await updateContexts(path, (d) => d.create('a', { server: 'https://a' }));
    expect(await readFile(path, 'utf8')).toBe(
      '# my contexts\n\ncurrent-context: ""\ncontexts:\n  a:\n    server: https://a\n',
    );
  });

  it('keeps unknown values of any shape', async () => {
    const path = await fileWith(
      'contexts:\n  a:\n    server: https://a\n    extra:\n      list: [1, two, {three: 3}]\n',
    );
    await updateContexts(path, (d) => {
      expect(d.get('a')).toEqual({ server: 'https://a', extra: { list: [1, 'two', { three: 3 }] } });
      d.set('a', 'server', 'https://b');
    });
    expect(await readFile(path, 'utf8')).toBe(
      'contexts:\n  a:\n    server: https://b\n    extra:\n      list: [1, two, {three: 3}]\n',
    );
  });
});

describe('tagged and unusual values in fields this CLI does not know (#8.11)', () => {
  const BASE = 'current-context: a\ncontexts:\n  a:\n    server: https://a.example.com\n';
  // Each line a value yaml would re-render, quote or fail on if it were not kept as it was read.
  const UNKNOWN = [
    '    blob: !!binary |',
    '      R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5',
    '      OTk6enp56enmlpaWNjY6Ojo4SEhP/++f/++f/++f/++f/++f/++f/++f/++f/+',
    '    inline: !!binary aGVsbG8gd29ybGQ=',
    '    empty-blob: !!binary ""',
    '    when: !!timestamp 2001-12-14t21:59:43.10-05:00',
    '    day: 2002-12-14',
    '    big: 123456789012345678901234567890',
    '    negative-big: -98765432109876543210',
    '    hex: !!int 0x1F',
    '    octal: 0o17',
    '    exp: !!float 1e3',
    '    inf: .inf',
    '    underscored: 1_000',
    '    yes-word: yes',
    '    tilde: ~',
    '    str-tag: !!str 012',
    '    custom: !custom bar',
    '    set: !!set {a, b}',
    '    list:',
    '      - !!binary aGk=',
    '      - &anchor foo',
    '      - *anchor',
    '      - 0x0A',
    '',
  ].join('\n');

  it('round-trip through edits of other fields byte for byte, with no "Invalid array length"', async () => {
    const path = await fileWith(BASE + UNKNOWN);
    await updateContexts(path, (d) => d.set('a', 'comment', 'edited'));
    await updateContexts(path, (d) =>
      d.update('a', { server: 'https://b.example.com', insecure: true, headers: { 'X-A': '1' } }),
    );
    await updateContexts(path, (d) => d.create('other', { server: 'https://o.example.com' }));
    await updateContexts(path, (d) => d.rename('other', 'renamed'));
    expect(await readFile(path, 'utf8')).toBe(
      'current-context: a\ncontexts:\n  a:\n    server: https://b.example.com\n' +
        UNKNOWN +
        '    comment: edited\n    insecure: true\n    headers:\n      X-A: "1"\n  renamed:\n    server: https://o.example.com\n',
    );
  });

  it('are read as plain values: binary and dates as their text, big integers digit for digit', async () => {
    const s = await readContexts(await fileWith(BASE + UNKNOWN));
    const a = s.get('a')!;
    expect(a.blob).toBe(
      'R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5\nOTk6enp56enmlpaWNjY6Ojo4SEhP/++f/++f/++f/++f/++f/++f/++f/++f/+\n',
    );
    expect(a.inline).toBe('aGVsbG8gd29ybGQ=');
    expect(a['empty-blob']).toBe('');
    expect(a.when).toBe('2001-12-14t21:59:43.10-05:00');
    expect(a.day).toBe('2002-12-14');
    expect(a.big).toBe('123456789012345678901234567890');
    expect(a['negative-big']).toBe('-98765432109876543210');
    expect(a.hex).toBe(31);
    expect(a.octal).toBe(15);
    expect(a.exp).toBe(1000);
    expect(a.inf).toBe(Infinity);
    expect(a.tilde).toBe(null);
    expect(a['str-tag']).toBe('012');
    expect(a.custom).toBe('bar');
    expect(a.set).toEqual(['a', 'b']);
    expect(a.list).toEqual(['aGk=', 'foo', 'foo', 10]);
  });

  it('a changed value is written the new way; an unchanged neighbour keeps its text', async () => {
    const path = await fileWith(BASE + '    n: 0x1F\n    m: 0x2A\n');
    await updateContexts(path, (d) => d.set('a', 'n', 7));
    expect(await readFile(path, 'utf8')).toBe(BASE + '    n: 7\n    m: 0x2A\n');
  });

  it('new values are still quoted where YAML 1.1 readers would misread them', async () => {
    const path = await fileWith(BASE + '    kept: yes\n');
    await updateContexts(path, (d) => d.set('a', 'comment', 'yes'));
    expect(await readFile(path, 'utf8')).toBe(BASE + '    kept: yes\n    comment: "yes"\n');
  });

  it('a tagged value in a field this CLI knows is refused with a clear message', async () => {
    const path = await fileWith(BASE + '    comment: !!binary aGk=\n');
    const err = await configErrorOf(readContexts(path));
    expect(err.message).toBe(
      `${path}:5:23: context 'a': 'comment' must be a string, not a value tagged tag:yaml.org,2002:binary`,
    );
  });
});

describe('ContextsDocument', () => {
  async function seeded(): Promise<string> {
    return fileWith(await fixture('go-yaml-v2.yml'));
  }

  it('creates a missing file (and its directory) with modes 0600/0700', async () => {
    const dir = join(await freshDir(), 'home', '.qlik');
    const path = join(dir, 'contexts.yml');
    const result = await updateContexts(path, (d) => {
      expect(d.path).toBe(path);
      expect(d.current).toBe('');
      expect(d.names()).toEqual([]);
      d.create('a', { server: 'https://a' });
      d.current = 'a';
      return 42;
    });
    expect(result).toBe(42);
    expect(await readFile(path, 'utf8')).toBe('current-context: a\ncontexts:\n  a:\n    server: https://a\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, '..'))).mode & 0o777).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(['.contexts.yml.cache.json', 'contexts.yml']);
  });

  it('creates a missing file even when the callback changes nothing', async () => {
    const path = join(await freshDir(), 'contexts.yml');
    await updateContexts(path, () => undefined);
    expect(await readFile(path, 'utf8')).toBe('current-context: ""\ncontexts: {}\n');
  });

  it('tightens the mode of an existing file to 0600 when it rewrites it', async () => {
    const path = await seeded();
    await chmod(path, 0o644);
    await updateContexts(path, (d) => d.set('tenant-a.eu.qlikcloud.com', 'comment', 'x'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('throws the documented errors', async () => {
    const path = await seeded();
    const before = await sha(path);
    const attempts: [(d: ContextsDocument) => void, string][] = [
      [(d) => d.create('tenant-a.eu.qlikcloud.com', {}), "Context 'tenant-a.eu.qlikcloud.com' already exists"],
      [(d) => d.update('missing', { server: 'x' }), "No context by the name 'missing'"],
      [(d) => d.set('missing', 'server', 'x'), "No context by the name 'missing'"],
      [(d) => d.remove('missing'), "No context by the name 'missing'"],
      [(d) => d.rename('missing', 'other'), "No context by the name 'missing'"],
      [
        (d) => d.rename('tenant-a.eu.qlikcloud.com', 'tenant-b.us.qlikcloud.com'),
        "Context 'tenant-b.us.qlikcloud.com' already exists",
      ],
      [
        (d) => d.update('tenant-a.eu.qlikcloud.com', loose({ insecure: 'yes' })),
        "Invalid value for 'insecure': must be true or false",
      ],
      [(d) => d.set('tenant-a.eu.qlikcloud.com', 'server', 1), "Invalid value for 'server': must be a string"],
      [(d) => d.create('x', loose({ headers: { A: 1 } })), "Invalid value for header 'A': must be a string"],
    ];
    for (const [fn, message] of attempts) {
      const err = await updateContexts(path, fn).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toBe(message);
    }
    expect(await sha(path)).toBe(before);
  });

  it('writes nothing when the callback throws after changing the document', async () => {
    const path = await seeded();
    const before = await sha(path);
    await expect(
      updateContexts(path, (d) => {
        d.remove('tenant-a.eu.qlikcloud.com');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await sha(path)).toBe(before);
    expect(await readdir(join(path, '..'))).toEqual(['contexts.yml']);
  });

  it('supports async callbacks and refuses use after the callback finished', async () => {
    const path = await seeded();
    let saved: ContextsDocument | undefined;
    await updateContexts(path, async (d) => {
      await new Promise((r) => setTimeout(r, 5));
      saved = d;
      d.set('tenant-a.eu.qlikcloud.com', 'comment', 'async');
    });
    expect(() => saved!.names()).toThrow(/after updateContexts/);
    expect((await readContexts(path)).get('tenant-a.eu.qlikcloud.com')!.comment).toBe('async');
  });

  it('update merges headers per key (case-insensitively) and skips undefined fields', async () => {
    const path = await seeded();
    await updateContexts(path, (d) => {
      d.update(
        'tenant-a.eu.qlikcloud.com',
        loose({
          headers: { authorization: 'Bearer new', 'X-Extra': 'e' },
          comment: undefined,
          server: 'https://changed',
        }),
      );
    });
    expect((await readContexts(path)).get('tenant-a.eu.qlikcloud.com')).toEqual({
      headers: { Authorization: 'Bearer new', 'X-Extra': 'e' },
      server: 'https://changed',
      'server-type': 'cloud',
    });
    await updateContexts(path, (d) =>
      d.update('tenant-a.eu.qlikcloud.com', loose({ headers: { 'X-Extra': undefined } })),
    );
    expect((await readContexts(path)).get('tenant-a.eu.qlikcloud.com')!.headers).toEqual({
      Authorization: 'Bearer new',
    });
  });

  it('set replaces and deletes single fields, including unknown ones', async () => {
    const path = await seeded();
    await updateContexts(path, (d) => {
      d.set('tenant-b.us.qlikcloud.com', 'insecure', undefined);
      d.set('tenant-b.us.qlikcloud.com', 'comment', undefined);
      d.set('tenant-b.us.qlikcloud.com', 'headers', { 'X-Only': 'o' });
      d.set('tenant-b.us.qlikcloud.com', 'x-future', { a: [1, 2] });
    });
    expect((await readContexts(path)).get('tenant-b.us.qlikcloud.com')).toEqual({
      headers: { 'X-Only': 'o' },
      'oauth-client-id': '0123456789abcdef',
      'oauth-client-secret': 's3cr3t',
      server: 'https://tenant-b.us.qlikcloud.com',
      'server-type': 'cloud',
      'x-future': { a: [1, 2] },
    });
  });

  it('remove clears the current context when it was current; rename follows it', async () => {
    const path = await seeded();
    await updateContexts(path, (d) => {
      d.rename('tenant-b.us.qlikcloud.com', 'b');
      expect(d.current).toBe('b');
      expect(d.names()).toEqual(['tenant-a.eu.qlikcloud.com', 'b']);
    });
    let s = await readContexts(path);
    expect(s.current).toBe('b');
    await updateContexts(path, (d) => {
      d.remove('tenant-a.eu.qlikcloud.com');
      expect(d.current).toBe('b');
      d.remove('b');
      expect(d.current).toBe('');
      expect(d.has('b')).toBe(false);
    });
    s = await readContexts(path);
    expect(s.current).toBe('');
    expect(s.names()).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe('current-context: ""\ncontexts: {}\n');
  });

  it('get inside the callback sees earlier changes', async () => {
    const path = await seeded();
    await updateContexts(path, (d) => {
      d.create('n', { server: 'https://n', insecure: false });
      expect(d.has('n')).toBe(true);
      expect(d.get('n')).toEqual({ insecure: false, server: 'https://n' });
      expect(d.get('nope')).toBeUndefined();
    });
  });

  it('follows a symlinked contexts file instead of replacing the link', async () => {
    const dir = await freshDir();
    const real = join(dir, 'real.yml');
    await copyFile(join(fixtures, 'go-yaml-v2.yml'), real);
    const link = join(dir, 'contexts.yml');
    await symlink(real, link);
    await updateContexts(link, (d) => d.set('tenant-a.eu.qlikcloud.com', 'comment', 'via link'));
    expect((await readContexts(real)).get('tenant-a.eu.qlikcloud.com')!.comment).toBe('via link');
    expect(await readlink(link)).toBe(real);
  });
});
