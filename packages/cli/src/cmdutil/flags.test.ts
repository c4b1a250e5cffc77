// Flag values as pflag reads them: stringToString (--headers), Go-style integers and booleans, Go's CSV record
// reader, and the type names help prints.
import { describe, expect, it } from 'vitest';
import { FlagError } from '../errors/errors.js';
import { parseBool, parseCsvRecord, parseFlagValue, parseStringToString, varName, type FlagSpec } from './flags.js';

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

describe('int flags (strconv.ParseInt with base 0)', () => {
  const spec: FlagSpec = { name: 'retry', type: 'int', usage: '' };
  const parse = (raw: string): unknown => parseFlagValue(spec, raw, undefined);

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

describe('bool flags (strconv.ParseBool)', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true', (v) => expect(parseBool(v)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%s is false', (v) => expect(parseBool(v)).toBe(false));
  it.each(['', 'yes', 'on', 'tRUE', '2'])('%j is an error naming the flag with its shorthand', (v) => {
    const spec: FlagSpec = { name: 'quiet', short: 'q', type: 'bool', usage: '' };
    expect(captureError(() => parseFlagValue(spec, v, undefined)).message).toBe(
      `invalid argument ${JSON.stringify(v)} for "-q, --quiet" flag: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`,
    );
  });
});

describe('repeatable, map and choice flags', () => {
  it('merges repeated --headers, later keys winning', () => {
    const spec: FlagSpec = { name: 'headers', type: 'stringToString', usage: '' };
    let v = parseFlagValue(spec, 'a=1,b=2', undefined);
    v = parseFlagValue(spec, 'c=3', v);
    v = parseFlagValue(spec, 'a=9', v);
    expect(v).toEqual({ a: '9', b: '2', c: '3' });
  });

  it('collects repeatable flags in order and checks their choices', () => {
    const op: FlagSpec = { name: 'op', type: 'string', repeatable: true, choices: ['replace'], usage: '' };
    expect(parseFlagValue(op, 'replace', ['replace'])).toEqual(['replace', 'replace']);
    expect(() => parseFlagValue(op, 'add', undefined)).toThrow(
      'invalid argument "add" for "--op" flag: must be one of "replace"',
    );
  });

  it('prints pflag type names in help', () => {
    const specs: FlagSpec[] = [
      { name: 'headers', type: 'stringToString', usage: '' },
      { name: 'count', type: 'int', usage: '' },
      { name: 'op', type: 'string', repeatable: true, usage: '' },
      { name: 'value', type: 'unknown', usage: '' },
      { name: 'flag', type: 'bool', usage: '' },
    ];
    expect(specs.map(varName)).toEqual(['stringToString', 'int', 'string', 'unknown', '']);
  });
});
