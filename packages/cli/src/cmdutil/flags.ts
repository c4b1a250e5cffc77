// Flags as data. Every flag of every command is a FlagSpec: commander parses it, and help.ts renders it
// in pflag's layout from the same record, so the help text and the parser can never disagree.
import { Option, type Command } from 'commander';
import { FlagError } from './errors.js';

export type FlagType = 'string' | 'int' | 'bool' | 'stringToString' | 'stringArray' | 'file' | 'unknown' | 'unknowns';

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
}

/** The type name pflag prints between the flag and its usage. */
export function varName(spec: FlagSpec): string {
  switch (spec.type) {
    case 'bool':
      return '';
    case 'stringArray':
      return 'stringArray';
    default:
      return spec.type;
  }
}

const registry = new WeakMap<Command, FlagSpec[]>();

export function flagSpecs(cmd: Command): FlagSpec[] {
  return registry.get(cmd) ?? [];
}

/** pflag's wording for a value it cannot parse. */
export function invalidArgument(value: string, flag: string, reason: string): FlagError {
  return new FlagError(`invalid argument ${JSON.stringify(value)} for "${flag}" flag: ${reason}`);
}

export function parseIntFlag(flag: string) {
  return (value: string): number => {
    const trimmed = value.trim();
    const ok = /^[+-]?(0x[0-9a-f]+|0o?[0-7]+|0b[01]+|[1-9]\d*|0)$/i.test(trimmed);
    const n = ok ? Number(trimmed.replace(/^([+-]?)0(?=[0-7])/, '$10o')) : Number.NaN;
    if (!Number.isSafeInteger(n)) {
      throw invalidArgument(value, flag, `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
    }
    return n;
  };
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

function optionFor(spec: FlagSpec): Option {
  const long = `--${spec.name}`;
  const head = spec.short ? `-${spec.short}, ${long}` : long;
  const opt = new Option(spec.type === 'bool' ? head : `${head} <${varName(spec) || 'value'}>`, spec.usage);
  if (spec.hidden) opt.hideHelp();
  switch (spec.type) {
    case 'int':
      opt.argParser(parseIntFlag(long));
      break;
    case 'stringToString':
      opt.argParser((value: string, previous: Record<string, string> | undefined) => ({
        ...(previous ?? {}),
        ...parseStringToString(value, long),
      }));
      break;
    case 'stringArray':
      opt.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      break;
    case 'string':
    case 'unknown':
      if (spec.repeatable) {
        const choices = spec.choices;
        opt.argParser((value: string, previous: string[] | undefined) => {
          if (choices && !choices.includes(value)) {
            throw invalidArgument(value, long, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
          }
          return [...(previous ?? []), value];
        });
      } else if (spec.choices) {
        const choices = spec.choices;
        opt.argParser((value: string) => {
          if (!choices.includes(value)) {
            throw invalidArgument(value, long, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
          }
          return value;
        });
      }
      break;
    default:
      break;
  }
  return opt;
}

/** Declare flags on a command, remembering their specs for help rendering. */
export function addFlags(cmd: Command, specs: readonly FlagSpec[]): Command {
  const list = registry.get(cmd) ?? [];
  for (const spec of specs) {
    cmd.addOption(optionFor(spec));
    list.push(spec);
  }
  registry.set(cmd, list);
  return cmd;
}

/** camelCase key commander uses for a flag name (`server-type` → `serverType`). */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Whether a flag was given on the command line (or, for globals, on any parent). */
export function flagChanged(cmd: Command, name: string): boolean {
  return cmd.getOptionValueSourceWithGlobals(optionKey(name)) === 'cli';
}

// Flags shared by every command that sends a REST request (qlik-cli's generated commands).
export const retryFlags: readonly FlagSpec[] = [
  {
    name: 'interval',
    type: 'int',
    usage: 'Duration in seconds to wait between retries, at least 1',
    defaultText: '1',
  },
  { name: 'retry', type: 'int', usage: 'Number of retries to do before failing, max 10' },
];
export const quietFlag: FlagSpec = { name: 'quiet', short: 'q', type: 'bool', usage: 'Return only IDs from the command' };
export const rawFlag: FlagSpec = {
  name: 'raw',
  type: 'bool',
  usage: 'Return original response from server without any processing',
};
export const fileFlag: FlagSpec = { name: 'file', short: 'f', type: 'string', usage: 'Reads request from a file' };

export const globalFlags: readonly FlagSpec[] = [
  {
    name: 'config',
    short: 'c',
    type: 'string',
    usage: 'path/to/config.yml where parameters can be set instead of on the command line',
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
];
