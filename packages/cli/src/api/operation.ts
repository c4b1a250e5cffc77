// REST verbs that mirror one API operation are declared as data (the way Qlik generates its CLI from API specs)
// and run by one generic runner (run.ts). Adding an endpoint is a declaration, not a new code path.
import { Directive, type CommandDef, type Invocation } from '../cmdutil/command.js';
import type { Factory } from '../cmdutil/factory.js';
import { allowedValues, fileFlag, intervalFlag, quietFlag, rawFlag, retryFlag, type DynamicCompletion, type FlagSpec } from '../cmdutil/flags.js';
import type { HttpClient, RetryPolicy } from '../http/client.js';
import type { CreateAttribution } from './create-safely.js';

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

/** How to find a positional argument the user may omit (e.g. the current tenant's id). */
export type ArgDefault = (http: HttpClient, retry: RetryPolicy) => Promise<string>;

export interface Operation {
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
  /** For a list: the server's largest page; --limit above it follows links.next. */
  paging?: { pageMax: number };
  /** Positional arguments that may be omitted, with how to find a default. */
  argDefaults?: Record<string, ArgDefault>;
  /**
   * For non-idempotent creates: how an attempt's result is recognised and removed when it cannot be delivered (loaded
   * when the create runs).
   */
  create?: () => Promise<CreateAttribution>;
  /** A stderr line printed with -q (e.g. that a token shown only once was not printed). */
  quietWarning?: string;
  /** Printed on stderr after a successful run (e.g. whether a key was deleted or revoked). */
  describeResult?: (ctx: { http: HttpClient; args: Record<string, string>; goneAfterRetry: boolean }) => Promise<string | undefined>;
  /** A POST that only reads (a filter): retried like a GET. */
  idempotent?: boolean;
  /** Server types the operation exists on. */
  serverTypes?: readonly ('cloud' | 'windows' | 'engine')[];
  /** Candidates for the (first) positional argument, e.g. ids from the tenant. */
  completeArgs?: DynamicCompletion;
}

/** A command's argument completion from a declared one: up to `max` arguments, the candidates that fit the word. */
export function argCompletion(complete: DynamicCompletion, max = 1): NonNullable<CommandDef['completeArgs']> {
  return async ({ args, toComplete, flags, api }) => {
    if (args.length >= max || !api || !flags) return { candidates: [], directive: Directive.NoFileComp };
    const found = await complete({ toComplete, flags, args, api });
    return { candidates: found.filter((c) => c.value.startsWith(toComplete)), directive: Directive.NoFileComp };
  };
}

/** Declares an operation; the identity function keeps the literal types of the declaration. */
export function defineOperation<const O extends Operation>(op: O): O {
  return op;
}

export const limitFlag = { name: 'limit', type: 'int', usage: 'The total number of resources to retrieve.' } as const satisfies FlagSpec;

function patchFlags(p: PatchBody): FlagSpec[] {
  return [
    { name: 'body', type: 'unknowns', usage: '(Deprecated) Array of JSON-objects to send as the request body.' },
    { name: 'op', type: 'string', repeatable: true, choices: p.ops, usage: `The operation to be performed.${allowedValues(p.ops)}` },
    {
      name: 'path',
      type: 'string',
      repeatable: true,
      choices: p.paths,
      usage: `${p.pathUsage ?? 'The path for the given resource field to patch.'}${allowedValues(p.paths)}`,
    },
    { name: 'value', type: p.value === 'json' ? 'unknown' : 'string', repeatable: true, usage: 'The value to be used for this operation.' },
  ];
}

/** The flags of an operation: its query and body flags, then those every REST verb has. */
export function operationFlags(op: Operation): FlagSpec[] {
  const flags: FlagSpec[] = [];
  for (const q of op.query ?? []) flags.push(q.flag);
  if (op.body?.kind === 'object') for (const b of op.body.fields) flags.push(b.flag);
  if (op.body?.kind === 'patch') flags.push(...patchFlags(op.body));
  if (op.paging) flags.push(limitFlag);
  flags.push(intervalFlag, retryFlag, quietFlag, rawFlag);
  if (op.body) flags.push(fileFlag);
  return flags;
}

export interface OperationContext {
  op: Operation;
  f: Factory;
  inv: Invocation;
}

/** A `… edit` command: fetch a resource, edit some of its fields in $EDITOR, send a JSON Patch of the changes. */
export interface EditOperation {
  use: string;
  short: string;
  long: string;
  /** GET and PATCH path, with `{arg}` placeholders. */
  path: string;
  /** Top-level fields the editor shows; only these can change. */
  fields: readonly string[];
  argDefaults?: Record<string, ArgDefault>;
  /** Check an edited value before sending (e.g. a duration). */
  check?: (field: string, value: unknown) => Promise<void>;
  /** Candidates for the positional argument. */
  completeArgs?: DynamicCompletion;
}

export const EDIT_FLAGS: readonly FlagSpec[] = [intervalFlag, retryFlag, quietFlag, rawFlag];
