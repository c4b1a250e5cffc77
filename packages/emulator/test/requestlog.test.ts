// The request log is a fixed-size ring: the newest entries are kept, in sequence order.
import { describe, expect, it } from 'vitest';
import { RequestLog, type RequestLogEntry } from '../src/http/requestlog.js';

function entry(seq: number): RequestLogEntry {
  return {
    seq,
    method: 'GET',
    path: '/api/v1/api-keys',
    query: {},
    status: 200,
    ms: 0,
    headers: {},
    authorization: true,
  };
}

describe('RequestLog', () => {
  it('keeps only the newest `capacity` entries once full', () => {
    const log = new RequestLog(0, 4);
    for (let i = 0; i < 11; i++) log.add(entry(log.nextSeq()));
    expect(log.list().map((e) => e.seq)).toEqual([8, 9, 10, 11]);
    log.add(entry(log.nextSeq()));
    expect(log.list().map((e) => e.seq)).toEqual([9, 10, 11, 12]);
  });

  it('lists by sequence number when requests end out of order, and keeps 10 000 by default', () => {
    const log = new RequestLog(100);
    const [a, b, c] = [log.nextSeq(), log.nextSeq(), log.nextSeq()];
    log.add(entry(c));
    log.add(entry(a));
    log.add(entry(b));
    expect(log.list().map((e) => e.seq)).toEqual([101, 102, 103]);
    for (let i = 0; i < 10_050; i++) log.add(entry(log.nextSeq()));
    const kept = log.list();
    expect(kept).toHaveLength(10_000);
    expect(kept[0]!.seq).toBe(10_153 - 9_999);
    expect(kept.at(-1)!.seq).toBe(10_153);
  });

  it('starts empty again after clear(), with sequence numbers still rising', () => {
    const log = new RequestLog(0, 2);
    log.add(entry(log.nextSeq()));
    log.clear();
    expect(log.list()).toEqual([]);
    log.add(entry(log.nextSeq()));
    expect(log.list().map((e) => e.seq)).toEqual([2]);
  });
});
