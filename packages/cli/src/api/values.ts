// The values a REST verb works with: positional arguments by name, flag values from the command line or else the -c
// config file (with where each came from, for messages), and the retry policy — all checked before any request.
import { checkArgCount } from '../cmdutil/command.js';
import {
  flagDisplayName,
  intervalFlag,
  invalidArgument,
  retryFlag,
  type FlagSpec,
  type FlagValue,
} from '../cmdutil/flags.js';
import type { Factory } from '../cmdutil/factory.js';
import type { Invocation } from '../cmdutil/command.js';
import { CliError, FlagError } from '../errors/errors.js';
import type { RetryPolicy } from '../http/client.js';

export interface ArgSpec {
  name: string;
  required: boolean;
  variadic: boolean;
}

/** The positional arguments in a Cobra `Use` line: `<required>`, `[optional]`, `name...`. */
function argSpecs(use: string): ArgSpec[] {
  return [...use.matchAll(/([<[])([^>\]]+)[>\]](\.\.\.)?/g)].map((m) => ({
    name: m[2] ?? '',
    required: m[1] === '<',
    variadic: m[3] === '...',
  }));
}

/** Positional arguments by their name in `use`, checked with Cobra's wording; those in `optional` may be omitted. */
export function positionalArgs(
  use: string,
  positional: readonly string[],
  optional: readonly string[] = [],
): Record<string, string> {
  const specs = argSpecs(use);
  const min = specs.filter((s) => s.required && !optional.includes(s.name)).length;
  checkArgCount(positional, { min, max: specs.some((s) => s.variadic) ? Infinity : specs.length });
  const args: Record<string, string> = {};
  specs.forEach((s, i) => {
    const v = positional[i];
    if (v !== undefined) args[s.name] = v;
  });
  return args;
}

/**
 * Refuse, before any request, an argument that would not name one resource once placed into `template`: empty, `.`
 * and `..` (URL-encoded or not, `..` climbs out of the resource: `api-key rm ..` would be `DELETE /api/v1/`).
 */
export function checkPathArgs(template: string, args: Record<string, string | undefined>): void {
  for (const [, name] of template.matchAll(/\{([^}]+)\}/g)) {
    const v = args[name ?? ''];
    if (v === undefined) continue;
    if (v.trim() === '' || v === '.' || v === '..')
      throw new FlagError(
        `invalid argument ${JSON.stringify(v)} for <${name ?? ''}>: an id cannot be empty, "." or ".."`,
      );
  }
}

/** Fill `{name}` placeholders of a path template from positional arguments (URL-encoded). */
export function fillPath(template: string, args: Record<string, string>): string {
  checkPathArgs(template, args);
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(args[name] ?? ''));
}

/** --retry is 0..10 and --interval at least 1 (an hour at most), checked before any network call. */
export function retryPolicy(retry: number | undefined, interval: number | undefined): RetryPolicy {
  const r = retry ?? 0;
  const i = interval ?? 1;
  if (r < 0 || r > 10) throw invalidArgument(String(r), flagDisplayName(retryFlag), 'must be between 0 and 10');
  if (i < 1 || i > 3600) throw invalidArgument(String(i), flagDisplayName(intervalFlag), 'must be at least 1');
  return { retry: r, intervalSeconds: i };
}

function configValue(spec: FlagSpec, raw: unknown, where: string): unknown {
  const bad = (what: string) => new CliError(`${where}: '${spec.name}' must be ${what}`);
  switch (spec.type) {
    case 'int':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw bad('a whole number');
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') throw bad('true or false');
      return raw;
    case 'stringToString':
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('a map');
      return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    default:
      if (spec.repeatable || spec.type === 'stringArray' || spec.type === 'strings')
        return Array.isArray(raw) ? raw.map(String) : [String(raw)];
      if (typeof raw !== 'string') throw bad('a string');
      if (spec.choices && !spec.choices.includes(raw)) throw bad(`one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

/** Flag values by name with their sources: the command line wins, then the -c config file. */
export class Values {
  private readonly values = new Map<string, unknown>();
  private readonly sources = new Map<string, string>();

  static async of(f: Factory, inv: Invocation, specs: readonly FlagSpec[]): Promise<Values> {
    const v = new Values();
    const config = await f.config();
    const where = `config file ${f.globals().config ?? ''}`;
    for (const spec of specs) {
      if (inv.flags.changed(spec.name)) {
        v.values.set(spec.name, inv.flags.get(spec.name));
        v.sources.set(spec.name, `--${spec.name}`);
      } else if (config[spec.name] !== undefined) {
        v.values.set(spec.name, configValue(spec, config[spec.name], where));
        v.sources.set(spec.name, where);
      }
    }
    return v;
  }

  /** The value of a flag, typed by its spec. */
  get<S extends FlagSpec>(spec: S): FlagValue<S> | undefined {
    return this.values.get(spec.name) as FlagValue<S> | undefined;
  }

  /** The value of a flag by name (generic code that maps flags to query parameters or body fields). */
  raw(name: string): unknown {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Where a flag's value came from, for messages: `--expiry` or `config file x.yml`. */
  source(name: string): string {
    return this.sources.get(name) ?? `--${name}`;
  }

  retryPolicy(): RetryPolicy {
    return retryPolicy(this.get(retryFlag), this.get(intervalFlag));
  }
}
