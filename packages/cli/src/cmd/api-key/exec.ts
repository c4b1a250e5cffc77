// qlik api-key exec: an extension of this CLI (Qlik's CLI has none); its help text is written in the style of
// Qlik's pages. The run itself is exec/run.ts, loaded only when it runs.
import { retryPolicy } from '../../api/values.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { intervalFlag, retryFlag, type FlagSpec } from '../../cmdutil/flags.js';
import { FlagError } from '../../errors/errors.js';
import { checkDuration } from './shared/input.js';

const flags: readonly FlagSpec[] = [
  {
    name: 'expiry',
    type: 'string',
    usage: 'The expiry of the API key, in ISO8601 duration format.',
    defaultText: 'PT1H',
  },
  {
    name: 'description',
    type: 'string',
    usage: 'Text that describes the API key.',
    defaultText: '"qlik api-key exec"',
  },
  intervalFlag,
  retryFlag,
];

const LONG = `Runs a command with a short-lived API key: creates an API key, runs the command with QLIK_SERVER and QLIK_API_KEY in its environment, and deletes the API key when the command ends, however it ends. Signals are passed on to the command, and qlik exits with the command's exit code.

If qlik itself is killed, the API key expires on its own; the next exec, rotate or audit --fix deletes it.

This command is an extension of this CLI; Qlik's CLI has no exec.`;

export function newCmdExec(f: Factory): Command {
  return new Command({
    use: 'exec [flags] -- <command> [args...]',
    noFlagsInUseLine: true,
    short: 'Run a command with a short-lived API key',
    long: LONG,
    example: ['qlik api-key exec -- ./deploy.sh', 'qlik api-key exec --expiry PT10M -- node sync.mjs --all'].join('\n'),
    flags,
    args: { min: 1, max: Infinity },
    run: async ({ args, flags: v }) => {
      const expiry = (v.get('expiry') as string | undefined) ?? 'PT1H';
      await checkDuration(expiry, '--expiry');
      const description = (v.get('description') as string | undefined) ?? 'qlik api-key exec';
      const [cmd, ...rest] = args;
      if (cmd === undefined || cmd === '')
        throw new FlagError('no command given: qlik api-key exec -- <command> [args...]');
      const policy = retryPolicy(v.get('retry') as number | undefined, v.get('interval') as number | undefined);
      const { runExec } = await import('./exec/run.js');
      await runExec(f, { cmd, args: rest, expiry, description, policy });
    },
  });
}
