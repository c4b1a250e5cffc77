// Qlik's per-user, per-tenant, per-tier rate limits. Tier 1 (GET) allows 1000 calls a minute,
// tier 2 (POST/PATCH/DELETE) 100; both are evaluated over a sliding window (5 minutes by default),
// so the budget is `perMinute × windowSeconds / 60` calls in any window. Once a caller exceeds it,
// every call in that tier is refused until the oldest counted call leaves the window; calls in the
// other tier are not affected. Refused calls are not counted. Time is the emulator clock, so
// POST /__emulator/time can lift a limit without waiting.

export type Tier = 1 | 2;

interface RateLimitSettings {
  enabled: boolean;
  tier1PerMinute: number;
  tier2PerMinute: number;
  windowSeconds: number;
}

interface Bucket {
  hits: number[];
  blockedUntil: number;
}

export const QLIK_RATE_LIMITS: Omit<RateLimitSettings, 'enabled'> = {
  tier1PerMinute: 1000,
  tier2PerMinute: 100,
  windowSeconds: 300,
};

export class RateLimiter {
  private current: RateLimitSettings;
  private readonly defaults: RateLimitSettings;
  private readonly buckets = new Map<string, Bucket>();

  constructor(defaults: RateLimitSettings) {
    this.defaults = { ...defaults };
    this.current = { ...defaults };
  }

  get settings(): RateLimitSettings {
    return { ...this.current };
  }

  configure(patch: Partial<RateLimitSettings>): RateLimitSettings {
    this.current = { ...this.current, ...patch };
    this.buckets.clear();
    return this.settings;
  }

  reset(): void {
    this.current = { ...this.defaults };
    this.buckets.clear();
  }

  /** Counts a call. Returns the seconds to wait when the call is refused, undefined when allowed. */
  hit(identity: string, tier: Tier, now: number): number | undefined {
    return this.count(identity, tier, now, true);
  }

  /** Whether a call would be refused (the seconds to wait), without counting it. */
  check(identity: string, tier: Tier, now: number): number | undefined {
    return this.count(identity, tier, now, false);
  }

  private count(identity: string, tier: Tier, now: number, record: boolean): number | undefined {
    if (!this.current.enabled) return undefined;
    const key = `${identity}\u0000${tier}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { hits: [], blockedUntil: 0 };
      this.buckets.set(key, bucket);
    }
    if (bucket.blockedUntil > now) return secondsUntil(bucket.blockedUntil, now);
    const windowMs = this.current.windowSeconds * 1000;
    while (bucket.hits.length > 0 && (bucket.hits[0] ?? 0) <= now - windowMs) bucket.hits.shift();
    const perMinute = tier === 1 ? this.current.tier1PerMinute : this.current.tier2PerMinute;
    const budget = Math.max(1, Math.floor((perMinute * this.current.windowSeconds) / 60));
    if (bucket.hits.length >= budget) {
      // A slot frees when the call `budget` places from the end leaves the window.
      bucket.blockedUntil = (bucket.hits[bucket.hits.length - budget] ?? now) + windowMs;
      return secondsUntil(bucket.blockedUntil, now);
    }
    if (record) bucket.hits.push(now);
    return undefined;
  }
}

function secondsUntil(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}
