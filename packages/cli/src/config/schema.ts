// The fields of a context in contexts.yml, defined once. The table drives the TypeScript type, the validation of the
// file (nodes.ts/validate.ts), the validation of edits (document.ts), what `context get` prints and masks, and what
// `context create/update` may set. Fields this CLI does not know are kept as they are.
import { authorizationHeader } from '../text/headers.js';
import { isSecretName } from '../text/secrets.js';

type FieldKind = 'string' | 'bool' | 'headers';

interface FieldDef {
  kind: FieldKind;
  /** Masked wherever a context is shown. Fields this table does not know follow the secret rule (text/secrets.ts). */
  secret?: boolean;
}

const CONTEXT_FIELDS = {
  server: { kind: 'string' },
  'server-type': { kind: 'string' },
  comment: { kind: 'string' },
  headers: { kind: 'headers' },
  insecure: { kind: 'bool' },
  'oauth-client-id': { kind: 'string' },
  'oauth-client-secret': { kind: 'string', secret: true },
  /** Our extension: the scope requested for OAuth access tokens (Qlik's CLI has none). */
  'oauth-scope': { kind: 'string' },
  certificates: { kind: 'string' },
} as const satisfies Record<string, FieldDef>;

export type ContextField = keyof typeof CONTEXT_FIELDS;

type KindValue<K extends FieldKind> = K extends 'string' ? string : K extends 'bool' ? boolean : Record<string, string>;

/** A context's known fields, typed from the table; unknown fields are kept as `unknown`. */
export type QlikContext = { [F in ContextField]?: KindValue<(typeof CONTEXT_FIELDS)[F]['kind']> } & {
  [field: string]: unknown;
};

export const SERVER_TYPES = ['cloud', 'windows', 'engine'] as const;
export type ServerType = (typeof SERVER_TYPES)[number];

/** Whether a field's value is a secret: the table says for known fields, the secret rule for the others. */
export function isSecretField(field: string): boolean {
  return Object.hasOwn(CONTEXT_FIELDS, field)
    ? (CONTEXT_FIELDS[field as ContextField] as FieldDef).secret === true
    : isSecretName(field);
}

export function fieldKind(field: string): FieldKind | undefined {
  return Object.hasOwn(CONTEXT_FIELDS, field) ? CONTEXT_FIELDS[field as ContextField].kind : undefined;
}

/** Why a value cannot be stored in a known field (a JavaScript value), or undefined. */
export function fieldProblem(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  switch (fieldKind(field)) {
    case 'string':
      return typeof value === 'string' ? undefined : `'${field}' must be a string`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `'${field}' must be true or false`;
    case 'headers': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `'headers' must be a map of strings`;
      for (const [k, v] of Object.entries(value))
        if (v !== undefined && typeof v !== 'string') return `header '${k}' must be a string`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Whether a context names an OAuth client (a non-empty `oauth-client-id`). */
export function hasOAuthClient(ctx: QlikContext): boolean {
  return ctx['oauth-client-id'] !== undefined && ctx['oauth-client-id'] !== '';
}

/** What kind of credentials a context carries, for `context get` and for choosing how to authenticate. */
export function authKind(ctx: QlikContext): 'api-key' | 'oauth' | 'headers' | 'none' {
  if (hasOAuthClient(ctx)) return 'oauth';
  const headers = ctx.headers ?? {};
  if (authorizationHeader(headers) !== undefined) return 'api-key';
  if (Object.keys(headers).some((h) => isSecretName(h))) return 'headers';
  return 'none';
}

/**
 * Why `name` cannot be a context name: empty, or holding a character a terminal would act on or reorder (C0 and C1
 * controls, DEL, the bidirectional embeddings, overrides and isolates) — the name shown would not be the name to type.
 */
export function contextNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.exec(name);
  if (bad)
    return `has a control or bidirectional character (U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}

/** Context names are compared and stored in Unicode NFC: `café` typed either way names one context. */
export function normalName(name: string): string {
  return name.normalize('NFC');
}
