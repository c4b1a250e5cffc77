// --limit paging: follow `links.next` until enough items arrived or there is no next page. A server that pages
// forever is stopped: a page that is empty but has a next link, a next link seen before, or more pages than the
// limit can need all end the run with a clear error instead of looping. A list read with a POST (a filter action)
// is paged with the same method and body: the cursor in the link is all that changes.
import { CliError, HttpError } from '../errors/errors.js';
import type { ApiRequest, ApiResponse, HttpClient, RetryPolicy } from '../http/client.js';
import { parseJsonBody } from './response.js';

interface Page {
  data?: unknown;
  links?: { next?: { href?: unknown } };
}

/** Pages beyond what `limit` items can need (with a generous allowance for short pages) are refused. */
export const MAX_PAGES = 10_000;

/** How the first page was asked for; the next pages are asked for the same way. */
export interface PageRequest {
  method: string;
  body?: unknown;
  idempotent?: boolean;
}

export async function listAll(
  http: HttpClient,
  first: ApiResponse,
  limit: number | undefined,
  retry: RetryPolicy,
  request: PageRequest = { method: 'GET' },
): Promise<unknown[]> {
  let page = parseJsonBody(first) as Page | undefined;
  const items: unknown[] = [];
  const seen = new Set<string>([first.url]);
  for (let pages = 1; ; pages++) {
    if (!page || !Array.isArray(page.data))
      throw new CliError('the server answered with a list that has no data array');
    const data = page.data as unknown[];
    items.push(...data);
    const next = page.links?.next?.href;
    if (limit === undefined || items.length >= limit || typeof next !== 'string' || next === '') break;
    if (data.length === 0)
      throw new CliError(`paging stopped: page ${pages} is empty but links to a next page (${next})`);
    const url = http.url({ path: next }).href;
    if (seen.has(url)) throw new CliError(`paging stopped: page ${pages} links back to a page already read (${next})`);
    if (pages >= MAX_PAGES) throw new CliError(`paging stopped after ${MAX_PAGES} pages`);
    seen.add(url);
    const again: ApiRequest = {
      method: request.method,
      path: next,
      ...(request.body !== undefined ? { body: request.body } : {}),
    };
    const res = await http.send(
      again,
      retry,
      request.idempotent === undefined ? {} : { idempotent: request.idempotent },
    );
    if (res.status >= 300) throw HttpError.fromResponse(res);
    page = parseJsonBody(res) as Page | undefined;
  }
  return limit === undefined ? items : items.slice(0, limit);
}
