// Checks of what the user typed that several api-key verbs share: ISO 8601 durations (create, rotate, exec, audit,
// config edit) and SCIM subjects (create, ls). (How a create recognises and removes the keys its own attempts made is
// in attribution.ts, loaded only when a create, rotate or exec runs.)
import { ConfigError } from '../../../errors/errors.js';
import { invalidArgument } from '../../../cmdutil/flags.js';

/**
 * A SCIM subject as the API wants it, `SCIM\<idp-id>` with one backslash. Qlik's help prints the format as
 * `SCIM\\{{IDP-ID}}` (JSON's escaping of one backslash), so a subject typed with two backslashes (bash single quotes,
 * PowerShell, cmd) means the same IdP: runs of backslashes after `SCIM` become one. Other subjects are unchanged.
 */
export function scimSubject(sub: string): string {
  const m = /^SCIM\\{2,}(.*)$/.exec(sub);
  return m ? `SCIM\\${m[1] ?? ''}` : sub;
}

/**
 * Durations of whole units up to six digits each (`P30D`, `PT12H`, `P1Y2M`, `P1DT12H`), not all zero: every one is a
 * positive duration Temporal accepts, so the common case needs no Temporal. Anything else goes to Temporal.
 */
const PLAIN_DURATION =
  /^P(?=T?\d)(?:\d{1,6}Y)?(?:\d{1,6}M)?(?:\d{1,6}W)?(?:\d{1,6}D)?(?:T(?=\d)(?:\d{1,6}H)?(?:\d{1,6}M)?(?:\d{1,6}S)?)?$/;

/** Whether `value` is a plain duration (PLAIN_DURATION) with at least one non-zero unit. */
export function plainPositiveDuration(value: string): boolean {
  return PLAIN_DURATION.test(value) && /[1-9]/.test(value);
}

/** Checks an ISO 8601 duration with Temporal (loaded only here); the user's string is sent unchanged. */
export async function checkDuration(value: unknown, source: string): Promise<void> {
  const fail = (why: string) =>
    source.startsWith('--') && !source.includes(' ')
      ? invalidArgument(String(value), source, why)
      : new ConfigError(`${source}: expiry ${JSON.stringify(value)}: ${why}`);
  if (typeof value !== 'string') throw fail('must be a string');
  if (plainPositiveDuration(value)) return;
  const { Temporal } = await import('temporal-polyfill');
  let d;
  try {
    d = Temporal.Duration.from(value);
  } catch {
    throw fail('not an ISO 8601 duration (examples: P7D, PT12H, P1Y2M, P1DT12H)');
  }
  if (d.sign <= 0) throw fail('the duration must be positive');
}
