// What rotate, exec and audit share (loaded only when one of them runs): the one call into the safe create, the
// caller's keys, run tags, and the private files next to the contexts file (rotation journals, exec records). None of
// these files ever holds a secret. What rotate alone needs is in rotate/keys.ts.
// (Synchronous file calls, as in fsutil/atomic.ts: small local files, and no trip through libuv's thread pool.)
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { createSafely, CreateSession } from '../../../api/create-safely.js';
import { CliError, errorCode, HttpError } from '../../../errors/errors.js';
import { pidAlive, writeFileAtomic } from '../../../fsutil/atomic.js';
import { randomBytes } from '../../../fsutil/random.js';
import type { HttpClient, RetryPolicy } from '../../../http/client.js';
import type { IOStreams } from '../../../iostreams/iostreams.js';
import { apiKeyAttribution } from './attribution.js';

/** An API key as the API describes it. */
export interface ApiKey {
  id: string;
  description?: string;
  sub?: string;
  subType?: string;
  status?: string;
  createdByUser?: string;
  expiry?: string | null;
  created?: string;
}

/** A run tag as it ends a description: ` [qlik-cli:<kind>.<nonce>]`. */
export function runTag(kind: 'rot' | 'exec', nonce: string): string {
  return ` [qlik-cli:${kind}.${nonce}]`;
}

export const TAG_MARK = '[qlik-cli:';

/** The run tag a description carries (kind and nonce), if any. */
export function parseRunTag(description: string | undefined): { kind: string; nonce: string } | undefined {
  const m = / \[qlik-cli:(rot|exec)\.([A-Za-z0-9_-]+)\]/.exec(description ?? '');
  return m ? { kind: m[1] ?? '', nonce: m[2] ?? '' } : undefined;
}

/** A description without this CLI's tags. */
export function untagged(description: string): string {
  return description.replace(/ \[qlik-cli:[^\]]*\]/g, '');
}

export async function newNonce(): Promise<string> {
  return (await randomBytes(9)).toString('base64url');
}

/** Reads are idempotent and decide what happens next: they retry transient failures (3 times at least), whatever --retry says. */
export function readPolicy(policy: RetryPolicy): RetryPolicy {
  return { retry: Math.max(policy.retry, 3), intervalSeconds: policy.intervalSeconds };
}

/** A GET whose JSON answer is required; anything else is an HttpError (or a CliError for a body that is not JSON). */
export async function getJson<T>(http: HttpClient, path: string, policy: RetryPolicy): Promise<T> {
  const res = await http.send({ method: 'GET', path }, readPolicy(policy));
  if (res.status !== 200) throw HttpError.fromResponse(res);
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new CliError(`GET ${path} answered with a body that is not JSON`);
  }
}

export async function me(
  http: HttpClient,
  policy: RetryPolicy,
): Promise<{ id: string; name?: string; email?: string }> {
  const u = await getJson<{ id?: unknown; name?: string; email?: string }>(http, '/api/v1/users/me', policy);
  if (typeof u.id !== 'string') throw new CliError('GET /api/v1/users/me answered without an id');
  return u as { id: string };
}

/** Every page of a list endpoint. */
export async function listAllPages<T>(http: HttpClient, path: string, policy: RetryPolicy): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  for (let pages = 0; next !== undefined && pages < 1000; pages++) {
    const page: { data?: T[]; links?: { next?: { href?: string } } } = await getJson(http, next, policy);
    out.push(...(Array.isArray(page.data) ? page.data : []));
    next = page.links?.next?.href;
  }
  return out;
}

/** The keys the caller created, active ones. */
export function keysCreatedBy(http: HttpClient, user: string, policy: RetryPolicy): Promise<ApiKey[]> {
  return listAllPages<ApiKey>(
    http,
    `/api/v1/api-keys?createdByUser=${encodeURIComponent(user)}&status=active&limit=100`,
    policy,
  );
}

/**
 * Create a key through the safe create (tagged attempts, reconciliation, cleanup): the one place these commands call
 * it. Returns the id and the token; the key is the caller's to deliver. `onAnswer` gets each complete answer (id and
 * token) as soon as it arrives, while the create still reads it back and untags it; only the returned id is this run's.
 */
export async function createKey(
  http: HttpClient,
  body: Record<string, unknown>,
  policy: RetryPolicy,
  io: IOStreams,
  onAnswer?: (answer: { id: string; token: string }) => void,
): Promise<{ id: string; token: string; expiry: string | undefined }> {
  const session = await CreateSession.start(apiKeyAttribution, body, true);
  if (onAnswer !== undefined) {
    session.onAnswer = (parsed) => {
      const a = parsed as { id?: unknown; token?: unknown };
      if (typeof a.id === 'string' && typeof a.token === 'string') onAnswer({ id: a.id, token: a.token });
    };
  }
  let res;
  try {
    res = await createSafely(http, { method: 'POST', path: '/api/v1/api-keys', body }, policy, session, io);
  } catch (e) {
    const note = await session.cleanup(http, policy).catch(() => undefined);
    if (note) io.warn(note);
    throw e;
  }
  if (res.status !== 201 && res.status !== 200) throw HttpError.fromResponse(res);
  const parsed = JSON.parse(res.text) as { id: string; token: string; expiry?: string };
  session.delivered(parsed.id);
  return { id: parsed.id, token: parsed.token, expiry: parsed.expiry };
}

/** Delete a key; 404 counts as done. */
export async function deleteKey(http: HttpClient, id: string, policy: RetryPolicy): Promise<void> {
  // A DELETE is idempotent too (a 404 after a lost answer counts as done).
  const res = await http.send(
    { method: 'DELETE', path: `/api/v1/api-keys/${encodeURIComponent(id)}` },
    readPolicy(policy),
  );
  if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw HttpError.fromResponse(res);
}

// ---- private files next to the contexts file ----

export function lifecycleDir(contextsPath: string, what: 'rotations' | 'exec'): string {
  return join(dirname(contextsPath), what);
}

export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function writePrivateJson(path: string, value: unknown): Promise<void> {
  // (writeFileAtomic makes the directory, 0700, when it is missing.)
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** Remove a file; one that is already gone counts as removed. (unlink, not rmSync: rmSync loads Node's rimraf, a
 * millisecond of every rotate.) */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
  }
}

/** Whether a process recorded as `{pid, host}` still runs (another host: assumed so). */
export function ownerAlive(o: { pid?: number; host?: string }): boolean {
  if (typeof o.pid !== 'number') return false;
  if (o.host !== hostname()) return true;
  return pidAlive(o.pid);
}

export const HOST = hostname;

// ---- exec records: which exec runs of this machine are (or were) running ----

export interface ExecRecord {
  nonce: string;
  pid: number;
  host: string;
  server: string;
  keyId?: string;
  started: string;
}

export function execRecords(contextsPath: string): { path: string; record: ExecRecord }[] {
  const dir = lifecycleDir(contextsPath, 'exec');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { path: string; record: ExecRecord }[] = [];
  for (const n of names.filter((x) => x.endsWith('.json'))) {
    const record = readJsonFile(join(dir, n)) as ExecRecord | undefined;
    if (record && typeof record.nonce === 'string') out.push({ path: join(dir, n), record });
  }
  return out;
}

/**
 * Remove what earlier exec runs of this machine left behind on this server: keys carrying the tag of a run whose
 * process is gone (the tag, checked on the server, proves the run made it). Returns the ids removed.
 */
export async function sweepExecLeftovers(
  http: HttpClient,
  contextsPath: string,
  server: string,
  keys: readonly ApiKey[],
  policy: RetryPolicy,
): Promise<string[]> {
  const dead = execRecords(contextsPath).filter((r) => r.record.server === server && !ownerAlive(r.record));
  if (dead.length === 0) return [];
  const removed: string[] = [];
  for (const { path, record } of dead) {
    for (const k of keys) {
      const tag = parseRunTag(k.description);
      if (tag?.kind === 'exec' && tag.nonce === record.nonce && k.status === 'active') {
        await deleteKey(http, k.id, policy);
        removed.push(k.id);
      }
    }
    removeFile(path);
  }
  return removed;
}
