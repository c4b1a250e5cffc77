// Types for report.mjs, for test/reliability.test.ts.
import type { CaseResult, Figures } from './cases/index.mjs';

export interface Totals {
  faults: number;
  duplicates: number;
  orphans: number;
  leaked: number;
  badInputs: number;
  networkCalls: number;
  killTrials: number;
  broken: number;
  pairs: number;
  lost: number;
  /** Adversarial cases (one or more per rule of issue #8), and how many held. */
  attacks: number;
  held: number;
  oauth: number;
  oauthHeld: number;
  users: number;
  usersHeld: number;
  scim: number;
  scimHeld: number;
  passed: number;
  failed: number;
}

export function formatFigures(figures: Figures): string;
export function table(results: CaseResult[]): string;
export function totals(results: CaseResult[]): Totals;
export function totalsLine(t: Totals): string;
