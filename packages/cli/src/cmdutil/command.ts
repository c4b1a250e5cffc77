// The command tree and its parser, with Cobra's and pflag's rules, because scripts written for Qlik's Go CLI depend
// on them: subcommands are found before flags are parsed (Cobra's Find/stripFlags), flags may stand anywhere
// (interspersed), `--` ends them, `--flag=value`, `--flag value`, `-fvalue`, `-f value`, `-f=value`, grouped
// shorthands (`-qv`), boolean flags with an optional `=value` (`--insecure=false`, `-q=true`), and Cobra's wording
// for every mistake. Written here rather than on top of a parser library because none reproduces pflag: they reject
// `--bool=false` or `-q=true`, or differ in how values are consumed, and the wording is the interface.
import { CliError, FlagError, UnknownCommandError } from '../errors/errors.js';
import { commandSuggestions, suggestionText } from '../text/suggest.js';
import { compareText, FlagSet, type CompletionApi, type FlagSpec } from './flags.js';
import { notImplementedAnswer } from './qlik-commands.js';

/** Positional arguments a command accepts (Cobra's RangeArgs; `max: Infinity` for variadic). */
export interface ArgsRule {
  min: number;
  max: number;
}

export interface CompletionRequest {
  /** The command being completed. */
  cmd: Command;
  /** Positional arguments already typed. */
  args: string[];
  /** The word being completed. */
  toComplete: string;
  /** The flags given so far (absent when the caller parsed none). */
  flags?: FlagSet;
  /** The tenant, for candidates that come from it (absent: offer nothing from the network). */
  api?: CompletionApi;
}

/** Cobra's ShellCompDirective bits, the last line of a completion answer (`:4`). */
export const Directive = {
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  FilterFileExt: 8,
  FilterDirs: 16,
  KeepOrder: 32,
} as const;

export interface CompletionResult {
  candidates: { value: string; description?: string }[];
  /** Directive bits. */
  directive: number;
}

export interface CommandDef {
  /** Cobra's `Use`: the name followed by its argument synopsis, e.g. `get <api-keyId>`. */
  use: string;
  short: string;
  long?: string;
  example?: string;
  aliases?: readonly string[];
  hidden?: boolean;
  /** Cobra's DisableFlagsInUseLine: the usage line has no ` [flags]`. */
  noFlagsInUseLine?: boolean;
  /** Help shows no use line, only `<path> [command]`, as for a Cobra command without Run (`completion`). */
  noUseLine?: boolean;
  /** Flags of this command only. */
  flags?: readonly FlagSpec[];
  /** Flags of this command and every command below it (the root's global flags). */
  persistentFlags?: readonly FlagSpec[];
  /** Positional arguments; checked before run with Cobra's wording. Omitted: any number (Cobra's default). */
  args?: ArgsRule;
  /** What the command does. A command without `run` prints its help (a group). */
  run?: (inv: Invocation) => Promise<void>;
  /** Completion of positional arguments. */
  completeArgs?: (req: CompletionRequest) => Promise<CompletionResult>;
  /** Completion of a flag's value (`--sub <TAB>`); undefined: the usual (choices, files). */
  completeFlag?: (name: string, req: CompletionRequest) => Promise<CompletionResult | undefined>;
}

export interface Invocation {
  cmd: Command;
  args: string[];
  /** Values of the command's own and inherited flags. */
  flags: FlagSet;
}

export class Command {
  readonly def: CommandDef;
  parent: Command | undefined;
  readonly children: Command[] = [];

  constructor(def: CommandDef, children: readonly Command[] = []) {
    this.def = def;
    for (const child of children) this.add(child);
  }

  add(child: Command): this {
    child.parent = this;
    this.children.push(child);
    return this;
  }

  name(): string {
    return this.def.use.split(' ')[0] ?? this.def.use;
  }

  path(): string {
    return this.parent ? `${this.parent.path()} ${this.name()}` : this.name();
  }

  root(): Command {
    return this.parent ? this.parent.root() : this;
  }

  runnable(): boolean {
    return this.def.run !== undefined;
  }

  /** Subcommands shown in help and offered by completion, sorted by name as Cobra does. */
  visibleChildren(): Command[] {
    return this.children.filter((c) => !c.def.hidden).sort((a, b) => compareText(a.name(), b.name()));
  }

  findChild(name: string): Command | undefined {
    return this.children.find((c) => c.name() === name || (c.def.aliases ?? []).includes(name));
  }

  /** The help flag Cobra adds to every command. */
  helpFlag(): FlagSpec {
    return { name: 'help', short: 'h', type: 'bool', usage: `help for ${this.name()}` };
  }

  localFlags(): FlagSpec[] {
    return [...(this.def.flags ?? []), ...(this.def.persistentFlags ?? [])];
  }

  /** Persistent flags of the parents (Cobra's "Global Flags"). */
  inheritedFlags(): FlagSpec[] {
    const out: FlagSpec[] = [];
    for (let p = this.parent; p; p = p.parent) out.push(...(p.def.persistentFlags ?? []));
    return out;
  }

  /** Every flag the command accepts, its help flag included. */
  allFlags(): FlagSpec[] {
    return [...this.localFlags(), this.helpFlag(), ...this.inheritedFlags()];
  }

  lookup(name: string): FlagSpec | undefined {
    return this.allFlags().find((f) => f.name === name);
  }

  lookupShort(short: string): FlagSpec | undefined {
    return this.allFlags().find((f) => f.short === short);
  }

  /** Cobra's SuggestionsFor: subcommands close to a mistyped word. */
  suggestionsFor(word: string): string[] {
    return commandSuggestions(
      word,
      this.children.filter((c) => !c.def.hidden).map((c) => c.name()),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Finding the command (Cobra's Find, stripFlags and argsMinusFirstX)

function takesValue(cmd: Command, arg: string): boolean {
  if (arg.startsWith('--')) {
    if (arg.includes('=')) return false;
    const spec = cmd.lookup(arg.slice(2));
    return spec?.type !== 'bool';
  }
  if (arg.startsWith('-') && arg.length === 2) {
    const spec = cmd.lookupShort(arg.slice(1));
    return spec?.type !== 'bool';
  }
  return false;
}

/** The words of `args` before any `--` that are neither flags nor flag values, with their positions (Cobra's rule). */
function* wordsOf(args: readonly string[], cmd: Command): Generator<[number, string]> {
  for (let i = 0; i < args.length; i++) {
    const s = args[i] ?? '';
    if (s === '--') return;
    if ((s.startsWith('--') || (s.startsWith('-') && s.length === 2)) && takesValue(cmd, s)) {
      i++; // its value
      continue;
    }
    if (!s.startsWith('-')) yield [i, s];
  }
}

/** The words of `args` that are not flags or flag values (Cobra's stripFlags). */
export function stripFlags(args: readonly string[], cmd: Command): string[] {
  return [...wordsOf(args, cmd)].map(([, s]) => s).filter((s) => s !== '');
}

/** `args` without the first occurrence of the subcommand word `x` (flag values are never taken for it). */
function argsMinusFirst(args: readonly string[], x: string, cmd: Command): string[] {
  for (const [i, s] of wordsOf(args, cmd)) if (s === x) return [...args.slice(0, i), ...args.slice(i + 1)];
  return [...args];
}

/** Walk down the tree along the words in argv; returns the innermost command and the remaining arguments. */
export function findCommand(root: Command, argv: readonly string[]): { cmd: Command; rest: string[] } {
  let cmd = root;
  let rest = [...argv];
  for (;;) {
    const words = stripFlags(rest, cmd);
    const next = words[0] === undefined ? undefined : cmd.findChild(words[0]);
    if (!next || words[0] === undefined) return { cmd, rest };
    rest = argsMinusFirst(rest, words[0], cmd);
    cmd = next;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing flags (pflag's parseArgs, parseLongArg, parseShortArg)

export interface ParsedArgs {
  flags: FlagSet;
  args: string[];
  /** Number of positional arguments before `--` (-1 when there was none). */
  argsLenAtDash: number;
}

function needsArgument(display: string): FlagError {
  return new FlagError(`flag needs an argument: ${display}`);
}

export function parseFlags(cmd: Command, argv: readonly string[]): ParsedArgs {
  const flags = new FlagSet();
  const args: string[] = [];
  let argsLenAtDash = -1;
  const queue = [...argv];
  while (queue.length > 0) {
    const s = queue.shift() ?? '';
    if (s.length < 2 || !s.startsWith('-')) {
      args.push(s);
      continue;
    }
    if (s === '--') {
      argsLenAtDash = args.length;
      args.push(...queue);
      break;
    }
    if (s.startsWith('--')) {
      const body = s.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${s}`);
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      const spec = cmd.lookup(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      let value: string;
      if (eq !== -1) value = body.slice(eq + 1);
      else if (spec.type === 'bool') value = 'true';
      else if (queue.length > 0) value = queue.shift() ?? '';
      else throw needsArgument(`--${name}`);
      flags.set(spec, value);
      continue;
    }
    // Shorthands: `-abc` is -a -b -c while they are booleans; the first one that takes a value takes the rest.
    let shorts = s.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0] ?? '';
      const spec = cmd.lookupShort(c);
      if (!spec)
        throw new FlagError(`unknown shorthand flag: ${JSON.stringify(c).replace(/^"|"$/g, "'")} in -${shorts}`);
      let value: string;
      if (shorts.length > 2 && shorts[1] === '=') {
        value = shorts.slice(2);
        shorts = '';
      } else if (spec.type === 'bool') {
        value = 'true';
        shorts = shorts.slice(1);
      } else if (shorts.length > 1) {
        value = shorts.slice(1);
        shorts = '';
      } else if (queue.length > 0) {
        value = queue.shift() ?? '';
        shorts = '';
      } else {
        throw needsArgument(`'${c}' in -${shorts}`);
      }
      flags.set(spec, value);
    }
  }
  return { flags, args, argsLenAtDash };
}

// ---------------------------------------------------------------------------------------------------------------
// Resolving an invocation

/** Cobra's messages for a wrong number of positional arguments. */
export function checkArgCount(args: readonly string[], rule: ArgsRule): void {
  const n = args.length;
  const { min, max } = rule;
  if (n >= min && n <= max) return;
  if (min === max) throw new FlagError(`accepts ${min} arg(s), received ${n}`);
  if (max === Infinity) throw new FlagError(`requires at least ${min} arg(s), only received ${n}`);
  if (min === 0) throw new FlagError(`accepts at most ${max} arg(s), received ${n}`);
  throw new FlagError(`accepts between ${min} and ${max} arg(s), received ${n}`);
}

export type Resolution = { kind: 'help'; cmd: Command } | { kind: 'run'; inv: Invocation };

/**
 * What argv asks for, checked with Cobra's order of checks: the command (an unknown subcommand of the root fails
 * with suggestions), the flags, then help (`-h`/`--help` wins over everything after the flags parsed), then the
 * positional arguments. Groups have no `run`: they print their help, or fail on an unknown subcommand.
 */
export function resolve(root: Command, argv: readonly string[]): Resolution {
  const { cmd, rest } = findCommand(root, argv);
  const first = cmd.runnable() || cmd.children.length === 0 ? undefined : stripFlags(rest, cmd)[0];
  const unknown = (word: string): CliError => {
    // A command of Qlik's CLI that this qlik does not implement says so, in one line, with the way round.
    const below = [...cmd.path().split(' ').slice(1), word].join(' ');
    const answer = notImplementedAnswer(root.name(), below);
    if (answer !== undefined) return new CliError(answer);
    return new UnknownCommandError(
      `unknown command ${JSON.stringify(word)} for ${JSON.stringify(cmd.path())}${suggestionText(cmd.suggestionsFor(word))}`,
      cmd.path(),
    );
  };
  // Cobra checks the root's arguments before it parses flags (legacyArgs in Find). A group's unknown subcommand is
  // reported before its flags too, so that `qlik api-key creat --description x` names the command, not the flag.
  if (first !== undefined && (cmd === root || !cmd.runnable())) throw unknown(first);
  const parsed = parseFlags(cmd, rest);
  if (parsed.flags.get('help') === true) return { kind: 'help', cmd };
  if (!cmd.runnable()) {
    if (first !== undefined) throw unknown(first);
    return { kind: 'help', cmd };
  }
  if (cmd.def.args) checkArgCount(parsed.args, cmd.def.args);
  return { kind: 'run', inv: { cmd, args: parsed.args, flags: parsed.flags } };
}

/** Every command below (and including) `cmd`, depth first in the order they were added. */
export function walk(cmd: Command): Command[] {
  return [cmd, ...cmd.children.flatMap(walk)];
}
