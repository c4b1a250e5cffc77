// `qlik completion <shell>` prints a completion script (made by @bomb.sh/tab, which speaks Cobra's
// ShellCompDirective protocol); the script calls back `qlik complete -- <words>`, answered by `complete.ts`.
import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { CliError } from '../../cmdutil/errors.js';
import { newGroup } from '../../cmdutil/group.js';
import { newLeaf } from '../../cmdutil/leaf.js';
import type { IOStreams } from '../../iostreams/iostreams.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOptions {
  io: IOStreams;
  shell: Shell;
  descriptions: boolean;
}

const LONG: Record<Shell, string> = {
  bash: `Generate the autocompletion script for the bash shell.

This script depends on the 'bash-completion' package.
If it is not installed already, you can install it via your OS's package manager.

To load completions in your current shell session:

	source <(qlik completion bash)

To load completions for every new session, execute once:

#### Linux:

	qlik completion bash > /etc/bash_completion.d/qlik

#### macOS:

	qlik completion bash > $(brew --prefix)/etc/bash_completion.d/qlik

You will need to start a new shell for this setup to take effect.`,
  zsh: `Generate the autocompletion script for the zsh shell.

If shell completion is not already enabled in your environment you will need
to enable it.  You can execute the following once:

	echo "autoload -U compinit; compinit" >> ~/.zshrc

To load completions in your current shell session:

	source <(qlik completion zsh)

To load completions for every new session, execute once:

#### Linux:

	qlik completion zsh > "\${fpath[1]}/_qlik"

#### macOS:

	qlik completion zsh > $(brew --prefix)/share/zsh/site-functions/_qlik

You will need to start a new shell for this setup to take effect.`,
  fish: `Generate the autocompletion script for the fish shell.

To load completions in your current shell session:

	qlik completion fish | source

To load completions for every new session, execute once:

	qlik completion fish > ~/.config/fish/completions/qlik.fish

You will need to start a new shell for this setup to take effect.`,
  powershell: `Generate the autocompletion script for powershell.

To load completions in your current shell session:

	qlik completion powershell | Out-String | Invoke-Expression

To load completions for every new session, add the output of the above command
to your powershell profile.`,
};

const SHORT: Record<Shell, string> = {
  bash: 'Generate the autocompletion script for bash',
  zsh: 'Generate the autocompletion script for zsh',
  fish: 'Generate the autocompletion script for fish',
  powershell: 'Generate the autocompletion script for powershell',
};

export function newCmdCompletion(f: Factory, runF: (o: CompletionOptions) => Promise<void> = runCompletion): Command {
  const shells = SHELLS.map((shell) =>
    newLeaf(
      { use: shell, short: SHORT[shell], long: LONG[shell] },
      { min: 0, max: 0 },
      [{ name: 'no-descriptions', type: 'bool', usage: 'disable completion descriptions' }],
      (_args, cmd) => runF({ io: f.io, shell, descriptions: cmd.opts<{ descriptions?: boolean }>().descriptions !== false }),
    ),
  );
  return newGroup(
    f,
    {
      use: 'completion',
      short: 'Generate the autocompletion script for the specified shell',
      long: "Generate the autocompletion script for qlik for the specified shell.\nSee each sub-command's help for details on how to use the generated script.",
    },
    shells,
  );
}

/** The library writes scripts with console.log; this is the one place that output is captured instead. */
function captureLog(fn: () => void): string {
  const original = console.log; // eslint-disable-line no-console
  const lines: string[] = [];
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(' ')); // eslint-disable-line no-console
  try {
    fn();
  } finally {
    console.log = original; // eslint-disable-line no-console
  }
  return `${lines.join('\n')}\n`;
}

export async function runCompletion(o: CompletionOptions): Promise<void> {
  const { script } = await import('@bomb.sh/tab');
  let text = captureLog(() => {
    script(o.shell, 'qlik', 'qlik');
  });
  if (!o.descriptions) {
    const before = text;
    text = text.replaceAll('qlik complete -- ', 'qlik complete --no-descriptions -- ').replaceAll("qlik complete '--'", "qlik complete --no-descriptions '--'");
    if (text === before) throw new CliError(`cannot make a ${o.shell} script without descriptions`);
  }
  await o.io.print(text);
}
