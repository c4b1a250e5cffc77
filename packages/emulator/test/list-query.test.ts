// The list-query parsers every service shares (src/shared/list-query.ts): each reports through the Fail it is given,
// naming the parameter, so each service answers in its own error shape.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/shared/errors.js';
import {
  decodeCursor,
  encodeCursor,
  pagePosition,
  parseGoBool,
  parseLimit,
  parseSort,
  refuseUnknownParams,
} from '../src/shared/list-query.js';
import type { Fail } from '../src/shared/validate.js';

const fail: Fail = (detail, parameter) =>
  new ApiError(400, { code: 'TEST-1', title: 'Bad', detail, source: { parameter } });

function refusal(fn: () => unknown): { detail: string | undefined; parameter: string | undefined } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return { detail: e.error.detail, parameter: e.error.source?.parameter };
    throw e;
  }
  throw new Error('no refusal');
}

describe('list-query parsers', () => {
  it('parseLimit takes 1..100, also written as a float, and names the parameter otherwise', () => {
    expect(parseLimit('1', fail)).toBe(1);
    expect(parseLimit('100', fail)).toBe(100);
    expect(parseLimit('20.0', fail)).toBe(20);
    for (const raw of ['0', '101', '-1', '2.5', 'x', ''])
      expect(refusal(() => parseLimit(raw, fail))).toEqual({
        detail: '"limit" must be an integer between 1 and 100',
        parameter: 'limit',
      });
  });

  it('parseSort takes a field with an optional sign (a decoded "+" is a space) and refuses others', () => {
    const fields = ['name', 'createdAt'] as const;
    expect(parseSort('-createdAt', fields, fail)).toEqual({ field: 'createdAt', descending: true, text: '-createdAt' });
    expect(parseSort(' name', fields, fail)).toEqual({ field: 'name', descending: false, text: '+name' });
    expect(refusal(() => parseSort('colour', fields, fail)).parameter).toBe('sort');
  });

  it('parseGoBool reads booleans as Go does', () => {
    expect(['1', 't', 'TRUE', 'True'].map((v) => parseGoBool(v, 'x', fail))).toEqual([true, true, true, true]);
    expect(['0', 'f', 'false', 'FALSE'].map((v) => parseGoBool(v, 'x', fail))).toEqual([false, false, false, false]);
    expect(refusal(() => parseGoBool('yes', 'totalResults', fail)).parameter).toBe('totalResults');
  });

  it('pagePosition refuses both directions at once, naming the second', () => {
    const q = (s: string): URLSearchParams => new URLSearchParams(s);
    expect(pagePosition(q('limit=1'), ['next', 'prev'], fail)).toBeUndefined();
    expect(pagePosition(q('prev=a'), ['next', 'prev'], fail)).toEqual({
      direction: 'prev',
      parameter: 'prev',
      value: 'a',
    });
    expect(refusal(() => pagePosition(q('next=a&prev=b'), ['next', 'prev'], fail))).toEqual({
      detail: '"next" and "prev" cannot be used together',
      parameter: 'prev',
    });
  });

  it('refuseUnknownParams names the first unknown or repeated parameter', () => {
    const allowed = ['limit', 'sort'];
    expect(refuseUnknownParams(new URLSearchParams('limit=1&sort=x'), allowed, fail)).toBeUndefined();
    expect(refusal(() => refuseUnknownParams(new URLSearchParams('limit=1&limit=2'), allowed, fail))).toEqual({
      detail: 'Query parameter "limit" must not be repeated',
      parameter: 'limit',
    });
    expect(refusal(() => refuseUnknownParams(new URLSearchParams('colour=1'), allowed, fail)).parameter).toBe('colour');
  });

  it('a cursor token round-trips with its tag and refuses a token of another tag, arity or none at all', () => {
    const token = encodeCursor('name', ['Ann', null], 'u1');
    expect(decodeCursor(token, 'name', 2, 'next', fail)).toEqual({ values: ['Ann', null], id: 'u1' });
    expect(Buffer.from(encodeCursor('idp', [], 'x'), 'base64url').toString()).toBe('["idp","x"]');
    for (const [raw, tag, arity] of [
      [token, 'email', 2],
      [token, 'name', 1],
      ['not-a-token', 'name', 2],
      [encodeCursor('name', [], ''), 'name', 1],
    ] as const)
      expect(refusal(() => decodeCursor(raw, tag, arity, 'prev', fail)).parameter).toBe('prev');
  });
});
