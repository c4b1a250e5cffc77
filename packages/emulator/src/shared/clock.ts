// The emulator's clock: wall time plus an offset that tests can move (POST /__emulator/time),
// and ISO-8601 duration arithmetic done with Temporal so that P1M and P1Y follow the calendar.
import { Temporal } from 'temporal-polyfill';

export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
}

/** `2026-11-26T10:00:00.000Z`: always UTC and always with milliseconds. */
export function isoMs(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * Parses an ISO-8601 duration. Returns undefined when it is not a valid duration
 * or when it is not strictly positive.
 */
export function parsePositiveDuration(text: string): Temporal.Duration | undefined {
  let duration: Temporal.Duration;
  try {
    duration = Temporal.Duration.from(text);
  } catch {
    return undefined;
  }
  return duration.sign > 0 ? duration : undefined;
}

/**
 * `fromMs + duration` in UTC calendar arithmetic, in epoch milliseconds.
 * Returns undefined when the result is out of range (e.g. P100000000Y).
 */
export function addDuration(fromMs: number, duration: Temporal.Duration): number | undefined {
  try {
    const result = Temporal.Instant.fromEpochMilliseconds(fromMs)
      .toZonedDateTimeISO('UTC')
      .add(duration).epochMilliseconds;
    return Number.isFinite(result) && Math.abs(result) <= 8.64e15 ? result : undefined;
  } catch {
    return undefined;
  }
}
