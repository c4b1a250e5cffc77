// What other commands share with the identity-provider verbs: completion of IdP ids from the server (for
// `identity-provider get|patch|rm <TAB>`, and `SCIM\<id>` for `api-key create --sub` with `--subType externalClient`).
// Completion has a budget of one second and one attempt: offline, unauthenticated, slow or odd answers offer nothing,
// silently.
import { Directive, type CompletionResult } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';

/** How long a completion may wait for the server. */
export const COMPLETION_BUDGET_MS = 1000;

const NONE: CompletionResult = { candidates: [], directive: Directive.NoFileComp };

interface Idp {
  id?: unknown;
  description?: unknown;
  provider?: unknown;
  protocol?: unknown;
  active?: unknown;
}

/** The tenant's IdPs as candidates (`<prefix><id>`, described by provider, protocol and description). */
export async function idpCandidates(f: Factory, toComplete: string, prefix = ''): Promise<CompletionResult> {
  try {
    const http = (await f.httpClient()).withSignal(AbortSignal.timeout(COMPLETION_BUDGET_MS));
    const res = await http.attempt({ method: 'GET', path: '/api/v1/identity-providers', query: { limit: 100 } });
    if (res.status !== 200) return NONE;
    const data = (JSON.parse(res.text) as { data?: unknown }).data;
    if (!Array.isArray(data)) return NONE;
    const candidates = (data as Idp[])
      .filter((i): i is Idp & { id: string } => typeof i.id === 'string' && i.id !== '')
      .map((i) => ({
        value: `${prefix}${i.id}`,
        description: [i.provider, i.protocol, i.active === false ? 'inactive' : undefined, i.description]
          .filter((d): d is string => typeof d === 'string' && d !== '')
          .join(' '),
      }))
      .filter((c) => c.value.startsWith(toComplete));
    return { candidates, directive: Directive.NoFileComp };
  } catch {
    return NONE;
  }
}

/** Completion of the IdP id argument of a verb (the first positional argument only). */
export async function idpArgCompletion(
  f: Factory,
  req: { args: readonly string[]; toComplete: string },
): Promise<CompletionResult> {
  return req.args.length === 0 ? idpCandidates(f, req.toComplete) : NONE;
}
