// Flags as data. Every flag of every command is a FlagSpec: the parser (command.ts) reads argv with pflag's rules from
// it, help.ts renders it in pflag's layout, completion offers it, and -c config files are checked against it, so the
// help text, the parser and the completion can never disagree.
import { FlagError } from '../errors/errors.js';

/** The "Allowed values" line that Qlik's generated help appends to an enum flag's usage. */
export function allowedValues(values: readonly string[]): string {
  return `\nAllowed values: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** Byte order of two names, as Go's sort of strings (Cobra and pflag sort commands and flags so). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const byFlagName = (a: FlagSpec, b: FlagSpec): number => compareText(a.name, b.name);

/** One completion candidate: the value, and what the shell shows beside it. */
export interface CompletionCandidate {
  value: string;
  description?: string;
}

/**
 * The tenant, as dynamic completion sees it: a GET whose JSON answer comes within the completion's time budget, or
 * undefined (offline, no server or credentials, a refusal, too slow). Never an error: completion offers nothing then.
 */
export interface CompletionApi {
  getJson(path: string, query?: Record<string, string | number>): Promise<unknown>;
}

/** What a declared completion gets: the word being completed, the flags and arguments typed so far, the tenant. */
export interface DynamicCompletionRequest {
  toComplete: string;
  flags: FlagSet;
  args: readonly string[];
  api: CompletionApi;
}

/**
 * Candidates declared on a flag or an argument (`complete` on a FlagSpec, `completeArgs` on an Operation). Functions
 * compose: one may look at `flags` (e.g. --subType) and ask another.
 */
export type DynamicCompletion = (req: DynamicCompletionRequest) => Promise<CompletionCandidate[]>;

export type FlagType =
  'string' | 'int' | 'bool' | 'stringToString' | 'stringArray' | 'strings' | 'unknown' | 'unknowns';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  /** Help text, reproduced byte for byte (it may span lines, as "Allowed values: …" does). */
  usage: string;
  /** Shown as ` (default …)` after the usage, as pflag does for non-zero defaults. */
  defaultText?: string;
  /** Values accepted; checked before any network call. */
  choices?: readonly string[];
  /** The flag may be given several times; values are collected in order (the n-th --op with the n-th --path). */
  repeatable?: boolean;
  hidden?: boolean;
  /** What shell completion offers for the value: file names (optionally filtered by extension) or directories. */
  completeAs?: 'file' | 'dir';
  fileExtensions?: readonly string[];
  /** Candidates for the value (e.g. ids from the tenant). */
  complete?: DynamicCompletion;
  /** The type name help prints when it is not the type's own (Qlik's `string|bool|unknown`, or none at all). */
  typeName?: string;
}

/** The value type a flag spec parses to. */
export type FlagValue<S extends FlagSpec> = S['type'] extends 'bool'
  ? boolean
  : S['type'] extends 'int'
    ? number
    : S['type'] extends 'stringToString'
      ? Record<string, string>
      : S['type'] extends 'stringArray' | 'strings'
        ? string[]
        : S['repeatable'] extends true
          ? string[]
          : string;

/** Flag values by name, typed from a tuple of specs. */
export type FlagValues<F extends readonly FlagSpec[]> = { [S in F[number] as S['name']]?: FlagValue<S> };

/** The type name pflag prints between the flag and its usage. */
export function varName(spec: FlagSpec): string {
  if (spec.typeName !== undefined) return spec.typeName;
  return spec.type === 'bool' ? '' : spec.type;
}

/** pflag's name for a flag in messages: `--server`, or `-s, --server` when it has a shorthand. */
export function flagDisplayName(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

/** pflag's wording for a value it cannot parse. */
export function invalidArgument(value: string, flag: string, reason: string): FlagError {
  return new FlagError(`invalid argument ${JSON.stringify(value)} for ${JSON.stringify(flag)} flag: ${reason}`);
}

/** Go's strconv.ParseBool. */
export function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's strconv.ParseInt(value, 0, 64) for the values that fit a JavaScript safe integer. */
function parseGoInt(value: string): number | undefined {
  const ok = /^[+-]?(0x[0-9a-f]+|0o?[0-7]+|0b[01]+|[1-9]\d*|0)$/i.test(value);
  const n = ok ? Number(value.replace(/^([+-]?)0(?=[0-7])/, '$10o')) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** One CSV record, as Go's encoding/csv reads it (quoted fields, "" escapes, no bare quotes). */
export function parseCsvRecord(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('extraneous or missing " in quoted-field');
        const ch = text[i] ?? '';
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += ch;
        i++;
      }
      if (i < text.length && text[i] !== ',') throw new Error('extraneous or missing " in quoted-field');
    } else {
      const end = text.indexOf(',', i);
      field = end === -1 ? text.slice(i) : text.slice(i, end);
      if (field.includes('"')) throw new Error('bare " in non-quoted-field');
      i = end === -1 ? text.length : end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // skip the comma
  }
}

/** pflag's stringToString: `k=v,k2=v2`; exactly one `=` means the whole value is one pair. */
export function parseStringToString(value: string, flag = '--headers'): Record<string, string> {
  const equals = value.split('=').length - 1;
  if (equals === 0) throw invalidArgument(value, flag, `${value} must be formatted as key=value`);
  let pairs: string[];
  if (equals === 1) {
    pairs = [value.replace(/^"+|"+$/g, '')];
  } else {
    try {
      pairs = parseCsvRecord(value);
    } catch (e) {
      throw invalidArgument(value, flag, (e as Error).message);
    }
  }
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at === -1) throw invalidArgument(value, flag, `${pair} must be formatted as key=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

function checkChoice(spec: FlagSpec, value: string): void {
  if (spec.choices && !spec.choices.includes(value)) {
    throw invalidArgument(
      value,
      flagDisplayName(spec),
      `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
}

/** Parse one occurrence of a flag's value; `previous` is the value so far (for repeatable and map flags). */
export function parseFlagValue(spec: FlagSpec, raw: string, previous: unknown): unknown {
  const name = flagDisplayName(spec);
  switch (spec.type) {
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined)
        throw invalidArgument(raw, name, `strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
      return b;
    }
    case 'int': {
      const n = parseGoInt(raw);
      if (n === undefined)
        throw invalidArgument(raw, name, `strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
      return n;
    }
    case 'stringToString':
      return { ...(previous ?? {}), ...parseStringToString(raw, `--${spec.name}`) };
    case 'stringArray':
      return [...((previous as string[] | undefined) ?? []), raw];
    case 'strings': {
      // pflag's stringSlice: each occurrence is one CSV record, appended to the values so far.
      let values: string[];
      try {
        values = raw === '' ? [] : parseCsvRecord(raw);
      } catch (e) {
        throw invalidArgument(raw, name, (e as Error).message);
      }
      return [...((previous as string[] | undefined) ?? []), ...values];
    }
    default:
      checkChoice(spec, raw);
      return spec.repeatable ? [...((previous as string[] | undefined) ?? []), raw] : raw;
  }
}

/** The values given for a command's flags, and which were given on the command line. */
export class FlagSet {
  private readonly values = new Map<string, unknown>();

  /** Record one occurrence (already checked); returns the new value. */
  set(spec: FlagSpec, raw: string): void {
    this.values.set(spec.name, parseFlagValue(spec, raw, this.values.get(spec.name)));
  }

  changed(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): unknown {
    return this.values.get(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}

// Flags shared by every command that sends a REST request (qlik-cli's generated commands).
export const intervalFlag = {
  name: 'interval',
  type: 'int',
  usage: 'Duration in seconds to wait between retries, at least 1',
  defaultText: '1',
} as const satisfies FlagSpec;
export const retryFlag = {
  name: 'retry',
  type: 'int',
  usage: 'Number of retries to do before failing, max 10',
} as const satisfies FlagSpec;
export const quietFlag = {
  name: 'quiet',
  short: 'q',
  type: 'bool',
  usage: 'Return only IDs from the command',
} as const satisfies FlagSpec;
export const rawFlag = {
  name: 'raw',
  type: 'bool',
  usage: 'Return original response from server without any processing',
} as const satisfies FlagSpec;
export const fileFlag = {
  name: 'file',
  short: 'f',
  type: 'string',
  usage: 'Reads request from a file',
  completeAs: 'file',
} as const satisfies FlagSpec;

/** -f as Qlik's pages of generation G2 and later print it (`-f, --file file`); parsed like fileFlag. */
export const fileFlagG2 = {
  ...fileFlag,
  typeName: 'file',
  usage: 'Read request body from the specified file',
} as const satisfies FlagSpec;

export const globalFlags = [
  {
    name: 'config',
    short: 'c',
    type: 'string',
    usage: 'path/to/config.yml where parameters can be set instead of on the command line',
    completeAs: 'file',
    fileExtensions: ['yml', 'yaml'],
  },
  { name: 'context', type: 'string', usage: 'Name of the context used when connecting to Qlik Associative Engine' },
  {
    name: 'headers',
    type: 'stringToString',
    usage: 'HTTP headers to use when connecting to Qlik Associative Engine',
    defaultText: '[]',
  },
  {
    name: 'insecure',
    type: 'bool',
    usage: 'Enabling insecure will make it possible to connect using self-signed certificates',
  },
  {
    name: 'json',
    type: 'bool',
    usage: 'Returns output in JSON format, if possible. Disables verbose and traffic output',
  },
  { name: 'server', short: 's', type: 'string', usage: 'URL to Qlik Cloud or directly to a Qlik Associative Engine' },
  {
    name: 'server-type',
    type: 'string',
    usage: 'The type of server you are using: cloud, Windows (Enterprise on Windows) or engine',
  },
  { name: 'verbose', short: 'v', type: 'bool', usage: 'Log extra information' },
] as const satisfies readonly FlagSpec[];

export type GlobalFlagValues = FlagValues<typeof globalFlags>;
