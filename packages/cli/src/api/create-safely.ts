// Sending a non-idempotent create (POST /api/v1/api-keys) without ever leaving a duplicate or an orphan.
//
// A key's token is shown once, in the 201 response. When an attempt fails in a way that leaves its outcome
// unknown (5xx, a reset after sending, a timeout, an unreadable or token-less 2xx), blindly re-sending could make a
// second key. Instead the CLI asks the server what it created (the reconciler lists the caller's keys that match
// the request and were created since the attempt started), deletes what it finds — its token is lost, so it is
// useless and would only linger as an orphan — and only then sends the create again, if --retry allows.
// Failures where nothing was sent (connection refused, DNS) and 429s are retried directly.
import { CliError, HttpError, TransportError } from '../cmdutil/errors.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import type { ApiRequest, ApiResponse, HttpClient, RetryPolicy } from '../http/client.js';

export interface Reconciler {
  /** What is being created, for messages ("API key"). */
  noun: string;
  /** Whether a 2xx body is a complete answer (e.g. holds the token). */
  complete(body: unknown): boolean;
  /** Ids of resources matching `request` created at or after `since` (client clock, ms). */
  find(http: HttpClient, request: ApiRequest, since: number, policy: RetryPolicy): Promise<string[]>;
  remove(http: HttpClient, id: string, policy: RetryPolicy): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function idOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string') return (body as { id: string }).id;
  return undefined;
}

export async function createSafely(
  http: HttpClient,
  req: ApiRequest,
  policy: RetryPolicy,
  r: Reconciler,
  io: IOStreams,
): Promise<ApiResponse> {
  const firstStart = Date.now();
  let ambiguousSeen = false;
  let removed = 0;

  /** Remove whatever this run's attempts left behind (except `keep`); returns how many were removed. */
  const sweep = async (keep?: string): Promise<number> => {
    let ids: string[];
    try {
      ids = (await r.find(http, req, firstStart, policy)).filter((id) => id !== keep);
    } catch (e) {
      throw new CliError(
        `could not check whether the ${r.noun} was created (${(e as Error).message}); list your keys with 'qlik api-key ls' and remove any you did not receive`,
      );
    }
    for (const id of ids) {
      try {
        await r.remove(http, id, policy);
      } catch (e) {
        throw new CliError(`a ${r.noun} (${id}) was created but its response was lost, and removing it failed (${(e as Error).message}); remove it with 'qlik api-key rm ${id}'`);
      }
      io.warn(`Removed ${r.noun} ${id}: it was created by an attempt whose response was lost`);
    }
    return ids.length;
  };

  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < policy.retry;
    let failure: string;
    let lastResponse: ApiResponse | undefined;
    try {
      const res = await http.attempt(req);
      if (res.status === 429) {
        if (!canRetry) return res;
        await http.pause(http.waitSeconds(res, policy.intervalSeconds), '429 Too Many Requests');
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        const body = parseJson(res.text);
        if (r.complete(body)) {
          if (ambiguousSeen) removed += await sweep(idOf(body));
          return res;
        }
        const id = idOf(body);
        if (id !== undefined) {
          await r.remove(http, id, policy);
          io.warn(`Removed ${r.noun} ${id}: the server's answer did not include its token`);
        }
        failure = `the server answered ${res.status} ${res.statusText} but the ${r.noun} could not be read from it`;
      } else if (res.status >= 500) {
        failure = `${res.status} ${res.statusText}`;
        lastResponse = res;
      } else {
        return res; // 4xx: a definite answer, not retried
      }
    } catch (e) {
      if (!(e instanceof TransportError) || e.kind === 'tls') throw e;
      if (e.kind === 'not-sent') {
        if (!canRetry) throw e;
        await http.pause(policy.intervalSeconds, e.message);
        continue;
      }
      failure = e.message;
    }
    // The outcome is unknown: wait (a slow server may still commit), then find and remove what was created.
    ambiguousSeen = true;
    await http.pause(policy.intervalSeconds, `${failure}; checking whether the ${r.noun} was created`);
    removed += await sweep();
    if (canRetry) continue;
    const note = removed > 0 ? ` (${removed} ${r.noun}${removed > 1 ? 's' : ''} created without a usable answer ${removed > 1 ? 'were' : 'was'} removed)` : '';
    if (lastResponse) {
      io.warn(`No ${r.noun} was created${note}`);
      throw HttpError.fromResponse(lastResponse);
    }
    throw new CliError(`${failure}; no ${r.noun} was created${note}`);
  }
}
