// The one change a rotation makes to the contexts file: the token of one context's Authorization header. When the
// file's text makes it certain which characters hold that token (replaceTokenInText), those characters are replaced
// and nothing else: the file keeps its every byte but the token, its JSON copy is updated to match, and the YAML
// parser is not loaded (its load and a parse and render of the file were ~8 ms of a ~60 ms rotate). In every other
// case the edit goes through updateContexts and yaml's Document API, as every other change does. Either way it runs
// under the contexts lock, after the same check, with the same write (atomic, 0600) and the same clean-up.
import { withFileLock } from '../fsutil/lock.js';
import { permissionWarnings } from '../fsutil/perms.js';
import { readCachedContexts } from './cache.js';
import { loadFile } from './contexts.js';
import type { QlikContext } from './schema.js';
import { removeContextsTempFiles, writeContextsText } from './write.js';

/** `Bearer <token>` with a token of base64url characters and dots (a JWT): written the same in every YAML style. */
const BEARER = /^Bearer ([A-Za-z0-9_.-]{16,})$/;
/**
 * Characters without which a scalar's value is spelled out literally in the text: escapes (`\`), anchors and aliases
 * (`&`, `*`: one node seen from two places), tags (`!`), block scalars (`|`, `>`) and directives (`%`).
 */
const INDIRECT = /[\\&*!|>%]/;

/**
 * `text` with the token of `oldValue` replaced by that of `newValue`, or undefined when that is not certain to change
 * exactly the one value whose parse was `oldValue`. It is certain when both are `Bearer <JWT>`, the text has none of
 * the characters that let a value be spelled other than literally, and the old token occurs exactly once (the new one
 * nowhere): a value that reads `Bearer <token>` then has the token's characters in its own text, and with one
 * occurrence those are the ones. The new token needs no quoting in any style (no spaces, quotes or indicators).
 */
export function replaceTokenInText(text: string, oldValue: string, newValue: string): string | undefined {
  const from = BEARER.exec(oldValue)?.[1];
  const to = BEARER.exec(newValue)?.[1];
  if (from === undefined || to === undefined || INDIRECT.test(text)) return undefined;
  const at = text.indexOf(from);
  if (at < 0 || text.includes(from, at + 1) || text.includes(to)) return undefined;
  return `${text.slice(0, at)}${to}${text.slice(at + from.length)}`;
}

export interface TokenSwap {
  /**
   * Given the context as the file holds it under the lock, names the header to set and its new value; throws when the
   * context is not what the caller expects (nothing is written then). Called again when the in-place edit is declined.
   */
  check(ctx: QlikContext | undefined): { header: string; value: string };
  /** Runs under the lock after the check, before the contexts file is written (a rotation records its step). */
  beforeWrite(): Promise<void>;
}

/** Set one header of context `name` under the contexts lock, in place when replaceTokenInText allows it. */
export async function swapContextToken(path: string, name: string, swap: TokenSwap): Promise<void> {
  const done = await withFileLock(path, async () => {
    const loaded = await loadFile(path);
    if (!loaded.exists || (await permissionWarnings(path)).length > 0) return false;
    const cached = await readCachedContexts(path, loaded.text);
    const ctx = cached?.contexts.find(([n]) => n === name)?.[1];
    if (cached === undefined || ctx === undefined) return false;
    const { header, value } = swap.check(structuredClone(ctx));
    const old = ctx.headers?.[header];
    const text = typeof old === 'string' ? replaceTokenInText(loaded.text, old, value) : undefined;
    if (text === undefined) return false;
    await swap.beforeWrite();
    await writeContextsText(path, text, () => ({
      current: cached.current,
      contexts: cached.contexts.map(([n, c]) =>
        n === name ? [n, { ...c, headers: { ...c.headers, [header]: value } }] : [n, c],
      ),
    }));
    removeContextsTempFiles(path);
    return true;
  });
  if (done) return;
  const { updateContexts } = await import('./transaction.js');
  await updateContexts(path, async (doc) => {
    const { header, value } = swap.check(doc.get(name));
    doc.update(name, { headers: { [header]: value } });
    await swap.beforeWrite();
  });
}
