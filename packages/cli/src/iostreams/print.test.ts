// stdout formats: pretty JSON, ids, tables (aligned on a terminal, tab-separated when piped), and links removal.
import { describe, expect, it } from 'vitest';
import { testIO } from '../iostreams/testio.js';
import { printIds, printJson, printTable, stripLinks } from './print.js';

describe('stripLinks', () => {
  it('drops links from an object, keeping the other fields in order', () => {
    const out = stripLinks({ id: 'a', links: { self: { href: 'x' } }, description: 'd' });
    expect(out).toEqual({ id: 'a', description: 'd' });
    expect(Object.keys(out as object)).toEqual(['id', 'description']);
  });

  it('drops links from each item of an array', () => {
    expect(stripLinks([{ id: 'a', links: {} }, { id: 'b' }])).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('keeps nested objects as they are (only the top level of a resource is cleaned)', () => {
    expect(stripLinks({ id: 'a', owner: { id: 'u', links: { self: {} } } })).toEqual({
      id: 'a',
      owner: { id: 'u', links: { self: {} } },
    });
  });

  it('passes scalars and null through', () => {
    expect(stripLinks(null)).toBe(null);
    expect(stripLinks('s')).toBe('s');
    expect(stripLinks(3)).toBe(3);
  });
});

describe('printJson and printIds', () => {
  it('prints 2-space JSON with a trailing newline', async () => {
    const io = testIO();
    await printJson(io, { id: 'a', n: [1] });
    expect(io.stdout()).toBe('{\n  "id": "a",\n  "n": [\n    1\n  ]\n}\n');
  });

  it('writes what a terminal would act on (DEL, C1, bidi controls, line separators) as escapes: the same value', async () => {
    const io = testIO();
    const value = { description: 'ok\u202egnp.exe\u009b31m\u007f\u2028\u001b]0;t\u0007', n: 'é 日本' };
    await printJson(io, value);
    expect(io.stdout()).toBe(
      '{\n  "description": "ok\\u202egnp.exe\\u009b31m\\u007f\\u2028\\u001b]0;t\\u0007",\n  "n": "é 日本"\n}\n',
    );
    expect(JSON.parse(io.stdout())).toEqual(value);
  });

  it('prints one id per line and nothing when there are none', async () => {
    const io = testIO();
    await printIds(io, [{ id: 'a' }, { id: 2 }, { name: 'no id' }, null, { id: 'c' }]);
    expect(io.stdout()).toBe('a\n2\nc\n');
    const empty = testIO();
    await printIds(empty, [{ name: 'x' }]);
    expect(empty.stdout()).toBe('');
  });
});

describe('printTable', () => {
  const header = ['name', 'server', 'current'];
  const rows = [
    ['a', 'https://a.example.com', '*'],
    ['longer-name', 'https://b.example.com', ''],
  ];

  it('prints tab-separated values when stdout is not a terminal', async () => {
    const io = testIO({ stdoutTTY: false });
    await printTable(io, header, rows);
    expect(io.stdout()).toBe(
      'name\tserver\tcurrent\na\thttps://a.example.com\t*\nlonger-name\thttps://b.example.com\t\n',
    );
  });

  it('aligns columns with two spaces on a terminal and trims trailing blanks', async () => {
    const io = testIO({ stdoutTTY: true });
    await printTable(io, header, rows);
    expect(io.stdout()).toBe(
      [
        'name         server                 current',
        'a            https://a.example.com  *',
        'longer-name  https://b.example.com',
      ].join('\n') + '\n',
    );
  });

  it('measures display width: wide (East Asian) characters take two columns', async () => {
    const io = testIO({ stdoutTTY: true });
    await printTable(
      io,
      ['n', 'v'],
      [
        ['日本', 'x'],
        ['abc', 'y'],
      ],
    );
    expect(io.stdout()).toBe('n     v\n日本  x\nabc   y\n');
  });

  it('never pads the last column', async () => {
    const io = testIO({ stdoutTTY: true });
    await printTable(
      io,
      ['a', 'comment'],
      [
        ['x', ''],
        ['y', 'long comment'],
      ],
    );
    expect(
      io
        .stdout()
        .split('\n')
        .map((l) => l.endsWith(' ')),
    ).toEqual([false, false, false, false]);
  });
});
