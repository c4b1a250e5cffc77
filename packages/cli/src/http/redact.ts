// Secrets never reach stderr: request/response traces, error messages and warnings all pass through a Redactor.
// It masks the values of secret headers and secret JSON fields (one rule: text/secrets.ts), JWT-shaped strings, and
// every literal secret it was told about (the bearer value from a context, an OAuth client secret or access token,
// proxy credentials), also when a server echoes one back in an error body.
import { stripControls } from '../text/safety.js';
import { isSecretName, maskedHeaderValue, OMITTED, secretParts } from '../text/secrets.js';

export { OMITTED } from '../text/secrets.js';

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** `name=value` in a URL's query or fragment (also inside longer text: traces, Location headers, error bodies). */
const QUERY_PAIR = /([?&#])([^=&#\s"'<>]+)=([^&#\s"'<>]*)/g;

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Mask the values of secret-named query parameters (`access_token=`, `api_key=`, `client_secret=`...). */
function maskQuery(text: string): string {
  return text.replace(QUERY_PAIR, (all, sep: string, name: string, value: string) =>
    value !== '' && isSecretName(decodeName(name)) ? `${sep}${name}=${OMITTED}` : all,
  );
}

const NAMED_ENTITIES: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/**
 * A pattern for `secret` with any of its characters percent-encoded (any case of hex) or written as an HTML entity
 * (decimal, hex, or named), as a server that echoes a value back in a URL or an HTML page may write it.
 */
function encodedPattern(secret: string): RegExp {
  const alternatives = Array.from(secret).map((ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    const bytes = [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const forms = [
      ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
      bytes.replace(
        /%([0-9a-f]{2})/g,
        (_m, h: string) =>
          `%${h
            .split('')
            .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
            .join('')}`,
      ),
      `&#0*${cp};`,
      `&#[xX]0*${cp
        .toString(16)
        .split('')
        .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
        .join('')};`,
    ];
    const named = NAMED_ENTITIES[ch];
    if (named) forms.push(`&${named};`);
    if (ch === ' ') forms.push('\\+');
    return `(?:${forms.join('|')})`;
  });
  return new RegExp(alternatives.join(''), 'g');
}

/** The base64 and base64url forms of `value` and of `Bearer <value>`, padded and not (the longest is masked first). */
function base64Forms(value: string): string[] {
  const out: string[] = [];
  for (const v of [value, `Bearer ${value}`]) {
    const b64 = Buffer.from(v, 'utf8').toString('base64');
    const url = b64.replace(/\+/g, '-').replace(/\//g, '_');
    out.push(b64, b64.replace(/=+$/, ''), url, url.replace(/=+$/, ''));
  }
  return out;
}

export class Redactor {
  private readonly secrets = new Set<string>();
  /**
   * Patterns for the secrets written with percent-encoding or HTML entities, built the first time a text could hold
   * one (a `%` or `&` in it): building one for a long token costs milliseconds, and most runs mask nothing.
   */
  private readonly encoded = new Map<string, RegExp | undefined>();
  /** The literal forms, longest first (sorted once per change, not per masked string). */
  private sorted: string[] | undefined;

  /**
   * Register a literal secret (at least 6 characters, so that short common words are never masked), with the forms
   * a server may echo it in: base64 and base64url (of the value and of `Bearer <value>`), percent-encoded, HTML
   * entities.
   */
  addSecret(value: string | undefined): void {
    if (!value || value.length < 6 || this.secrets.has(value)) return;
    this.secrets.add(value);
    for (const form of base64Forms(value)) this.secrets.add(form);
    this.sorted = undefined;
    this.encoded.set(value, undefined);
  }

  /** Register the secret parts of a header value (`Bearer xyz` → `xyz`, and the whole). */
  addHeaderSecret(value: string): void {
    for (const part of secretParts(value)) this.addSecret(part);
  }

  text(input: string): string {
    let out = input.replace(JWT, OMITTED);
    this.sorted ??= [...this.secrets].sort((a, b) => b.length - a.length);
    for (const s of this.sorted) out = out.split(s).join(OMITTED);
    if (out.includes('%') || out.includes('&'))
      for (const [secret, built] of this.encoded) {
        const re = built ?? encodedPattern(secret);
        if (built === undefined) this.encoded.set(secret, re);
        out = out.replace(re, OMITTED);
      }
    return out.includes('=') ? maskQuery(out) : out;
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
      const patchOfSecret =
        typeof o.op === 'string' && typeof o.path === 'string' && isSecretName(o.path.split('/').at(-1) ?? '');
      return Object.fromEntries(
        Object.entries(o).map(([k, v]) => [
          k,
          (isSecretName(k) || (patchOfSecret && k === 'value')) && typeof v === 'string' && v !== ''
            ? OMITTED
            : this.json(v),
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
