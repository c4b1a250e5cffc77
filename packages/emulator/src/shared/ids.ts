// Identifier formats that mimic Qlik Cloud's: UUID v4 key ids, 24-hex ObjectId-like user ids,
// 32-character alphanumeric tenant ids and 32-hex trace ids.
import { randomBytes, randomInt, randomUUID, createHash } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OBJECT_ID_RE = /^[0-9a-f]{24}$/;

let objectIdCounter = randomInt(0x1000000);

/** A lowercase UUID v4, used as API-key id (= token jti = token kid). */
export function newKeyId(): string {
  return randomUUID();
}

export function isKeyId(value: string): boolean {
  return UUID_RE.test(value);
}

/** A MongoDB-ObjectId-like id: 4 bytes of seconds, 5 random bytes, a 3-byte counter, as 24 hex chars. */
export function newObjectId(nowMs: number): string {
  objectIdCounter = (objectIdCounter + 1) % 0x1000000;
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return seconds + randomBytes(5).toString('hex') + objectIdCounter.toString(16).padStart(6, '0');
}

export function isObjectId(value: string): boolean {
  return OBJECT_ID_RE.test(value);
}

/** A stable ObjectId-like id derived from a name (used for role ids, so they never change). */
export function stableObjectId(name: string): string {
  return createHash('sha256').update(`role:${name}`).digest('hex').slice(0, 24);
}

/** A 32-character alphanumeric tenant id like `TiQ8GPVr8qI714Lp5ChAAFFaU24MJy69`. */
export function newTenantId(): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return id;
}

/** A 32-hex trace id for error bodies. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}
