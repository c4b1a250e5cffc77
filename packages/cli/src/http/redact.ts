// Secrets never reach stderr: request/response traces, error messages and warnings all pass through a Redactor.
// It masks the values of secret headers and secret JSON fields (one rule: text/secrets.ts), JWT-shaped strings, and
// every literal secret it was told about (the bearer value from a context, an OAuth client secret or access token,
// proxy credentials), also when a server echoes one back in an error body.
import { stripControls } from '../text/safety.js';
import { isSecretName, maskedHeaderValue, OMITTED, secretParts } from '../text/secrets.js';

export { OMITTED } from '../text/secrets.js';

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Register a literal secret (at least 6 characters, so that short common words are never masked). */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  /** Register the secret parts of a header value (`Bearer xyz` → `xyz`, and the whole). */
  addHeaderSecret(value: string): void {
    for (const part of secretParts(value)) this.addSecret(part);
  }

  text(input: string): string {
    let out = input.replace(JWT, OMITTED);
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(OMITTED);
    return out;
  }

  headerValue(name: string, value: string): string {
    return isSecretName(name) ? maskedHeaderValue(value) : this.text(value);
  }

  /**
   * Deep copy of a JSON value with secret fields (non-empty strings) and JWT-shaped strings masked. A JSON Patch
   * operation's `value` is the field its `path` names: `{"path":"/pendingOptions/clientSecret","value":…}` is masked too.
   */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.json(v));
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      const patchOfSecret = typeof o.op === 'string' && typeof o.path === 'string' && isSecretName(o.path.split('/').at(-1) ?? '');
      return Object.fromEntries(
        Object.entries(o).map(([k, v]) => [
          k,
          (isSecretName(k) || (patchOfSecret && k === 'value')) && typeof v === 'string' && v !== '' ? OMITTED : this.json(v),
        ]),
      );
    }
    return value;
  }

  /** A body for a trace: JSON is masked field by field, anything else as text; both cut to `max` characters. */
  body(text: string, max = 4096): string {
    let shown: string;
    try {
      shown = JSON.stringify(this.json(JSON.parse(text)));
    } catch {
      shown = this.text(text);
    }
    shown = stripControls(shown);
    return shown.length > max ? `${shown.slice(0, max)}… (${text.length} bytes)` : shown;
  }
}
