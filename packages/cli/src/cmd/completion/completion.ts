// `qlik completion <shell>`: Cobra's completion commands (their help texts are Cobra's), printing a script that
// calls back `qlik __complete <words>` (complete.ts).
import { Command, Directive, type CompletionResult } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

const LONG: Record<Shell, string> = {
  // Not Cobra's text, which says the script depends on the bash-completion package and gives only a recipe that
  // needs it (/etc/bash_completion.d is read by bash-completion alone): this script works without it, so the truth
  // comes first and the ~/.bashrc recipe, which works everywhere, is the main one (test/golden/help/NOTES.md).
  bash: `Generate the autocompletion script for the bash shell.

The script works with and without the 'bash-completion' package.

To load completions in your current shell session:

	source <(qlik completion bash)

To load completions for every new session, add that line to your ~/.bashrc:

	echo 'source <(qlik completion bash)' >> ~/.bashrc

With the 'bash-completion' package installed, you can instead install the script once:

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

/** Cobra's NoFileCompletions: these commands take no arguments, so nothing (not even a file name) is offered. */
const noFileCompletions = (): Promise<CompletionResult> =>
  Promise.resolve({ candidates: [], directive: Directive.NoFileComp });

export function newCmdCompletion(f: Factory): Command {
  const shells = SHELLS.map(
    (shell) =>
      new Command({
        use: shell,
        // Cobra leaves [flags] out of the bash usage line only.
        ...(shell === 'bash' ? { noFlagsInUseLine: true } : {}),
        short: SHORT[shell],
        long: LONG[shell],
        flags: [{ name: 'no-descriptions', type: 'bool', usage: 'disable completion descriptions' }],
        args: { min: 0, max: 0 },
        completeArgs: noFileCompletions,
        run: async ({ flags }) => {
          // The scripts are loaded only when one is printed (their text stays out of the start-up chunk).
          const { completionScript } = await import('./scripts.js');
          await f.io.print(completionScript(shell, flags.get('no-descriptions') !== true));
        },
      }),
  );
  return new Command(
    {
      use: 'completion',
      short: 'Generate the autocompletion script for the specified shell',
      long: "Generate the autocompletion script for qlik for the specified shell.\nSee each sub-command's help for details on how to use the generated script.",
      // Cobra's completion command has no Run: its usage block shows only `qlik completion [command]`.
      noUseLine: true,
      completeArgs: noFileCompletions,
    },
    shells,
  );
}
