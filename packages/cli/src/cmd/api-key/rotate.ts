// qlik api-key rotate: an extension of this CLI (Qlik's CLI has no such command); its help text is written in the
// style of Qlik's pages. The rotation itself (journal, recovery) is rotate/rotation.ts, loaded only when it runs.
import { retryPolicy } from '../../api/values.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { intervalFlag, invalidArgument, retryFlag, type FlagSpec } from '../../cmdutil/flags.js';
import { FlagError } from '../../errors/errors.js';
import { checkDuration } from './shared/input.js';

const flags: readonly FlagSpec[] = [
  {
    name: 'id',
    type: 'string',
    usage: 'The ID of the API key to rotate, instead of the key of the context (a SCIM key included).',
  },
  {
    name: 'description',
    type: 'string',
    usage: 'Text that describes the new API key. Defaults to the description of the old key.',
  },
  {
    name: 'expiry',
    type: 'string',
    usage: 'The expiry of the new API key, in ISO8601 duration format. Defaults to the lifetime of the old key.',
  },
  {
    name: 'deliver-cmd',
    type: 'string',
    usage: 'A shell command that receives the new token on stdin, run before the old key is retired.',
  },
  {
    name: 'grace',
    type: 'string',
    usage: 'Keep the old API key active for this ISO8601 duration, e.g. ˋPT1Hˋ. Finish with ˋ--finishˋ.',
  },
  { name: 'finish', type: 'bool', usage: 'Retire the old API key of a rotation that is in its grace period.' },
  { name: 'resume', type: 'bool', usage: 'Finish or undo an interrupted rotation, and do nothing else.' },
  { name: 'evict', type: 'string', usage: 'The ID of an API key to delete when the quota of API keys is full.' },
  intervalFlag,
  retryFlag,
];

const LONG = `Rotates an API key: creates a new API key with the description and lifetime of the old one, verifies that it works, stores it in the context, and deletes the old API key using the new one. Without ˋ--idˋ the key of the context is rotated (the current context unless ˋ--contextˋ is given).

Every step is recorded in ~/.qlik/rotations/<context>.json (no secrets) before it is taken. If a rotation is interrupted, the next rotate (or rotate --resume) finishes or undoes it: the context always holds a working key, and no key of the rotation is left behind.

Nothing is written when the quota of API keys is full; the error lists the keys that fill it. ˋ--evictˋ names one of them to delete first; the key being rotated is never deleted to make room.

Exit codes: 0 rotated; 2 nothing changed; 3 rotated, but the old API key is still active (grace period, or a step that failed after the new key was stored: the error says how to resume).

This command is an extension of this CLI; Qlik's CLI has no rotate.`;

/** An ISO 8601 duration in milliseconds (Temporal, relative to now, for years and months). */
async function durationMs(value: string, flag: string): Promise<number> {
  await checkDuration(value, flag);
  const { Temporal } = await import('temporal-polyfill');
  return Temporal.Duration.from(value).total({
    unit: 'milliseconds',
    relativeTo: Temporal.Now.zonedDateTimeISO('UTC'),
  });
}

export function newCmdRotate(f: Factory): Command {
  return new Command({
    use: 'rotate',
    short: 'Rotate an API key',
    long: LONG,
    example: [
      'qlik api-key rotate',
      'qlik api-key rotate --context prod --grace PT1H',
      "qlik api-key rotate --context ci --deliver-cmd 'gh secret set QLIK_API_KEY'",
      'qlik api-key rotate --finish --context prod',
    ].join('\n'),
    flags,
    args: { min: 0, max: 0 },
    run: async ({ flags: v }) => {
      const str = (n: string) => (v.get(n) as string | undefined) ?? undefined;
      const id = str('id');
      const expiry = str('expiry');
      const grace = str('grace');
      const finish = v.get('finish') === true;
      const resume = v.get('resume') === true;
      if (id !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(id))
        throw invalidArgument(id, '--id', 'not an API key ID');
      const evict = str('evict');
      if (evict !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(evict))
        throw invalidArgument(evict, '--evict', 'not an API key ID');
      if (expiry !== undefined) await checkDuration(expiry, '--expiry');
      if (
        (finish || resume) &&
        (expiry !== undefined || grace !== undefined || evict !== undefined || str('description') !== undefined)
      ) {
        throw new FlagError(
          '--finish and --resume complete an earlier rotation: they take no --description, --expiry, --grace or --evict',
        );
      }
      if (finish && resume) throw new FlagError('--finish and --resume cannot be used together');
      const deliverCmd = str('deliver-cmd');
      if (deliverCmd !== undefined && deliverCmd.trim() === '')
        throw invalidArgument(deliverCmd, '--deliver-cmd', 'the command is empty');
      const graceMs = grace === undefined ? undefined : await durationMs(grace, '--grace');
      const policy = retryPolicy(v.get('retry') as number | undefined, v.get('interval') as number | undefined);
      const { runRotate } = await import('./rotate/rotation.js');
      await runRotate(f, {
        id,
        description: str('description'),
        expiry,
        deliverCmd,
        graceMs,
        finish,
        resume,
        evict,
        policy,
      });
    },
  });
}
