// Flag parsing as pflag does it: stringToString (--headers), Go-style integers, and Go's CSV record reader.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { FlagError } from './errors.js';
import {
  addFlags,
  flagSpecs,
  parseCsvRecord,
  parseIntFlag,
  parseStringToString,
  varName,
  type FlagSpec,
} from './flags.js';

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

describe('parseStringToString (pflag stringToString)', () => {
  it('splits comma-separated pairs', () => {
    expect(parseStringToString('a=1,b=2')).toEqual({ a: '1', b: '2' });
  });

  it('keeps a value with commas whole when there is exactly one "="', () => {
    expect(parseStringToString('a=1,2')).toEqual({ a: '1,2' });
    expect(parseStringToString('Accept=application/json, text/plain')).toEqual({
      Accept: 'application/json, text/plain',
    });
  });

  it('splits on the first "=" only', () => {
    expect(parseStringToString('a=x=y')).toEqual({ a: 'x=y' });
    expect(parseStringToString('X-Sig=abc==,b=c')).toEqual({ 'X-Sig': 'abc==', b: 'c' });
  });

  it('reads several pairs as one CSV record, so a quoted field is one pair', () => {
    expect(parseStringToString('"a=1,b=2"')).toEqual({ a: '1,b=2' });
    expect(parseStringToString('"a=1,b=2",c=3')).toEqual({ a: '1,b=2', c: '3' });
    expect(parseStringToString('"a=say ""hi""",b=2')).toEqual({ a: 'say "hi"', b: '2' });
  });

  it('strips surrounding quotes from a single pair', () => {
    expect(parseStringToString('"a=1"')).toEqual({ a: '1' });
  });

  it('allows an empty value', () => {
    expect(parseStringToString('a=')).toEqual({ a: '' });
    expect(parseStringToString('a=,b=2')).toEqual({ a: '', b: '2' });
  });

  it('rejects a field without "=" among several pairs, naming that field', () => {
    const e = captureError(() => parseStringToString('a=1,2,b=3'));
    expect(e).toBeInstanceOf(FlagError);
    expect(e.message).toBe('invalid argument "a=1,2,b=3" for "--headers" flag: 2 must be formatted as key=value');
  });

  it('rejects a value with no "=" at all, naming the flag it was given to', () => {
    const e = captureError(() => parseStringToString('novalue', '--other'));
    expect(e).toBeInstanceOf(FlagError);
    expect(e.message).toBe('invalid argument "novalue" for "--other" flag: novalue must be formatted as key=value');
  });

  it('rejects broken CSV quoting with encoding/csv wording', () => {
    expect(captureError(() => parseStringToString('a="x"y=1,b=2')).message).toContain('bare " in non-quoted-field');
    expect(captureError(() => parseStringToString('"a=1,b=2')).message).toContain(
      'extraneous or missing " in quoted-field',
    );
  });
});

describe('parseCsvRecord', () => {
  it('reads plain, quoted and empty fields', () => {
    expect(parseCsvRecord('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(parseCsvRecord('"a,b",c')).toEqual(['a,b', 'c']);
    expect(parseCsvRecord('a,,')).toEqual(['a', '', '']);
    expect(parseCsvRecord('""""')).toEqual(['"']);
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsvRecord('"a"b,c')).toThrow(/extraneous or missing "/);
  });
});

describe('parseIntFlag (strconv.ParseInt with base 0)', () => {
  const parse = parseIntFlag('--retry');

  it('parses decimal numbers with a sign', () => {
    expect(parse('10')).toBe(10);
    expect(parse('0')).toBe(0);
    expect(parse('+3')).toBe(3);
    expect(parse('-3')).toBe(-3);
  });

  it('understands Go base prefixes', () => {
    expect(parse('0x1F')).toBe(31);
    expect(parse('0b101')).toBe(5);
    expect(parse('0o17')).toBe(15);
    expect(parse('017')).toBe(15);
  });

  it.each(['', 'abc', '1.5', '1e3', '10s', '0x', '08', '99999999999999999999'])(
    'rejects %j with pflag wording',
    (raw) => {
      const e = captureError(() => parse(raw));
      expect(e).toBeInstanceOf(FlagError);
      expect(e.message).toBe(
        `invalid argument ${JSON.stringify(raw)} for "--retry" flag: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`,
      );
    },
  );
});

describe('flags declared as data', () => {
  const specs: FlagSpec[] = [
    { name: 'headers', type: 'stringToString', usage: 'headers' },
    { name: 'count', type: 'int', usage: 'a count' },
    { name: 'op', type: 'string', repeatable: true, choices: ['replace'], usage: 'op' },
    { name: 'kind', type: 'string', choices: ['a', 'b'], usage: 'kind' },
    { name: 'flag', type: 'bool', usage: 'a switch' },
  ];

  function parse(args: string[]): Record<string, unknown> {
    const cmd = new Command('t')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    addFlags(cmd, specs);
    cmd.parse(args, { from: 'user' });
    return cmd.opts();
  }

  it('merges repeated --headers flags, later keys winning', () => {
    expect(parse(['--headers', 'a=1,b=2', '--headers', 'c=3', '--headers', 'a=9'])).toMatchObject({
      headers: { a: '9', b: '2', c: '3' },
    });
  });

  it('parses int flags and reports bad ones', () => {
    expect(parse(['--count', '0x10'])).toMatchObject({ count: 16 });
    expect(() => parse(['--count', 'ten'])).toThrow('invalid argument "ten" for "--count" flag');
  });

  it('collects repeatable flags in order and checks their choices', () => {
    expect(parse(['--op', 'replace', '--op', 'replace'])).toMatchObject({ op: ['replace', 'replace'] });
    expect(() => parse(['--op', 'add'])).toThrow('invalid argument "add" for "--op" flag: must be one of "replace"');
    expect(() => parse(['--kind', 'c'])).toThrow('invalid argument "c" for "--kind" flag: must be one of "a", "b"');
    expect(parse(['--kind', 'b', '--flag'])).toMatchObject({ kind: 'b', flag: true });
  });

  it('remembers the specs for help rendering, with pflag type names', () => {
    const cmd = new Command('t');
    addFlags(cmd, specs);
    expect(flagSpecs(cmd).map((s) => s.name)).toEqual(['headers', 'count', 'op', 'kind', 'flag']);
    expect(specs.map(varName)).toEqual(['stringToString', 'int', 'string', 'string', '']);
  });
});
