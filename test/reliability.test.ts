// The reduced reliability matrix (npm run reliability runs the full one): the cases of scripts/reliability/cases/
// marked `reduced` (a few per section), with fewer kill -9 trials, concurrent pairs and creates, and short timeouts.
// The cases run in the background on a small pool of emulators; each `it` waits for its own case's verdict.
// Needs the built CLI and emulator (`npm test` builds first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCases, runMatrix, type CaseResult } from '../scripts/reliability/cases/index.mjs';
import { formatFigures, totals, totalsLine } from '../scripts/reliability/report.mjs';

const cases = buildCases({ reduced: true });
const JOBS = 3;
// Generous: a case's `it` may start long before its case does (the pool runs heavy cases first).
const CASE_TIMEOUT_MS = 300_000;

interface Pending {
  promise: Promise<CaseResult>;
  resolve: (r: CaseResult) => void;
  reject: (e: unknown) => void;
}

const pending = new Map<string, Pending>();
for (const c of cases) {
  let resolve!: (r: CaseResult) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<CaseResult>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  pending.set(c.id, { promise, resolve, reject });
}

let matrix: Promise<CaseResult[]> | undefined;

beforeAll(() => {
  matrix = runMatrix(cases, {
    reduced: true,
    jobs: JOBS,
    onResult: (r) => pending.get(r.id)?.resolve(r),
  });
  matrix.catch((e: unknown) => {
    for (const p of pending.values()) p.reject(e);
  });
});

afterAll(async () => {
  const results = await matrix?.catch(() => undefined);
  if (results) console.log(`reliability (reduced): ${totalsLine(totals(results))}`);
}, CASE_TIMEOUT_MS);

describe('reliability matrix (reduced)', () => {
  for (const c of cases) {
    it(
      `${c.id}: ${c.injected}`,
      async () => {
        const p = pending.get(c.id);
        if (!p) throw new Error(`no pending result for ${c.id}`);
        const r = await p.promise;
        const summary = `${c.id} — expected: ${c.expected}; figures: ${formatFigures(r.figures)}`;
        expect(r.failures, summary).toEqual([]);
        expect(r.pass, summary).toBe(true);
      },
      CASE_TIMEOUT_MS,
    );
  }
});
