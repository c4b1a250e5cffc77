// The reliability and security matrix: every case, shared by the full run (scripts/reliability.mjs) and the
// reduced run inside `npm test` (test/reliability.test.ts). A case is { id, section, injected, expected, reduced?,
// heavy?, run(lab) }; run resolves with { pass, figures, failures }. `buildCases({ reduced })` keeps the cases marked
// `reduced` (a few per section), and the lab's `reduced` flag makes multi-run cases smaller.
import { labPool } from '../lab.mjs';
import { adversarialCases } from './adversarial.mjs';
import { SECTIONS } from './case.mjs';
import { faultCases } from './faults.mjs';
import { inputCases } from './input.mjs';
import { lifecycleCases } from './lifecycle.mjs';
import { oauthCases } from './oauth.mjs';
import { proxyCases } from './proxy.mjs';
import { scimCases } from './scim.mjs';
import { secretCases } from './secrets.mjs';
import { userCases } from './users.mjs';

/** @typedef {import('./case.mjs').Section} Section */
/** @typedef {import('./case.mjs').Figures} Figures */
/** @typedef {import('./case.mjs').Verdict} Verdict */
/** @typedef {import('./case.mjs').CaseResult} CaseResult */
/** @typedef {import('./case.mjs').Lab} Lab */
/** @typedef {import('./case.mjs').LabPool} LabPool */
/** @typedef {import('./case.mjs').Case} Case */

/**
 * Every case of the matrix; `reduced` keeps the subset `npm test` runs.
 * @param {{ reduced?: boolean }} [opts]
 * @returns {Case[]}
 */
export function buildCases({ reduced = false } = {}) {
  /** @type {Case[]} */
  const all = [
    ...faultCases(),
    ...inputCases(),
    ...secretCases({ reduced }),
    ...proxyCases(),
    ...adversarialCases({ reduced }),
    ...oauthCases({ reduced }),
    ...userCases(),
    ...lifecycleCases(),
    ...scimCases({ reduced }),
  ];
  return reduced ? all.filter((c) => c.reduced) : all;
}

/**
 * Runs one case; an exception is a failed case, not a crashed run.
 * @param {Lab} lab
 * @param {Case} c
 * @returns {Promise<CaseResult>}
 */
export async function runCase(lab, c) {
  const started = performance.now();
  const head = { id: c.id, section: c.section, injected: c.injected, expected: c.expected };
  try {
    const result = await c.run(lab);
    const wallMs = performance.now() - started;
    // Multi-run cases report the case's wall time.
    const figures = { ...result.figures, ms: result.figures.ms ?? wallMs };
    return { ...head, ...result, figures, wallMs };
  } catch (e) {
    return {
      ...head,
      pass: false,
      figures: {},
      failures: [`the case crashed: ${e instanceof Error ? e.message : String(e)}`],
      wallMs: performance.now() - started,
    };
  }
}

/**
 * Runs cases on a pool of `jobs` labs (heavy cases first); resolves with the results in case order.
 * @param {Case[]} cases
 * @param {{ reduced?: boolean, jobs?: number, onResult?: (r: CaseResult, index: number) => void }} [opts]
 * @returns {Promise<CaseResult[]>}
 */
export async function runMatrix(cases, { reduced = false, jobs = 1, onResult } = {}) {
  const pool = labPool(Math.max(1, Math.min(jobs, cases.length)), { reduced });
  const queue = cases.map((c, i) => ({ c, i })).sort((a, b) => Number(b.c.heavy === true) - Number(a.c.heavy === true));
  /** @type {CaseResult[]} */
  const results = new Array(cases.length);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const lab = await pool.acquire();
      try {
        results[next.i] = await runCase(lab, next.c);
      } finally {
        pool.release(lab);
      }
      const result = results[next.i];
      if (result !== undefined) onResult?.(result, next.i);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  } finally {
    await pool.close();
  }
  return results;
}

export { labPool, SECTIONS };
