// What the adversarial section's two files (adversarial.mjs, adversarial-trust.mjs) share: the attack() maker that
// names a case after its rule, the create's argument list, the emulator readings most attacks judge by (active keys
// of a description, working tokens), a race of concurrent creates, and an emulator of a case's own, stopped after.
import { setTimeout as sleep } from 'node:timers/promises';
import { adminHome, envFor, labEmulator, runQlik } from '../lab.mjs';
import { checkRun, commonChecks, KEYS_PATH, keysFor, parseJson, POST_KEYS, retryArgs, Verdict } from '../verdict.mjs';

/** @typedef {import('./index.mjs').Case} Case */
/** @typedef {import('./index.mjs').Lab} Lab */
/** @typedef {Lab['emu']} Emu */
/** @typedef {Awaited<ReturnType<typeof runQlik>>} Run */
/** @typedef {{ id: string, description?: string, state?: string }} LedgerEntry */
/** @typedef {{ id: string, token?: string, description?: string }} Delivered */

/**
 * A maker of attacks for one list of rules: `attack(rule, name, c)` gives the case the id
 * `adversarial/<idPrefix><rule as two digits>-<name>` and starts its injected text with `<ruleWord> <rule> (<title>): `.
 * @template {Record<number, string>} R
 * @param {R} rules
 * @param {{ idPrefix: string, ruleWord: string }} naming
 * @returns {(rule: keyof R & number, name: string, c: Omit<Case, 'id' | 'section'>) => Case}
 */
export function attackMaker(rules, { idPrefix, ruleWord }) {
  return (rule, name, c) => ({
    ...c,
    id: `adversarial/${idPrefix}${String(rule).padStart(2, '0')}-${name}`,
    section: 'adversarial',
    injected: `${ruleWord} ${rule} (${rules[rule]}): ${c.injected}`,
  });
}

/**
 * Polls `check` every 25 ms until it returns something truthy (or `ms` pass); resolves with it.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
export async function until(check, ms = 10_000) {
  const end = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value || performance.now() > end) return value;
    await sleep(25);
  }
}

/**
 * A token opens the API-keys list.
 * @param {Emu} emu
 * @param {unknown} token
 */
export async function tokenWorks(emu, token) {
  return typeof token === 'string' && (await emu.call('GET', `${KEYS_PATH}?limit=1`, { token })).status === 200;
}

/**
 * `api-key create --description <description>`, with `--expiry PT1H` unless `expiry` is false, and `--retry N
 * --interval 1` when `retry` is given.
 * @param {string} description
 * @param {{ retry?: number, expiry?: boolean }} [opts]
 */
export function createArgs(description, { retry, expiry = true } = {}) {
  return [
    'api-key',
    'create',
    '--description',
    description,
    ...(expiry ? ['--expiry', 'PT1H'] : []),
    ...(retry === undefined ? [] : retryArgs(retry)),
  ];
}

/**
 * The ledger's active keys of `description` (tagged ones included).
 * @param {Emu} emu
 * @param {string} description
 * @returns {Promise<LedgerEntry[]>}
 */
export async function activeKeys(emu, description) {
  return keysFor(await emu.ledger(), description).filter((/** @type {LedgerEntry} */ e) => e.state === 'active');
}

/**
 * A key of the admin's, minted through the control API (not by the CLI), with a one-hour expiry.
 * @param {Emu} emu
 * @param {string} description
 * @returns {Promise<{ id: string, token: string, description: string }>}
 */
export function mintKey(emu, description) {
  return emu.control('POST', 'keys', { userId: emu.admin.id, description, expiry: 'PT1H' });
}

/**
 * Key creates (POST /api-keys) commit and then answer `status` (503 unless told), `times` times when given.
 * @param {Emu} emu
 * @param {{ status?: number, times?: number, body?: unknown }} [opts]
 */
export function failPosts(emu, { status = 503, times, body } = {}) {
  return emu.faults.add({
    ...POST_KEYS,
    ...(times === undefined ? {} : { times }),
    action: { type: 'status-after', status, ...(body === undefined ? {} : { body }) },
  });
}

/**
 * A fresh emulator and a home whose context holds its admin's key.
 * @param {Lab} lab
 */
export async function freshAdmin(lab) {
  const emu = await lab.fresh();
  return { emu, home: await adminHome(emu) };
}

/**
 * A Verdict that has judged `r` as every CLI run is judged (checkRun: leaks, escapes, stack traces, time).
 * @param {Run} r
 * @param {string | undefined} home
 * @param {string} [label]
 */
export async function verdictOf(r, home, label) {
  const v = new Verdict();
  await checkRun(v, r, home, label);
  return v;
}

/**
 * The set of active keys is exactly `ids` (compared sorted).
 * @param {Verdict} v
 * @param {LedgerEntry[]} active
 * @param {(string | undefined)[]} ids
 */
export function sameKeys(v, active, ids) {
  const have = active.map((e) => e.id).sort();
  v.eq('active keys', have.join(','), [...ids].sort().join(','));
}

/**
 * `runs` creates of `description` at once (--retry 3) against an emulator that allows 100 keys a user and whose
 * first `faulted` POSTs answer 503 after commit; `before` runs first (it mints foreign keys). Each run gets the
 * common checks; the delivered keys (exit 0 and a token) and how many of their tokens work come back.
 * @param {Lab} lab
 * @param {{ runs: number, faulted: number, description: string, timeoutMs: number, before?: (emu: Emu) => Promise<unknown> }} race
 */
export async function raceCreates(lab, { runs, faulted, description, timeoutMs, before }) {
  const emu = await lab.fresh();
  await emu.setConfig({ max_keys_per_user: 100 });
  await before?.(emu);
  await failPosts(emu, { times: faulted });
  const home = await adminHome(emu);
  const args = createArgs(description, { retry: 3 });
  const results = await Promise.all(
    Array.from({ length: runs }, () => runQlik(args, { env: envFor(home), timeoutMs })),
  );
  const v = new Verdict();
  /** @type {Delivered[]} */
  const delivered = [];
  for (const r of results) {
    commonChecks(v, r);
    const out = parseJson(r.stdout);
    if (r.code === 0 && out?.token) delivered.push(out);
  }
  let working = 0;
  for (const o of delivered) if (await tokenWorks(emu, o.token)) working += 1;
  return { emu, v, results, delivered, working };
}

/**
 * Runs `body` with an emulator of its own (started with `options`), stopped afterwards whatever happens.
 * @template T
 * @param {import('@qlik-ts/emulator').StartOptions} options
 * @param {(emu: Emu) => Promise<T>} body
 */
export async function withEmulator(options, body) {
  const emu = await labEmulator(options);
  try {
    return await body(emu);
  } finally {
    await emu.stop();
  }
}

/**
 * A figure `v` recorded (fig or add) by name; undefined if it never did.
 * @param {Verdict} v
 * @param {string} name
 */
export function figure(v, name) {
  return /** @type {Record<string, unknown>} */ (v.figures)[name];
}

/**
 * No secret leaked in what `v` counted (its `leaked` figure is 0: a case that never counted fails).
 * @param {Verdict} v
 */
export function noneLeaked(v) {
  v.eq('leaked secrets', figure(v, 'leaked'), 0);
}
