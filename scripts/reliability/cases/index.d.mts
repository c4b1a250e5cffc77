// Types for cases/index.mjs, for test/reliability.test.ts (the scripts themselves are plain JavaScript).
export type Section = 'faults' | 'input' | 'secrets' | 'proxy' | 'adversarial' | 'oauth' | 'users' | 'lifecycle' | 'scim';

export type Figures = Record<string, number | string | undefined>;

export interface Verdict {
  pass: boolean;
  figures: Figures;
  failures: string[];
}

export interface CaseResult extends Verdict {
  id: string;
  section: Section;
  injected: string;
  expected: string;
  wallMs: number;
}

/** An emulator (plus, on demand, a --tls one, a proxy and servers) that one case uses at a time. */
export interface Lab {
  readonly reduced: boolean;
  close(): Promise<void>;
}

export interface Case {
  id: string;
  section: Section;
  injected: string;
  expected: string;
  /** Long-running (many CLI runs): started first. */
  heavy?: boolean;
  /** Part of the reduced matrix that `npm test` runs. */
  reduced?: boolean;
  run(lab: Lab): Promise<Verdict>;
}

export interface LabPool {
  acquire(): Promise<Lab>;
  release(lab: Lab): void;
  close(): Promise<void>;
}

export const SECTIONS: Record<Section, string>;
export function buildCases(opts?: { reduced?: boolean }): Case[];
export function runCase(lab: Lab, c: Case): Promise<CaseResult>;
export function runMatrix(
  cases: Case[],
  opts?: { reduced?: boolean; jobs?: number; onResult?: (r: CaseResult, index: number) => void },
): Promise<CaseResult[]>;
export function labPool(size: number, opts?: { reduced?: boolean }): LabPool;
