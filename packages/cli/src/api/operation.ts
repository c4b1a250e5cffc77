// REST verbs that mirror one API operation are declared as data (the way Qlik generates its CLI from API specs)
// and run by one generic runner (runner.ts). Adding an endpoint is a declaration, not a new code path.
import type { FlagSpec } from '../cmdutil/flags.js';
import type { HttpClient } from '../http/client.js';
import type { Reconciler } from './create-safely.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface QueryParam {
  flag: FlagSpec;
  /** Query parameter name; defaults to the flag name. */
  param?: string;
}

export interface BodyField {
  flag: FlagSpec;
  /** JSON field name; defaults to the flag name. */
  field?: string;
}

/** A JSON object body built from -f and flags (flags win field by field). */
export interface ObjectBody {
  kind: 'object';
  fields: readonly BodyField[];
  required?: readonly string[];
  /** Checks the merged body before any network call; `source(field)` names where a field came from. */
  validate?: (body: Record<string, unknown>, source: (field: string) => string) => Promise<void>;
}

/** A JSON Patch array from repeated --op/--path/--value, the deprecated --body, or -f. */
export interface PatchBody {
  kind: 'patch';
  ops: readonly string[];
  paths: readonly string[];
  /** `string`: --value is sent as a string; `json`: sent as JSON when it parses as JSON, else as a string. */
  value: 'string' | 'json';
  pathUsage?: string;
}

export interface ApiOperation {
  /** Cobra `Use`: verb and positional arguments, e.g. `get <api-keyId>`; `{api-keyId}` in `path` is filled from it. */
  use: string;
  short: string;
  long?: string;
  example?: string;
  method: HttpMethod;
  path: string;
  query?: readonly QueryParam[];
  body?: ObjectBody | PatchBody;
  /** object: one JSON object; list: a `{data, links}` page printed as a bare array; none: 204 expected. */
  output: 'object' | 'list' | 'none';
  /** For a list: whether --limit follows links.next beyond one page. */
  paging?: { pageMax: number };
  /** Positional arguments that may be omitted, with how to find a default (e.g. the current tenant id). */
  argDefaults?: Record<string, (http: HttpClient, retry: { retry: number; intervalSeconds: number }) => Promise<string>>;
  /** For non-idempotent creates: how to find and remove what an ambiguous attempt may have created. */
  reconcile?: Reconciler;
  /** A stderr line printed with -q (e.g. that a token shown only once was not printed). */
  quietWarning?: string;
  /** Printed on stderr after a successful run, from the response (e.g. whether a key was deleted or revoked). */
  describeResult?: (ctx: { http: HttpClient; args: Record<string, string> }) => Promise<string | undefined>;
  /** Server types the operation exists on. */
  serverTypes?: readonly ('cloud' | 'windows' | 'engine')[];
}
