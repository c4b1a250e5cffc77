// What every case judges with: a Verdict (figures and failures), the checks every CLI run shares, and small
// readers of CLI output.
import { randomBytes } from 'node:crypto';
import { countLeaks, escBytes, hasStackTrace, neighbourLeaks, registerSecret } from './lab.mjs';

export const KEYS_PATH = '/api/v1/api-keys';
export const POST_KEYS = { method: 'POST', path: KEYS_PATH };
export const GET_KEYS = { method: 'GET', path: KEYS_PATH };
export const MiB = 1024 * 1024;

/** @typedef {import('../../test/kit/process.mjs').ProcessResult} ProcessResult */
/** @typedef {import('./cases/case.mjs').Figures} Figures */

export class Verdict {
  constructor() {
    /** @type {Figures} */
    this.figures = {};
    /** @type {string[]} */
    this.failures = [];
    this.cliRuns = 0;
  }
  /**
   * @template {number | string | null | undefined} T
   * @param {string} name
   * @param {T} value
   * @returns {T}
   */
  fig(name, value) {
    this.figures[name] = value;
    return value;
  }
  /**
   * Adds `value` to a counting figure (0 when not set yet); resolves with the new count.
   * @param {string} name
   * @param {number} value
   * @returns {number}
   */
  add(name, value) {
    const sum = /** @type {number} */ (this.figures[name] ?? 0) + value;
    this.figures[name] = sum;
    return sum;
  }
  /**
   * `ok` when truthy, else a failure with `message`; answers `ok`.
   * @template T
   * @param {T} ok
   * @param {string} message
   * @returns {T}
   */
  expect(ok, message) {
    if (!ok) this.failures.push(message);
    return ok;
  }
  /**
   * @param {string} name
   * @param {unknown} actual
   * @param {unknown} wanted
   */
  eq(name, actual, wanted) {
    return this.expect(actual === wanted, `${name} was ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
  }
  /**
   * `text` matches `re` (the failure quotes the start of the text).
   * @param {string} name
   * @param {string | undefined} text
   * @param {RegExp} re
   */
  match(name, text, re) {
    return this.expect(
      re.test(text ?? ''),
      `${name} does not match ${re}: ${JSON.stringify((text ?? '').slice(0, 300))}`,
    );
  }
  /** @returns {import('./cases/case.mjs').Verdict} */
  done() {
    // A case of several CLI runs reports its own wall time (runCase), not the last run's time or exit code.
    if (this.cliRuns > 1) {
      delete this.figures.ms;
      delete this.figures.exit;
    }
    return { pass: this.failures.length === 0, figures: this.figures, failures: this.failures };
  }
}

/**
 * A key as the CLI prints it with --json (the server's API-key object): the fields cases read; `token` on a create.
 * @typedef {{ id: string, description: string, sub?: string, subType?: string, status?: string, token?: string }} CliKey
 */

/**
 * The JSON `text` holds, or undefined when it does not parse. Like JSON.parse it answers `any`: the caller says the
 * shape it expects (`@type` at the call site, e.g. CliKey).
 * @param {string} text
 * @returns {any}
 */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An `Error: …` line, or the server's error body printed as JSON (its last line is `}`).
 * @param {string | undefined} text
 */
export function hasErrorMessage(text) {
  return /^Error: \S/m.test(text ?? '') || /(^|\n)\{\n[\s\S]*"errors"[\s\S]*\n\}\n?$/.test(text ?? '');
}

/** @param {string | undefined} text */
export function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
}

/**
 * Checks every CLI run shares: no secret and no terminal escape on stderr, no stack trace, not killed by us.
 * @param {Verdict} v
 * @param {Pick<ProcessResult, 'stderr' | 'timedOut'>} r
 * @param {string} [label]
 */
export function commonChecks(v, r, label = '') {
  v.cliRuns += 1;
  const at = label ? ` (${label})` : '';
  v.add('leaked', countLeaks(r.stderr));
  v.add('esc', escBytes(r.stderr));
  v.expect(countLeaks(r.stderr) === 0, `a secret reached stderr${at}`);
  v.expect(escBytes(r.stderr) === 0, `an escape byte reached stderr${at}`);
  v.expect(!hasStackTrace(r.stderr), `a stack trace on stderr${at}`);
  v.expect(!r.timedOut, `the CLI did not end within its time limit and was killed${at}`);
}

/**
 * commonChecks, plus the files next to contexts.yml, plus the run's time and exit code as figures.
 * @param {Verdict} v
 * @param {ProcessResult} r
 * @param {string | undefined} home
 * @param {string} [label]
 */
export async function checkRun(v, r, home, label = '') {
  v.fig('exit', r.code);
  commonChecks(v, r, label);
  if (home) v.add('leaked', await neighbourLeaks(home));
  v.fig('ms', r.ms);
}

/** @param {number} retry */
export function retryArgs(retry) {
  return ['--retry', String(retry), '--interval', '1'];
}

/**
 * How many times a fault fires for a given --retry: once for 0 and 1 (1 recovers), three times for 10.
 * @param {number} retry
 */
export function timesFor(retry) {
  return retry >= 10 ? 3 : 1;
}

/**
 * A secret header value a case sends, registered so that any echo of it counts as a leak.
 * @param {string} [prefix]
 */
export function secretValue(prefix = 'hdr') {
  const value = `${prefix}-${randomBytes(12).toString('hex')}`;
  registerSecret(value);
  return value;
}

/** The tag a tagged create appends to a description while the answer is outstanding (api/create-safely.ts). */
export const TAG_RE = / \[qlik-cli:[A-Za-z0-9_-]+\.\d+\]$/;

/**
 * Ledger entries of keys created for `description`: exactly it, or it with a create tag still on.
 * @param {import('@qlik-ts/emulator').LedgerEntry[]} ledger
 * @param {string} description
 */
export function keysFor(ledger, description) {
  return ledger.filter(
    (e) =>
      e.description === description ||
      (e.description?.startsWith(`${description} [qlik-cli:`) && TAG_RE.test(e.description)),
  );
}

/**
 * Requests that carried credentials (Authorization, or one of `extra` headers) to a recording server.
 * @template {{ headers: import('node:http').IncomingHttpHeaders }} Q
 * @param {Q[]} requests
 * @param {string[]} [extra]
 */
export function withCredentials(requests, extra = []) {
  return requests.filter((q) => q.headers.authorization !== undefined || extra.some((h) => q.headers[h] !== undefined));
}

/**
 * Leaks counted so far are all zero.
 * @param {Verdict} v
 */
export function noLeaks(v) {
  v.eq('leaked secrets', v.figures.leaked ?? 0, 0);
}

export { countLeaks };
