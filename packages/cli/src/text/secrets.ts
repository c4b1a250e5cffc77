// The one rule that decides what is secret. It is used for HTTP headers (request traces, error messages, what the
// contexts file shows), for JSON fields in traced bodies, for context fields, and for query parameters:
//   - these names exactly: Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Qlik-Session, X-Api-Key;
//   - any name containing session, password, credential, secret, token, api-key (or apikey/api_key) or auth.
// Names are compared case-insensitively. The values of secret headers are masked wherever they are echoed back
// (the Redactor also registers them as literal secrets, so a server error body that quotes one is masked too).

export const OMITTED = '**omitted**';

const EXACT: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-qlik-session',
  'x-api-key',
]);
const PARTS = /session|password|credential|secret|token|api[-_]?key|auth/i;

export function isSecretName(name: string): boolean {
  return EXACT.has(name.toLowerCase()) || PARTS.test(name);
}

/** A secret header's value as it may be shown: the scheme of `Bearer …`/`Basic …` stays, the credential does not. */
export function maskedHeaderValue(value: string): string {
  const m = /^(Bearer|Basic|Token|Negotiate)\s+\S/i.exec(value);
  return m ? `${m[1] ?? ''} ${OMITTED}` : OMITTED;
}

/** The literal secret parts of a header value: the whole value, and the credential after an auth scheme. */
export function secretParts(value: string): string[] {
  const parts = [value];
  const m = /^\s*\S+\s+(.+)$/.exec(value);
  if (m?.[1]) parts.push(m[1].trim());
  return parts;
}
