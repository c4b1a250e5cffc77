// Expiry you see coming, at no extra request: when a context gets an API key (context create/update --api-key,
// api-key rotate), its id, creation and expiry are kept in a private side file next to the contexts file
// (key-expiry.json, 0600, no secrets). Every command that resolves a context then reads it synchronously (one small
// file, no module loaded) and warns on stderr, at most once a day, when the key has less than a fifth of its lifetime
// or 7 days left, whichever is shorter. QLIK_NO_EXPIRY_WARNING=1 turns the warning off.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface KeyExpiryRecord {
  id: string;
  created: string;
  expiry: string;
  /** When the last warning was printed. */
  warned?: string;
}

type ExpiryFile = Record<string, KeyExpiryRecord>;

const DAY = 86_400_000;

export function keyExpiryPath(contextsPath: string): string {
  return join(dirname(contextsPath), 'key-expiry.json');
}

/** The side file, read synchronously; {} when missing or unreadable. */
function readKeyExpiry(contextsPath: string): ExpiryFile {
  try {
    const v = JSON.parse(readFileSync(keyExpiryPath(contextsPath), 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as ExpiryFile) : {};
  } catch {
    return {};
  }
}

async function writeExpiryFile(contextsPath: string, data: ExpiryFile): Promise<void> {
  const { writeFileAtomic, ensurePrivateDir } = await import('../fsutil/atomic.js');
  const path = keyExpiryPath(contextsPath);
  ensurePrivateDir(path);
  // Not fsynced: after a power loss the worst is a record that is gone, so one warning is not given.
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, durable: false });
}

/** Record (or, with `expiry` undefined, forget) the key a context holds. */
export async function recordKeyExpiry(
  contextsPath: string,
  context: string,
  id: string,
  expiry: string | undefined | null,
  created: string,
): Promise<void> {
  const data = Object.fromEntries(Object.entries(readKeyExpiry(contextsPath)).filter(([k]) => k !== context));
  if (expiry !== undefined && expiry !== null && expiry !== '') data[context] = { id, created, expiry };
  await writeExpiryFile(contextsPath, data);
}

/** The key id (`jti`) of an API key's token, a JWT; undefined when it is not one. No verification: a label only. */
export function keyIdOf(authorization: string | undefined): string | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const part = token?.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const jti = (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    return typeof jti === 'string' && jti !== '' ? jti : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded expiry of the key a context holds (undefined when none is recorded for that key). */
export function recordedExpiry(
  contextsPath: string,
  context: string,
  authorization: string | undefined,
): string | undefined {
  const r = readKeyExpiry(contextsPath)[context];
  const jti = keyIdOf(authorization);
  return r !== undefined && jti !== undefined && r.id === jti ? r.expiry : undefined;
}

/** Whether a key is close to its end: less than a fifth of its lifetime or 7 days left, whichever is shorter. */
export function expiresSoon(r: KeyExpiryRecord, now: number): boolean {
  const created = Date.parse(r.created);
  const expiry = Date.parse(r.expiry);
  if (Number.isNaN(expiry)) return false;
  const fifth = Number.isNaN(created) ? 7 * DAY : (expiry - created) / 5;
  return expiry - now < Math.min(fifth, 7 * DAY);
}

/**
 * The warning for the context's key, if it is due (and not printed in the last day); marks it printed. `jti` is the
 * id of the key the context holds now: a record of another key is stale and says nothing.
 */
export function expiryWarning(
  contextsPath: string,
  context: string,
  jti: string | undefined,
  env: Record<string, string | undefined>,
  now = Date.now(),
): string | undefined {
  if (env.QLIK_NO_EXPIRY_WARNING === '1') return undefined;
  const data = readKeyExpiry(contextsPath);
  const r = data[context];
  if (r === undefined || jti === undefined || r.id !== jti || !expiresSoon(r, now)) return undefined;
  if (r.warned !== undefined && now - Date.parse(r.warned) < DAY) return undefined;
  r.warned = new Date(now).toISOString();
  void writeExpiryFile(contextsPath, data).catch(() => undefined);
  const left = Date.parse(r.expiry) - now;
  const when =
    left <= 0
      ? `expired at ${r.expiry}`
      : `expires at ${r.expiry} (in ${left >= DAY ? `${Math.floor(left / DAY)} days` : `${Math.max(1, Math.floor(left / 3_600_000))} hours`})`;
  return `Warning: the API key of context '${context}' ${when}; rotate it with 'qlik api-key rotate --context ${context}' (QLIK_NO_EXPIRY_WARNING=1 silences this)`;
}
