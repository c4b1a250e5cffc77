// Sending a non-idempotent create (POST /api/v1/api-keys) without ever leaving a duplicate or an orphan, and without
// ever touching anything this run did not make.
//
// A key's token is shown once, in the 201 response. When an attempt fails in a way that leaves its outcome unknown
// (5xx, a reset after sending, a timeout, an unreadable or token-less 2xx), blindly re-sending could make a second
// key, and the key the lost attempt made would linger with a token nobody has. So every attempt carries a tag that
// only this run knows (a random 72-bit nonce and the attempt number appended to the description), and after an
// ambiguous failure the run lists the caller's keys and removes exactly those with one of its own tags — never a key
// another run received, whatever its description. Once an attempt's answer arrives, the tag is taken off again (a
// PATCH of the description), so the stored key ends up with exactly the user's description.
//
// An id in an answer is a claim, not a proof (a buggy gateway, a caching proxy or a hostile server may name another
// key): before the run removes or changes a key whose id came from an answer, it reads that key and checks that it
// carries this attempt's tag. A key without this run's tag is never touched, whatever the server said.
//
// With QLIK_CREATE_TAG=0 a create costs one write, and after an ambiguous failure the run cannot tell its key from
// another run's: it touches nothing, names the candidates and fails.
//
// Failures where nothing was sent (connection refused, DNS, a refused proxy tunnel) and 429s are retried directly.
// Every other non-2xx answer to a tagged POST is followed by one check (a response-inspecting proxy may answer 4xx
// for a create that committed).
import { CancelledError, CliError, HttpError, TransportError } from '../errors/errors.js';
import type { ApiRequest, ApiResponse, HttpClient, RetryPolicy } from '../http/client.js';
import { randomBytes } from '../fsutil/random.js';
import { retryWait } from '../http/retry.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { idOf, tryJsonBody } from './response.js';

/** What the sweep searches: keys created since this many ms before the run started (a tag is unique; minutes cost nothing). */
export const SWEEP_WINDOW_MS = 10 * 60_000;

/** A created resource as the server shows it now. */
export interface Inspected {
  description: string | undefined;
  active: boolean;
}

export interface CreateAttribution {
  /** What is being created, for messages ("API key"). */
  noun: string;
  /** The commands a user types to list and to remove these resources (`qlik api-key ls`, `qlik api-key rm`). */
  listCommand: string;
  removeCommand: string;
  /** Whether a 2xx body is a complete answer (e.g. holds the token). */
  complete(body: unknown): boolean;
  /** The request body of one attempt, carrying `tag`. */
  tag(body: Record<string, unknown>, tag: string): Record<string, unknown>;
  /** The description the request body of an attempt with `tag` stores. */
  taggedDescription(body: Record<string, unknown>, tag: string): string;
  /** The resource `id` as the server shows it now; undefined when it does not exist. */
  inspect(http: HttpClient, id: string, policy: RetryPolicy): Promise<Inspected | undefined>;
  /** Give the created resource the user's own values again (remove the tag). */
  untag(http: HttpClient, id: string, body: Record<string, unknown>, policy: RetryPolicy): Promise<void>;
  /**
   * The caller's active resources that carry one of `tags` (exact), with their tag. `since` is the run's start (client
   * clock): the search starts SWEEP_WINDOW_MS before the earlier of it and its server-clock equivalent.
   */
  findTagged(
    http: HttpClient,
    body: Record<string, unknown>,
    tags: readonly string[],
    since: number,
    policy: RetryPolicy,
  ): Promise<{ id: string; tag: string }[]>;
  /** Untagged mode: the caller's resources that match `body` and were created since `since` (not exact). */
  findCandidates(
    http: HttpClient,
    body: Record<string, unknown>,
    since: number,
    policy: RetryPolicy,
  ): Promise<string[]>;
  remove(http: HttpClient, id: string, policy: RetryPolicy): Promise<void>;
  /** The answer's body text as the user should see it (the tag replaced by their own value). */
  present(text: string, body: Record<string, unknown>, tagged: Record<string, unknown>): string;
}

/**
 * What one attempt came to. `created`: a complete answer for a resource proven to be this attempt's (or, untagged,
 * accepted as it is); `not-executed`: a 429 or a failure before anything was sent; `rejected`: a definite non-2xx
 * answer (3xx, 4xx other than 429); `lost`: the outcome is unknown (5xx, a failure after sending, an unusable 2xx, an
 * answer naming a resource that does not carry this attempt's tag).
 */
export type AttemptOutcome =
  | { kind: 'created'; res: ApiResponse; id: string; sent: Record<string, unknown> }
  | { kind: 'not-executed'; res: ApiResponse; wait: number; why: string }
  | { kind: 'not-executed'; error: TransportError; wait: number; why: string }
  | { kind: 'rejected'; res: ApiResponse }
  | { kind: 'lost'; failure: string; res?: ApiResponse };

/** How a tag appears at the end of a description. */
export function tagSuffix(tag: string): string {
  return ` [qlik-cli:${tag}]`;
}

/** `"[qlik-cli:x.1]" or "[qlik-cli:x.2]"`: the description endings a user should look for. */
export function tagEndings(tags: readonly string[]): string {
  return tags.map((t) => `"${tagSuffix(t).trim()}"`).join(' or ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A create run's attempts and what they made: it alone hands out tags, settles them, and removes what the run made
 * and did not deliver (on a failure, an interrupt, or when stdout is gone).
 */
export class CreateSession {
  readonly r: CreateAttribution;
  readonly body: Record<string, unknown>;
  readonly started = Date.now();
  readonly tagging: boolean;
  /** Proven to be this run's, not delivered yet. */
  readonly undelivered = new Set<string>();
  /** The id of the resource a `created` outcome returned (printed by the caller, then `delivered`). */
  createdId: string | undefined;
  /**
   * Called with a complete answer (the parsed body) before it is read back: the caller may start reading with what
   * the answer holds, and must rely on it only if the create returns that id.
   */
  onAnswer: ((parsed: unknown) => void) | undefined;
  /** Tags of attempts that may have created something (their answer was lost or is still awaited). */
  private readonly pending = new Set<string>();
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

  get pendingTags(): readonly string[] {
    return [...this.pending];
  }

  /** A new attempt: its tag (undefined untagged), pending until the attempt is settled. */
  begin(): string | undefined {
    if (!this.tagging) return undefined;
    this.attempts += 1;
    const tag = `${this.nonce}.${this.attempts}`;
    this.pending.add(tag);
    return tag;
  }

  /** The attempt with `tag` made nothing (a 429, nothing sent, or its resource was found). */
  settle(tag: string | undefined): void {
    if (tag !== undefined) this.pending.delete(tag);
  }

  /** `id` is proven to be what the attempt with `tag` made: it is this run's to deliver or remove. */
  adopt(id: string, tag: string | undefined): void {
    this.undelivered.add(id);
    this.settle(tag);
  }

  delivered(id: string): void {
    this.undelivered.delete(id);
  }

  /** Whether the resource `id` carries exactly the attempt's tag (read from the server) and is active. */
  async carries(http: HttpClient, id: string, tag: string, policy: RetryPolicy): Promise<boolean> {
    const now = await this.r.inspect(http, id, policy);
    return now !== undefined && now.active && now.description === this.r.taggedDescription(this.body, tag);
  }

  /**
   * Find what the pending attempts made, adopt it, and remove it (saying so with `why`). Returns how many were
   * removed; throws one line naming what could not be checked or removed (the tags, the ids, the command).
   */
  async sweep(http: HttpClient, policy: RetryPolicy, io: IOStreams, why: string): Promise<number> {
    if (this.pending.size === 0) return 0;
    let found: { id: string; tag: string }[];
    try {
      found = await this.r.findTagged(http, this.body, this.pendingTags, this.started, policy);
    } catch (e) {
      if (isAbort(e, http)) throw e;
      throw new CliError(`could not check whether the ${this.r.noun} was created (${reason(e)}); ${this.checkHint()}`);
    }
    // Adopted before anything is removed: an interrupt from here on still knows these ids.
    for (const { id, tag } of found) this.adopt(id, tag);
    let removed = 0;
    const failed: string[] = [];
    for (const { id } of found) {
      try {
        await this.r.remove(http, id, policy);
      } catch (e) {
        if (isAbort(e, http)) throw e;
        failed.push(`${id} (${reason(e)})`);
        continue;
      }
      this.delivered(id);
      removed += 1;
      io.warn(`Removed ${this.r.noun} ${id}: this run created it, but ${why}`);
    }
    if (failed.length > 0) {
      const ids = [...this.undelivered];
      throw new CliError(
        `${this.r.noun} ${failed.join(', ')} ${failed.length === 1 ? 'was' : 'were'} created by this run but ${why}, and could not be removed; remove with '${this.r.removeCommand} ${ids.join(' ')}'`,
      );
    }
    return removed;
  }

  /** What a user does when a check failed: the exact description endings of this run's pending tags. */
  checkHint(tags: readonly string[] = this.pendingTags): string {
    return `list your keys with '${this.r.listCommand}' and remove any whose description ends in ${tagEndings(tags)}`;
  }

  /**
   * Remove everything this run made and did not deliver, including what pending attempts made; never throws. Returns
   * one line that says what happened: what was removed, and every id and tag left behind with the commands to deal with it.
   */
  async cleanup(http: HttpClient, policy: RetryPolicy): Promise<string | undefined> {
    const parts: string[] = [];
    if (this.tagging && this.pending.size > 0) {
      const tags = this.pendingTags;
      try {
        for (const { id, tag } of await this.r.findTagged(http, this.body, tags, this.started, policy))
          this.adopt(id, tag);
      } catch (e) {
        parts.push(`could not check whether an ${this.r.noun} was created (${reason(e)}); ${this.checkHint(tags)}`);
      }
    }
    const removed: string[] = [];
    const failed: string[] = [];
    for (const id of this.undelivered) {
      try {
        await this.r.remove(http, id, policy);
        removed.push(id);
      } catch {
        failed.push(id);
      }
    }
    for (const id of removed) this.delivered(id);
    if (removed.length > 0)
      parts.unshift(`removed ${this.r.noun} ${removed.join(', ')} (created by this run, not delivered)`);
    if (failed.length > 0)
      parts.push(
        `could not remove ${this.r.noun} ${failed.join(', ')} (created by this run, not delivered); remove with '${this.r.removeCommand} ${failed.join(' ')}'`,
      );
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

function isAbort(e: unknown, http: HttpClient): boolean {
  return e instanceof CancelledError || (http.signal?.aborted === true && e === http.signal.reason);
}

/** One attempt: send, then classify the answer; a 2xx naming a resource is believed only after reading it back. */
export async function attemptCreate(
  http: HttpClient,
  req: ApiRequest,
  policy: RetryPolicy,
  session: CreateSession,
  io: IOStreams,
): Promise<AttemptOutcome> {
  const r = session.r;
  const tag = session.begin();
  const sent = tag === undefined ? session.body : r.tag(session.body, tag);
  let res: ApiResponse;
  try {
    res = await http.attempt({ ...req, body: sent });
  } catch (e) {
    if (isAbort(e, http)) throw e;
    if (!(e instanceof TransportError) || e.kind === 'tls') {
      session.settle(tag); // nothing reached the server (a TLS failure, a refused redirect...)
      throw e;
    }
    if (e.kind === 'not-sent') {
      session.settle(tag);
      return { kind: 'not-executed', error: e, wait: policy.intervalSeconds, why: `Request failed (${e.message})` };
    }
    return { kind: 'lost', failure: e.message };
  }
  if (res.status === 429) {
    session.settle(tag); // a 429 was not executed
    return {
      kind: 'not-executed',
      res,
      wait: retryWait(res.headers['retry-after'], policy),
      why: 'Rate limited (429)',
    };
  }
  if (res.status >= 500) return { kind: 'lost', failure: `${res.status} ${res.statusText}`, res };
  if (res.status < 200 || res.status >= 300) return { kind: 'rejected', res };

  const parsed = tryJsonBody(res.text);
  const id = idOf(parsed);
  const complete = id !== undefined && r.complete(parsed);
  const unreadable = `the server answered ${res.status} ${res.statusText} but the ${r.noun} could not be read from it`;
  if (tag === undefined) {
    if (complete) {
      session.adopt(id, undefined);
      return { kind: 'created', res, id, sent };
    }
    // Untagged, an id cannot be proven to be this run's: it is named, never touched.
    return {
      kind: 'lost',
      failure: id === undefined ? unreadable : `${unreadable} (it named ${r.noun} ${id}, left untouched)`,
    };
  }
  if (id === undefined) return { kind: 'lost', failure: unreadable };
  if (complete) session.onAnswer?.(parsed);
  let ours: boolean;
  try {
    ours = await session.carries(http, id, tag, policy);
  } catch (e) {
    if (isAbort(e, http)) throw e;
    return { kind: 'lost', failure: `${unreadable} (${r.noun} ${id} could not be read back: ${reason(e)})` };
  }
  if (!ours) {
    return {
      kind: 'lost',
      failure: `the server answered ${res.status} ${res.statusText} naming ${r.noun} ${id}, which this run did not create (left untouched)`,
    };
  }
  session.adopt(id, tag);
  if (complete) return { kind: 'created', res, id, sent };
  // Ours (read back with this attempt's tag), but the answer is incomplete: its token is lost. Remove it at once.
  try {
    await r.remove(http, id, policy);
  } catch (e) {
    if (isAbort(e, http)) throw e;
    throw new CliError(
      `the server answered ${res.status} ${res.statusText} without the ${r.noun}'s token, and removing ${r.noun} ${id} failed (${reason(e)}); remove it with '${r.removeCommand} ${id}'`,
    );
  }
  session.delivered(id);
  io.warn(`Removed ${r.noun} ${id}: the server's answer did not include its token`);
  return { kind: 'lost', failure: unreadable };
}

/**
 * Create, reconciling after ambiguous failures. Returns the response (with the body as the user should see it); the
 * created id is `session.createdId`, and stays in `session.undelivered` until the caller has delivered it.
 */
export async function createSafely(
  http: HttpClient,
  req: ApiRequest,
  policy: RetryPolicy,
  session: CreateSession,
  io: IOStreams,
): Promise<ApiResponse> {
  const r = session.r;
  let removed = 0;
  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt <= policy.retry;
    const out = await attemptCreate(http, req, policy, session, io);
    switch (out.kind) {
      case 'created': {
        // Earlier attempts whose answers were lost may have made keys of their own: remove exactly those.
        try {
          removed += await session.sweep(http, policy, io, 'the answer was lost');
        } catch (e) {
          if (isAbort(e, http)) throw e;
          const note = await session.cleanup(http, policy);
          throw new CliError(`${reason(e)}${note ? `; ${note}` : ''}`);
        }
        if (session.tagging) {
          try {
            await r.untag(http, out.id, session.body, policy);
          } catch (e) {
            if (isAbort(e, http)) throw e;
            const note = await session.cleanup(http, policy);
            throw new CliError(
              `the ${r.noun} was created, but its description could not be set (${reason(e)})${note ? `; ${note}` : ''}`,
            );
          }
        }
        session.createdId = out.id;
        return { ...out.res, text: session.tagging ? r.present(out.res.text, session.body, out.sent) : out.res.text };
      }
      case 'not-executed':
        if (!canRetry) {
          if ('error' in out) throw out.error;
          return out.res;
        }
        await http.pause(out.wait, out.why, attempt, policy.retry);
        continue;
      case 'rejected':
        // A definite answer, but a proxy may have answered for a create that committed behind it: check once.
        try {
          await session.sweep(http, policy, io, `the server answered ${out.res.status} ${out.res.statusText}`);
        } catch (e) {
          if (isAbort(e, http) || !(e instanceof CliError)) throw e;
          io.warn(`Warning: ${e.message}`);
        }
        return out.res;
      case 'lost':
        break;
    }
    // The outcome is unknown: wait (a slow server may still commit), then find what this run created.
    const failure = out.failure;
    if (canRetry) {
      await http.pause(
        policy.intervalSeconds,
        `No usable answer (${failure}); checking whether the ${r.noun} was created`,
        attempt,
        policy.retry,
      );
    } else {
      await http.wait(
        policy.intervalSeconds,
        `No usable answer (${failure}); checking in ${Math.round(policy.intervalSeconds)} s whether the ${r.noun} was created`,
      );
    }
    if (session.tagging) removed += await session.sweep(http, policy, io, 'the answer was lost');
    else await candidates(http, policy, session, failure);
    if (canRetry) continue;
    const note =
      removed > 0
        ? ` (${plural(removed, r.noun)} this run created without a usable answer ${removed > 1 ? 'were' : 'was'} removed)`
        : '';
    if (out.res) {
      io.warn(`No ${r.noun} was created${note}`);
      throw HttpError.fromResponse(out.res);
    }
    throw new CliError(`${failure}; no ${r.noun} was created${note}`);
  }
}

/** Untagged: never delete; name what might be this run's and stop. */
async function candidates(
  http: HttpClient,
  policy: RetryPolicy,
  session: CreateSession,
  failure: string,
): Promise<void> {
  const r = session.r;
  let ids: string[];
  try {
    ids = await r.findCandidates(http, session.body, session.started, policy);
  } catch (e) {
    if (isAbort(e, http)) throw e;
    throw new CliError(
      `${failure}; could not check whether the ${r.noun} was created (${reason(e)}); list your keys with '${r.listCommand}'`,
    );
  }
  if (ids.length === 0) return;
  throw new CliError(
    `${failure}; the ${r.noun} may have been created, but without tags (QLIK_CREATE_TAG=0) it cannot be told apart from another run's: nothing was deleted. Candidates: ${ids.join(' ')}`,
  );
}
