// Sending a non-idempotent create (POST /api/v1/api-keys) without ever leaving a duplicate or an orphan, and without
// ever deleting anything this run did not make.
//
// A key's token is shown once, in the 201 response. When an attempt fails in a way that leaves its outcome unknown
// (5xx, a reset after sending, a timeout, an unreadable or token-less 2xx), blindly re-sending could make a second
// key, and the key the lost attempt made would linger with a token nobody has. So every attempt carries a tag that
// only this run knows (a random nonce appended to the description), and after an ambiguous failure the run lists
// the caller's keys and removes exactly those with one of its own tags — never a key another run received, whatever
// its description. Once an attempt's answer arrives, the tag is taken off again (a PATCH of the description), so the
// stored key ends up with exactly the user's description. That costs one write more per create; with
// QLIK_CREATE_TAG=0 a create costs one write, and after an ambiguous failure the run cannot tell its key from another
// run's: it deletes nothing, names the candidates and fails.
//
// Failures where nothing was sent (connection refused, DNS, a refused proxy tunnel) and 429s are retried directly.
import { CancelledError, CliError, HttpError, TransportError } from '../errors/errors.js';
import type { ApiRequest, ApiResponse, HttpClient, RetryPolicy } from '../http/client.js';
import { randomBytes } from '../fsutil/random.js';
import { retryWait } from '../http/retry.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { idOf, tryJsonBody } from './response.js';

export interface CreateAttribution {
  /** What is being created, for messages ("API key"). */
  noun: string;
  /** Whether a 2xx body is a complete answer (e.g. holds the token). */
  complete(body: unknown): boolean;
  /** The request body of one attempt, carrying `tag`. */
  tag(body: Record<string, unknown>, tag: string): Record<string, unknown>;
  /** Give the created resource the user's own values again (remove the tag). */
  untag(http: HttpClient, id: string, body: Record<string, unknown>, policy: RetryPolicy): Promise<void>;
  /** The caller's resources that carry one of `tags` (exact), created no earlier than `since` (ms), with their tag. */
  findTagged(
    http: HttpClient,
    body: Record<string, unknown>,
    tags: readonly string[],
    since: number,
    policy: RetryPolicy,
  ): Promise<{ id: string; tag: string }[]>;
  /** Untagged mode: the caller's resources that match `body` and were created since `since` (not exact). */
  findCandidates(http: HttpClient, body: Record<string, unknown>, since: number, policy: RetryPolicy): Promise<string[]>;
  remove(http: HttpClient, id: string, policy: RetryPolicy): Promise<void>;
  /** The answer's body text as the user should see it (the tag replaced by their own value). */
  present(text: string, body: Record<string, unknown>, tagged: Record<string, unknown>): string;
}

/** What a create run made and has not delivered yet: removed on failure, on an interrupt, or when stdout is gone. */
export class CreateSession {
  readonly r: CreateAttribution;
  readonly body: Record<string, unknown>;
  /** Tags of attempts that may have created something (their answer was lost or is still awaited). */
  pendingTags: string[] = [];
  /** Created and not yet delivered. */
  readonly undelivered = new Set<string>();
  readonly started = Date.now();
  readonly tagging: boolean;
  private readonly nonce: string;
  private attempts = 0;

  private constructor(r: CreateAttribution, body: Record<string, unknown>, nonce: string | undefined) {
    this.r = r;
    this.body = body;
    this.tagging = nonce !== undefined;
    this.nonce = nonce ?? '';
  }

  /** A session; with tagging, its attempts carry a fresh random nonce (72 bits from the system's CSPRNG). */
  static async start(r: CreateAttribution, body: Record<string, unknown>, tagging: boolean): Promise<CreateSession> {
    const nonce = tagging ? (await randomBytes(9)).toString('base64url') : undefined;
    return new CreateSession(r, body, nonce);
  }

  nextTag(): string {
    this.attempts += 1;
    return `${this.nonce}.${this.attempts}`;
  }

  /** Remove everything this run made and did not deliver; returns a line that says what happened. */
  async cleanup(http: HttpClient, policy: RetryPolicy): Promise<string | undefined> {
    const removed: string[] = [];
    const failed: string[] = [];
    if (this.tagging && this.pendingTags.length > 0) {
      try {
        for (const { id } of await this.r.findTagged(http, this.body, this.pendingTags, this.started, policy)) this.undelivered.add(id);
      } catch {
        return `could not check whether an ${this.r.noun} was created; list your keys with 'qlik api-key ls' and look for a description ending in "${tagSuffix(this.nonce)}"`;
      }
    }
    for (const id of this.undelivered) {
      try {
        await this.r.remove(http, id, policy);
        removed.push(id);
      } catch {
        failed.push(id);
      }
    }
    this.undelivered.clear();
    const parts: string[] = [];
    if (removed.length > 0) parts.push(`removed ${this.r.noun} ${removed.join(', ')} (created by this run, not delivered)`);
    if (failed.length > 0) parts.push(`could not remove ${this.r.noun} ${failed.join(', ')}; remove with 'qlik api-key rm ${failed.join(' ')}'`);
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

/** How a tag appears at the end of a description. */
export function tagSuffix(tag: string): string {
  return ` [qlik-cli:${tag}]`;
}

function isAbort(e: unknown, http: HttpClient): boolean {
  return e instanceof CancelledError || (http.signal?.aborted === true && e === http.signal.reason);
}

/**
 * Create, reconciling after ambiguous failures. Returns the response (with the body as the user should see it), and
 * leaves the created id in `session.undelivered` until the caller has delivered it.
 */
export async function createSafely(http: HttpClient, req: ApiRequest, policy: RetryPolicy, session: CreateSession, io: IOStreams): Promise<ApiResponse> {
  const r = session.r;
  const body = session.body;
  let ambiguousSeen = false;

  /**
   * After an ambiguous failure: remove exactly what this run's attempts made (except `keep`). An attempt whose key was
   * found is settled (it made at most one); the others stay pending, in case their create commits late.
   */
  const sweep = async (keep?: string): Promise<number> => {
    let found: { id: string; tag: string }[];
    try {
      found = await r.findTagged(http, body, session.pendingTags, session.started, policy);
    } catch (e) {
      if (isAbort(e, http)) throw e;
      throw new CliError(
        `could not check whether the ${r.noun} was created (${(e as Error).message}); list your keys with 'qlik api-key ls' and remove any whose description ends in "${tagSuffix(session.pendingTags[0] ?? '').trim()}"`,
      );
    }
    const settled = new Set(found.map((x) => x.tag));
    session.pendingTags = session.pendingTags.filter((t) => !settled.has(t));
    const ids = found.map((x) => x.id).filter((id) => id !== keep);
    for (const id of ids) {
      try {
        await r.remove(http, id, policy);
      } catch (e) {
        if (isAbort(e, http)) throw e;
        throw new CliError(`${r.noun} ${id} was created by this run but its answer was lost, and removing it failed (${(e as Error).message}); remove it with 'qlik api-key rm ${id}'`);
      }
      io.warn(`Removed ${r.noun} ${id}: this run created it, but the answer was lost`);
    }
    return ids.length;
  };

  /** Untagged: never delete; name what might be ours and stop. */
  const candidates = async (failure: string): Promise<void> => {
    let ids: string[];
    try {
      ids = await r.findCandidates(http, body, session.started, policy);
    } catch (e) {
      if (isAbort(e, http)) throw e;
      throw new CliError(`${failure}; could not check whether the ${r.noun} was created (${(e as Error).message}); list your keys with 'qlik api-key ls'`);
    }
    if (ids.length === 0) return;
    throw new CliError(
      `${failure}; the ${r.noun} may have been created, but without tags (QLIK_CREATE_TAG=0) it cannot be told apart from another run's: nothing was deleted. Candidates: ${ids.join(' ')}`,
    );
  };

  let removed = 0;
  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt <= policy.retry;
    const tag = session.tagging ? session.nextTag() : undefined;
    const sent = tag === undefined ? body : r.tag(body, tag);
    let failure: string;
    let lastResponse: ApiResponse | undefined;
    try {
      if (tag !== undefined) session.pendingTags.push(tag);
      const res = await http.attempt({ ...req, body: sent });
      if (res.status === 429) {
        if (tag !== undefined) session.pendingTags.pop(); // a 429 was not executed
        if (!canRetry) return res;
        await http.pause(retryWait(res.headers['retry-after'], policy), 'Rate limited (429)', attempt, policy.retry);
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        const parsed = tryJsonBody(res.text);
        const id = idOf(parsed);
        if (id !== undefined) session.undelivered.add(id);
        if (r.complete(parsed) && id !== undefined) {
          if (tag !== undefined) session.pendingTags.pop();
          if (ambiguousSeen && session.tagging && session.pendingTags.length > 0) removed += await sweep(id);
          session.pendingTags = [];
          if (tag !== undefined) {
            try {
              await r.untag(http, id, body, policy);
            } catch (e) {
              if (isAbort(e, http)) throw e;
              const note = await session.cleanup(http, policy);
              throw new CliError(`the ${r.noun} was created, but its description could not be set (${(e as Error).message})${note ? `; ${note}` : ''}`);
            }
          }
          return { ...res, text: tag === undefined ? res.text : r.present(res.text, body, sent) };
        }
        if (id !== undefined) {
          // It exists and is ours (its id came with our request), but the answer is incomplete: its token is lost.
          await r.remove(http, id, policy);
          session.undelivered.delete(id);
          if (tag !== undefined) session.pendingTags.pop();
          io.warn(`Removed ${r.noun} ${id}: the server's answer did not include its token`);
        }
        failure = `the server answered ${res.status} ${res.statusText} but the ${r.noun} could not be read from it`;
      } else if (res.status >= 500) {
        failure = `${res.status} ${res.statusText}`;
        lastResponse = res;
      } else {
        if (tag !== undefined) session.pendingTags.pop(); // 4xx: a definite answer, nothing was created
        return res;
      }
    } catch (e) {
      if (isAbort(e, http)) throw e;
      if (!(e instanceof TransportError) || e.kind === 'tls') {
        if (tag !== undefined) session.pendingTags.pop();
        throw e;
      }
      if (e.kind === 'not-sent') {
        if (tag !== undefined) session.pendingTags.pop();
        if (!canRetry) throw e;
        await http.pause(policy.intervalSeconds, `Request failed (${e.message})`, attempt, policy.retry);
        continue;
      }
      failure = e.message;
    }
    // The outcome is unknown: wait (a slow server may still commit), then find what this run created.
    ambiguousSeen = true;
    if (canRetry) {
      await http.pause(policy.intervalSeconds, `No usable answer (${failure}); checking whether the ${r.noun} was created`, attempt, policy.retry);
    } else {
      await http.wait(policy.intervalSeconds, `No usable answer (${failure}); checking in ${Math.round(policy.intervalSeconds)} s whether the ${r.noun} was created`);
    }
    if (session.tagging) {
      removed += await sweep();
    } else {
      await candidates(failure);
    }
    if (canRetry) continue;
    const note = removed > 0 ? ` (${removed} ${r.noun}${removed > 1 ? 's' : ''} this run created without a usable answer ${removed > 1 ? 'were' : 'was'} removed)` : '';
    if (lastResponse) {
      io.warn(`No ${r.noun} was created${note}`);
      throw HttpError.fromResponse(lastResponse);
    }
    throw new CliError(`${failure}; no ${r.noun} was created${note}`);
  }
}
