// The retry policy of REST commands (--retry N, --interval S) and how long to wait before the next try.
import { CliError } from '../errors/errors.js';

export interface RetryPolicy {
  /** How many times a failed request may be sent again (0–10). */
  retry: number;
  /** Seconds to wait between tries, at least 1. */
  intervalSeconds: number;
}

/**
 * A server's retry-after is honoured up to this many seconds (Qlik's rate limits use a 5-minute window, so a
 * blocked tier can ask for up to ~300 s); a longer one ends the command with one line.
 */
export const MAX_RETRY_AFTER_SECONDS = 300;

/** Seconds a retry-after header asks for (delta-seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterSeconds(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const n = Number(header);
  if (Number.isFinite(n)) return Math.max(0, n);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** The wait before the next try: max(interval, retry-after), or an error beyond MAX_RETRY_AFTER_SECONDS. */
export function retryWait(header: string | undefined, policy: RetryPolicy): number {
  const after = retryAfterSeconds(header) ?? 0;
  if (after > MAX_RETRY_AFTER_SECONDS) {
    throw new CliError(
      `rate limited: the server asks to wait ${Math.ceil(after)} s before retrying, longer than the ${MAX_RETRY_AFTER_SECONDS} s this CLI waits; try again later`,
    );
  }
  return Math.max(policy.intervalSeconds, after);
}
