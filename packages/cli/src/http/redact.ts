// Secrets never reach stderr: request/response traces, error messages and warnings all pass through a Redactor.
// It masks sensitive header values, `token`-like JSON fields, JWT-shaped strings and every literal secret it was
// told about (the bearer value from a context, proxy credentials), and strips terminal control sequences that a
// server could smuggle into an error title.

export const OMITTED = '**omitted**';

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SENSITIVE_HEADER = /authorization|cookie|token|secret|session|api-?key|password|credential/i;
const SENSITIVE_FIELD = /^(token|access_?token|refresh_?token|id_?token|api-?key|apikey|secret|client_?secret|oauth-client-secret|password)$/i;
// ESC-introduced sequences (CSI, OSC, DCS, …), C1 controls and C0 controls other than TAB and LF.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[P^_X][^\u001b]*(?:\u001b\\)?|\u001b.?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function stripControls(text: string): string {
  return text.replace(ESCAPES, '');
}

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Register a literal secret (at least 6 characters, so that short common words are never masked). */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  /** Register the secret part of an Authorization-like header value (`Bearer xyz` → `xyz`, and the whole). */
  addHeaderSecret(value: string): void {
    this.addSecret(value);
    const m = /^\s*\S+\s+(.+)$/.exec(value);
    if (m?.[1]) this.addSecret(m[1].trim());
  }

  text(input: string): string {
    let out = input.replace(JWT, OMITTED);
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(OMITTED);
    return out;
  }

  headerValue(name: string, value: string): string {
    if (SENSITIVE_HEADER.test(name)) {
      const m = /^(Bearer|Basic|Token)\s+/i.exec(value);
      return m ? `${m[1] ?? ''} ${OMITTED}` : OMITTED;
    }
    return this.text(value);
  }

  /** Deep copy of a JSON value with sensitive fields and JWT-shaped strings masked. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.json(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          SENSITIVE_FIELD.test(k) && v !== null && v !== undefined && v !== '' ? OMITTED : this.json(v),
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
