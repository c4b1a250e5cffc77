// The expiry check: plain durations are accepted without Temporal, and only ever those Temporal accepts as positive;
// everything else is Temporal's decision.
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { checkDuration, plainPositiveDuration } from './input.js';

/** Temporal's verdict: a positive duration or not. */
function temporalPositive(s: string): boolean {
  try {
    return Temporal.Duration.from(s).sign > 0;
  } catch {
    return false;
  }
}

describe('plainPositiveDuration', () => {
  it('accepts only strings Temporal reads as positive durations (every combination of units, 0 to 7 digits)', () => {
    const numbers = ['0', '1', '07', '30', '999999', '1000000'];
    /** Every way to give each of `units` a number or leave it out. */
    const parts = (units: string[]): string[] =>
      units.reduce<string[]>((acc, u) => acc.flatMap((a) => [a, ...numbers.map((n) => `${a}${n}${u}`)]), ['']);
    let accepted = 0;
    let checked = 0;
    for (const date of parts(['Y', 'M', 'W', 'D']))
      for (const time of [
        '',
        'T',
        ...parts(['H', 'M', 'S'])
          .filter((t) => t !== '')
          .map((t) => `T${t}`),
      ]) {
        if (checked++ % 7 !== 0 && date.length > 6) continue; // a thinned-out sample of the long ones
        const s = `P${date}${time}`;
        if (plainPositiveDuration(s)) {
          accepted += 1;
          expect(temporalPositive(s), s).toBe(true);
        }
      }
    expect(accepted).toBeGreaterThan(1000);
  });

  it.each(['P30D', 'PT12H', 'P1Y2M', 'P1DT12H', 'P2W', 'PT1H30M15S', 'P999999Y'])('%s is plain and positive', (s) => {
    expect(plainPositiveDuration(s)).toBe(true);
    expect(temporalPositive(s)).toBe(true);
  });

  it.each(['P0D', 'PT0S', 'P', 'PT', 'P1DT', 'P1M1Y', 'p1d', 'P1.5D', 'PT0.5S', '-P1D', 'P1000000Y', ' P1D'])(
    '%s is left to Temporal',
    (s) => {
      expect(plainPositiveDuration(s)).toBe(false);
    },
  );
});

describe('checkDuration', () => {
  it.each([
    ['P30D', undefined],
    ['PT0.5S', undefined],
    ['p1d', undefined],
    ['P0D', 'Error: invalid argument "P0D" for "--expiry" flag: the duration must be positive'],
    ['-P1D', 'Error: invalid argument "-P1D" for "--expiry" flag: the duration must be positive'],
    [
      'P1DT',
      'Error: invalid argument "P1DT" for "--expiry" flag: not an ISO 8601 duration (examples: P7D, PT12H, P1Y2M, P1DT12H)',
    ],
    [
      '30 days',
      'Error: invalid argument "30 days" for "--expiry" flag: not an ISO 8601 duration (examples: P7D, PT12H, P1Y2M, P1DT12H)',
    ],
  ])('%s → %s', async (value, error) => {
    const r = await checkDuration(value, '--expiry').then(
      () => undefined,
      (e: unknown) => `Error: ${(e as Error).message}`,
    );
    expect(r).toBe(error);
  });
});
