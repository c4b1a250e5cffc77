// The filter syntax check every service runs before scim2-parse-filter (issue 23 item 2, issue 18 rule 20): a mistake
// is named with its position (counted from 1), the cost is bounded, and what passes the check the library parses.
import { parse } from 'scim2-parse-filter';
import { describe, expect, it } from 'vitest';
import { checkFilterSyntax, FilterSyntaxError } from '../src/shared/filter-syntax.js';

function refusal(text: string, options?: Parameters<typeof checkFilterSyntax>[1]): string {
  try {
    checkFilterSyntax(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(FilterSyntaxError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

const clauses = (n: number): string => Array.from({ length: n }, (_, i) => `name eq "u${i}"`).join(' or ');

describe('checkFilterSyntax', () => {
  it.each([
    ['email eq', 'expected a value after "eq" at position 9 (the end of the filter)'],
    ['email eq ', 'expected a value after "eq" at position 10 (the end of the filter)'],
    [
      'email eq bob',
      'expected a value after "eq" at position 10, found "bob" (a value is a quoted string, a number, true, false or null)',
    ],
    ['email eq )', 'expected a value after "eq" at position 10, found ")"'],
    ['email', 'expected an operator after "email" at position 6 (the end of the filter)'],
    [
      'email is "a@b"',
      'unknown operator "is" at position 7 (the operators are eq, ne, co, sw, ew, gt, lt, ge, le and pr)',
    ],
    ['email eq "a@b', 'the quoted value at position 10 has no closing quote'],
    ['email eq "a\tb"', 'the quoted value at position 10 is not a valid string (control characters must be escaped)'],
    ['(email eq "a"', 'the "(" at position 1 is not closed: expected ")" at position 14 (the end of the filter)'],
    ['(email eq "a" name eq "b")', 'the "(" at position 1 is not closed: expected ")" at position 15, found "name"'],
    ['email eq "a")', 'unexpected ")" at position 13: no "(" is open'],
    ['()', 'unexpected ")" at position 2: no "(" is open, or it holds nothing'],
    ['email eq "a" foo', 'unexpected "foo" at position 14: expected "and", "or" or the end of the filter'],
    ['email eq "a" and', 'expected a comparison after "and" at position 17 (the end of the filter)'],
    ['email eq "a" or or name eq "b"', 'expected an attribute name, "(" or "not" at position 17, found "or"'],
    ['not', 'expected a comparison after "not" at position 4 (the end of the filter)'],
    ['email eq "a" & name eq "b"', 'unexpected character "&" at position 14'],
    [
      'emails[type eq "work"',
      'the "[" at position 7 is not closed: expected "]" at position 22 (the end of the filter)',
    ],
    ['"x" eq "y"', 'expected an attribute name, "(" or "not" at position 1, found "\\"x\\""'],
  ])('%j: %s', (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it('counts positions in the enclosing text when given an offset (a PATCH path)', () => {
    expect(refusal('type eq', { offset: 7 })).toBe(
      'expected a value after "eq" at position 15 (the end of the filter)',
    );
  });

  it('takes 100 comparisons and refuses the 101st, naming the limit', () => {
    expect(checkFilterSyntax(clauses(100))).toBe(100);
    const text = clauses(101);
    expect(refusal(text)).toBe(
      `the filter has more than 100 comparisons (the limit is 100; comparison 101 is at position ${text.lastIndexOf('name') + 1})`,
    );
  });

  it('bounds the length and the nesting', () => {
    expect(refusal(`name eq "${'x'.repeat(10_000)}"`)).toBe('the filter is longer than 10000 characters (the limit)');
    expect(checkFilterSyntax(`${'('.repeat(32)}name eq "a"${')'.repeat(32)}`)).toBe(1);
    expect(refusal(`${'('.repeat(33)}name eq "a"${')'.repeat(33)}`)).toBe(
      'the filter nests parentheses, "not" and "[...]" more than 32 deep (at position 33)',
    );
    expect(refusal(`${'not '.repeat(40)}name eq "a"`)).toMatch(/more than 32 deep/);
  });

  it.each([
    'email eq "a@b"',
    'userName Eq "x" AND NOT (active eq true or title pr)',
    'emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work"].value eq "a@b.c"',
    'meta.lastModified gt "2020-01-01T00:00:00Z" and count le 5',
    'subject eq "DOMAIN\\user"',
    'name eq "say \\"hi\\""',
    'x eq null or y eq false or z eq -1.5e3',
    `(${clauses(50)}) and (${clauses(50)})`,
  ])('passes what the library parses: %s', (text) => {
    expect(checkFilterSyntax(text)).toBeGreaterThan(0);
    expect(() => parse(text)).not.toThrow();
  });

  it.each(['email eq', 'email eq "a@b', '(email eq "a"', 'email eq "a")', 'email eq "a" foo', 'email is "a"'])(
    'refuses what the library refuses: %s',
    (text) => {
      expect(() => parse(text)).toThrow();
      expect(() => checkFilterSyntax(text)).toThrow(FilterSyntaxError);
    },
  );
});
