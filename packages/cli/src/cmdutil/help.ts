// Cobra's help layout (Usage / Aliases / Examples / Available Commands / Flags / Global Flags), rendered from the
// command definitions and FlagSpecs. Cobra does not wrap lines, so neither does this.
import type { Command } from './command.js';
import { byFlagName, varName, type FlagSpec } from './flags.js';

function flagLine(spec: FlagSpec): string {
  const head = spec.short ? `  -${spec.short}, --${spec.name}` : `      --${spec.name}`;
  const name = varName(spec);
  return name ? `${head} ${name}` : head;
}

/** pflag's FlagUsages: descriptions start two columns after the longest `--flag type` (plus its NUL). */
function flagUsages(specs: readonly FlagSpec[]): string {
  const visible = [...specs].filter((s) => !s.hidden).sort(byFlagName);
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

function useLine(cmd: Command): string {
  const parentPath = cmd.parent ? `${cmd.parent.path()} ` : '';
  const line = `${parentPath}${cmd.def.use}`;
  return line.includes('[flags]') || cmd.def.noFlagsInUseLine ? line : `${line} [flags]`;
}

export function renderHelp(cmd: Command): string {
  const { def } = cmd;
  const parts: string[] = [];
  const about = (def.long ?? def.short).trimEnd();
  if (about) parts.push(`${about}\n\n`);
  const children = cmd.visibleChildren();
  // Qlik's groups are runnable (bare, they print their help), so every command shows its use line.
  let usage = def.noUseLine ? 'Usage:' : `Usage:\n  ${useLine(cmd)}`;
  if (children.length > 0) usage += `\n  ${cmd.path()} [command]`;
  if (def.aliases && def.aliases.length > 0) usage += `\n\nAliases:\n  ${[cmd.name(), ...def.aliases].join(', ')}`;
  if (def.example) usage += `\n\nExamples:\n${def.example}`;
  if (children.length > 0) {
    const pad = Math.max(11, ...children.map((c) => c.name().length));
    usage += '\n\nAvailable Commands:';
    for (const c of children) usage += `\n  ${c.name().padEnd(pad)} ${c.def.short}`;
  }
  usage += `\n\nFlags:\n${flagUsages([...cmd.localFlags(), cmd.helpFlag()])}`;
  const inherited = cmd.inheritedFlags();
  if (inherited.length > 0) usage += `\n\nGlobal Flags:\n${flagUsages(inherited)}`;
  if (children.length > 0) usage += `\n\nUse "${cmd.path()} [command] --help" for more information about a command.`;
  parts.push(`${usage}\n`);
  return parts.join('');
}
