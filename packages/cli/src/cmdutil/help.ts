// Cobra's help layout (Usage / Aliases / Examples / Available Commands / Flags / Global Flags), rendered from the
// command metadata and FlagSpecs. Cobra does not wrap lines, so neither does this.
import type { Command } from 'commander';
import { flagSpecs, varName, type FlagSpec } from './flags.js';

export interface CommandMeta {
  /** Cobra's `Use`: the name followed by its argument synopsis, e.g. `get <api-keyId>`. */
  use: string;
  short: string;
  long?: string;
  example?: string;
  aliases?: readonly string[];
  /** Whether the command does something itself (Cobra prints a usage line for it). */
  runnable: boolean;
  hidden?: boolean;
}

const metas = new WeakMap<Command, CommandMeta>();

export function setMeta(cmd: Command, meta: CommandMeta): void {
  metas.set(cmd, meta);
}

export function getMeta(cmd: Command): CommandMeta | undefined {
  return metas.get(cmd);
}

export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function flagLine(spec: FlagSpec): string {
  const head = spec.short ? `  -${spec.short}, --${spec.name}` : `      --${spec.name}`;
  const name = varName(spec);
  return name ? `${head} ${name}` : head;
}

/** pflag's FlagUsages: descriptions start two columns after the longest `--flag type` (plus its NUL). */
export function flagUsages(specs: readonly FlagSpec[]): string {
  const visible = [...specs].filter((s) => !s.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const heads = visible.map(flagLine);
  const maxlen = Math.max(0, ...heads.map((h) => h.length + 1));
  return visible
    .map((spec, i) => {
      const head = heads[i] ?? '';
      let usage = spec.usage;
      if (spec.defaultText !== undefined) usage += ` (default ${spec.defaultText})`;
      usage = usage.replaceAll('\n', `\n${' '.repeat(maxlen + 2)}`);
      return `${head} ${' '.repeat(maxlen - head.length)} ${usage}`;
    })
    .join('\n');
}

function helpSpec(cmd: Command): FlagSpec {
  return { name: 'help', short: 'h', type: 'bool', usage: `help for ${cmd.name()}` };
}

function inheritedSpecs(cmd: Command): FlagSpec[] {
  const out: FlagSpec[] = [];
  for (let p = cmd.parent; p; p = p.parent) out.push(...flagSpecs(p));
  return out;
}

function visibleChildren(cmd: Command): Command[] {
  return cmd.commands
    .filter((c) => !getMeta(c)?.hidden)
    .sort((a, b) => (a.name() < b.name() ? -1 : a.name() > b.name() ? 1 : 0));
}

function useLine(cmd: Command, meta: CommandMeta): string {
  const parentPath = cmd.parent ? `${commandPath(cmd.parent)} ` : '';
  const line = `${parentPath}${meta.use}`;
  return line.includes('[flags]') ? line : `${line} [flags]`;
}

export function renderHelp(cmd: Command): string {
  const meta = getMeta(cmd) ?? { use: cmd.name(), short: cmd.description(), runnable: true };
  const parts: string[] = [];
  const about = (meta.long ?? meta.short).trimEnd();
  if (about) parts.push(`${about}\n\n`);
  const children = visibleChildren(cmd);
  let usage = 'Usage:';
  if (meta.runnable) usage += `\n  ${useLine(cmd, meta)}`;
  if (children.length > 0) usage += `\n  ${commandPath(cmd)} [command]`;
  if (meta.aliases && meta.aliases.length > 0) usage += `\n\nAliases:\n  ${[cmd.name(), ...meta.aliases].join(', ')}`;
  if (meta.example) usage += `\n\nExamples:\n${meta.example}`;
  if (children.length > 0) {
    const pad = Math.max(11, ...children.map((c) => c.name().length));
    usage += '\n\nAvailable Commands:';
    for (const c of children) usage += `\n  ${c.name().padEnd(pad)} ${getMeta(c)?.short ?? c.description()}`;
  }
  usage += `\n\nFlags:\n${flagUsages([...flagSpecs(cmd), helpSpec(cmd)])}`;
  const inherited = inheritedSpecs(cmd);
  if (inherited.length > 0) usage += `\n\nGlobal Flags:\n${flagUsages(inherited)}`;
  if (children.length > 0) usage += `\n\nUse "${commandPath(cmd)} [command] --help" for more information about a command.`;
  parts.push(`${usage}\n`);
  return parts.join('');
}
