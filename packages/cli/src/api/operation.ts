// REST verbs that mirror one API operation are declared as data (the way Qlik generates its CLI from API specs):
// operation-command.ts makes the command of a declaration, and one generic runner (runner.ts) runs it. Adding an
// endpoint is a declaration, not a new code path.
import { Directive, type CompletionRequest, type CompletionResult, type Invocation } from '../cmdutil/command.js';
import type { Factory } from '../cmdutil/factory.js';
import {
  allowedValues,
  fileFlag,
  fileFlagG2,
  intervalFlag,
  quietFlag,
  rawFlag,
  retryFlag,
  type DynamicCompletion,
  type FlagSpec,
} from '../cmdutil/flags.js';
import type { HttpClient, RetryPolicy } from '../http/client.js';
import type { CreateAttribution } from './create-safely.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface QueryParam {
  flag: FlagSpec;
  /** Query parameter name; defaults to the flag name. */
  param?: string;
  /** The value as sent, from the value typed (e.g. `SCIM\\<id>` typed with two backslashes → one). */
  transform?: (value: string) => string;
}

export interface BodyField {
  flag: FlagSpec;
  /** JSON field name; defaults to the flag name. */
  field?: string;
}

/**
 * A body field from its flag's name, type and usage; the field is the JSON path the flag's name spells
 * (`options-claimsMapping-email` → `options.claimsMapping.email`) unless `field` says otherwise
 * (`assignedRoles[].id`).
 */
export function bodyFlag(
  name: string,
  type: FlagSpec['type'],
  usage: string,
  field = name.replaceAll('-', '.'),
  more: Partial<FlagSpec> = {},
): BodyField {
  return { flag: { name, type, usage, ...more }, field };
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
  /** Usage texts exactly as Qlik's page prints them (Allowed values lines included), instead of the generated ones. */
  usage?: { op?: string; path?: string; value?: string };
  /** Operations that take no path or value (an IdP's `promote-options`): `--op promote-options` alone. */
  pathlessOps?: readonly string[];
  /** With `value: 'string'`: paths whose --value is sent as JSON when it parses as JSON (lists and objects). */
  jsonPaths?: readonly string[];
  /** The type help prints for --value when it is not its own (`string|bool|unknown`, or none). */
  valueTypeName?: string;
  /** Paths also accepted (by --path, --body and -f) that Qlik's page does not list, e.g. `/assignedRoles/-`. */
  morePaths?: readonly string[];
  /** Flags that build --value as one object, e.g. --value-id → `{"id": …}` (with one --path, instead of --value). */
  valueFields?: readonly BodyField[];
  /** Paths whose value is a list: with `replace`, an object built by valueFields is sent as a one-item list. */
  listPaths?: readonly string[];
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
  /** For a list: the server's largest page; --limit above it follows links.next (`limitUsage`: Qlik's text for it). */
  paging?: { pageMax: number; limitUsage?: string };
  /**
   * Resources that may carry secrets (an IdP's clientSecret): fields the one secret rule names are shown as
   * **omitted** in the default output (the Redactor's JSON masking, as in -v traces); --json and --raw print what the
   * server sent.
   */
  maskSecrets?: boolean;
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
  describeResult?: (ctx: {
    http: HttpClient;
    args: Record<string, string>;
    goneAfterRetry: boolean;
  }) => Promise<string | undefined>;
  /** A POST that only reads (a filter): retried like a GET. */
  idempotent?: boolean;
  /**
   * The generation of Qlik's page the help texts follow (G1: oldest, `-f, --file string  Reads request from a file`;
   * G2 and G3: `-f, --file file  Read request body from the specified file`). Default G1.
   */
  page?: 'G1' | 'G2' | 'G3';
  /** Completion of positional arguments (e.g. ids from the server); the Factory reaches settings and HTTP. */
  completeArgs?: (f: Factory, req: CompletionRequest) => Promise<CompletionResult>;
  /** Completion of flag values by flag name; undefined from one: the usual completion. */
  completeFlags?: Readonly<
    Record<string, (f: Factory, req: CompletionRequest) => Promise<CompletionResult | undefined>>
  >;
  /** Server types the operation exists on. */
  serverTypes?: readonly ('cloud' | 'windows' | 'engine')[];
}

/**
 * An operation's `completeArgs` from candidates declared as a DynamicCompletion (e.g. `apiKeyIds`): up to `max`
 * arguments, the candidates that fit the word, through the completion's `api` (its network budget).
 */
export function argCompletion(
  complete: DynamicCompletion,
  max = 1,
): (f: Factory, req: CompletionRequest) => Promise<CompletionResult> {
  return async (_f, { args, toComplete, flags, api }) => {
    if (args.length >= max || !api || !flags) return { candidates: [], directive: Directive.NoFileComp };
    const found = await complete({ toComplete, flags, args, api });
    return { candidates: found.filter((c) => c.value.startsWith(toComplete)), directive: Directive.NoFileComp };
  };
}

/** Declares an operation; the identity function keeps the literal types of the declaration. */
export function defineOperation<const O extends Operation>(op: O): O {
  return op;
}

export const limitFlag = {
  name: 'limit',
  type: 'int',
  usage: 'The total number of resources to retrieve.',
} as const satisfies FlagSpec;

function patchFlags(p: PatchBody): FlagSpec[] {
  return [
    { name: 'body', type: 'unknowns', usage: '(Deprecated) Array of JSON-objects to send as the request body.' },
    {
      name: 'op',
      type: 'string',
      repeatable: true,
      choices: p.ops,
      usage: p.usage?.op ?? `The operation to be performed.${allowedValues(p.ops)}`,
    },
    {
      name: 'path',
      type: 'string',
      repeatable: true,
      // A templated path (`/systemGroups/{id}/assignedRoles`) cannot be a choice: the body check matches it.
      ...(p.paths.some((x) => x.includes('{')) ? {} : { choices: [...p.paths, ...(p.morePaths ?? [])] }),
      usage:
        p.usage?.path ?? `${p.pathUsage ?? 'The path for the given resource field to patch.'}${allowedValues(p.paths)}`,
    },
    {
      name: 'value',
      type: p.value === 'json' ? 'unknown' : 'string',
      repeatable: true,
      usage: p.usage?.value ?? 'The value to be used for this operation.',
      ...(p.valueTypeName !== undefined ? { typeName: p.valueTypeName } : {}),
    },
    ...(p.valueFields ?? []).map((v) => v.flag),
  ];
}

/** The flags of an operation: its query and body flags, then those every REST verb has. */
export function operationFlags(op: Operation): FlagSpec[] {
  const flags: FlagSpec[] = [];
  for (const q of op.query ?? []) flags.push(q.flag);
  if (op.body?.kind === 'object') for (const b of op.body.fields) flags.push(b.flag);
  if (op.body?.kind === 'patch') flags.push(...patchFlags(op.body));
  if (op.paging)
    flags.push(op.paging.limitUsage === undefined ? limitFlag : { ...limitFlag, usage: op.paging.limitUsage });
  flags.push(intervalFlag, retryFlag, quietFlag, rawFlag);
  if (op.body) flags.push(op.page === 'G2' || op.page === 'G3' ? fileFlagG2 : fileFlag);
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
  /** Completion of the positional argument (as an Operation's). */
  completeArgs?: (f: Factory, req: CompletionRequest) => Promise<CompletionResult>;
}

export const EDIT_FLAGS: readonly FlagSpec[] = [intervalFlag, retryFlag, quietFlag, rawFlag];
