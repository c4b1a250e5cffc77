// API-key domain helpers shared by the public routes, the control API and seeding:
// building and signing a key, the expiry rules, and the JSON shape of a key.
import type { App } from '../../http/context.js';
import { addDuration, isoMs, parsePositiveDuration } from '../../shared/clock.js';
import { errors } from './errors.js';
import { newKeyId } from '../../shared/ids.js';
import type { ApiKeysConfig, KeyRecord, SubType } from '../../store/store.js';
import { keyStatus } from './store.js';

interface ApiKeyJson {
  id: string;
  tenantId: string;
  description: string;
  sub: string;
  subType: SubType;
  status: string;
  createdByUser: string;
  expiry: string;
  created: string;
  lastUpdated: string;
}

export function presentKey(key: KeyRecord, now: number): ApiKeyJson {
  return {
    id: key.id,
    tenantId: key.tenantId,
    description: key.description,
    sub: key.sub,
    subType: key.subType,
    status: keyStatus(key, now),
    createdByUser: key.createdByUser,
    expiry: isoMs(key.expiry),
    created: isoMs(key.created),
    lastUpdated: isoMs(key.lastUpdated),
  };
}

/** `now + duration`; the duration has already been validated. */
export function expiryAfter(now: number, duration: string): number {
  const parsed = parsePositiveDuration(duration);
  const at = parsed && addDuration(now, parsed);
  if (at === undefined) throw errors.invalidBody('"expiry" is not a valid duration', '/expiry');
  return at;
}

/** The tenant maximum that applies to a key of this type. */
export function maxExpiryFor(config: ApiKeysConfig, subType: SubType): string {
  return subType === 'externalClient' ? config.scim_externalClient_expiry : config.max_api_key_expiry;
}

/**
 * The absolute expiry for a new key: the requested duration, or the tenant maximum when none is
 * given. A request over the maximum is refused (400 /expiry), or clamped when `clamp` is set.
 */
export function resolveExpiry(
  now: number,
  config: ApiKeysConfig,
  subType: SubType,
  requested: string | undefined,
  clamp: boolean,
): number {
  const max = maxExpiryFor(config, subType);
  const maxAt = expiryAfter(now, max);
  if (requested === undefined) return maxAt;
  const at = expiryAfter(now, requested);
  if (at <= maxAt) return at;
  if (clamp) return maxAt;
  throw errors.expiryTooLong(max);
}

interface NewKey {
  description: string;
  sub: string;
  subType: SubType;
  createdByUser: string;
  expiry: number;
  now: number;
  bootstrap?: boolean;
}

/** A new key record and its signed token. Nothing is stored. */
export async function buildKey(
  app: Pick<App, 'tokens' | 'tenantId'>,
  k: NewKey,
): Promise<{ record: KeyRecord; token: string }> {
  const id = newKeyId();
  const token = await app.tokens.sign({ subType: k.subType, tenantId: app.tenantId, jti: id, sub: k.sub });
  const record: KeyRecord = {
    id,
    tenantId: app.tenantId,
    description: k.description,
    sub: k.sub,
    subType: k.subType,
    createdByUser: k.createdByUser,
    expiry: k.expiry,
    created: k.now,
    lastUpdated: k.now,
    revoked: false,
    deletedAt: null,
    bootstrap: k.bootstrap === true,
    token: k.bootstrap === true ? token : null,
  };
  return { record, token };
}
