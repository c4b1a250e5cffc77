// qlik api-key audit: an extension of this CLI (Qlik's CLI has none); its help text is written in the style of
// Qlik's pages. The audit itself is audit/run.ts, loaded only when it runs.
import { retryPolicy } from '../../api/values.js';
import { Command } from '../../cmdutil/command.js';
import type { Factory } from '../../cmdutil/factory.js';
import { intervalFlag, retryFlag, type FlagSpec } from '../../cmdutil/flags.js';
import { FlagError } from '../../errors/errors.js';
import { checkDuration } from './shared/input.js';

const flags: readonly FlagSpec[] = [
  {
    name: 'within',
    type: 'string',
    usage: 'Report API keys that expire within this ISO8601 duration.',
    defaultText: 'P7D',
  },
  { name: 'csv', type: 'bool', usage: 'Print the API keys as CSV.' },
  {
    name: 'fix',
    type: 'bool',
    usage: 'Delete the API keys this CLI left behind (tagged, older than 10 minutes), and list them.',
  },
  intervalFlag,
  retryFlag,
];

const LONG = `Lists every API key of the tenant with its owner (name, email, status) and, for SCIM keys, the ID of the Identity Provider, and reports the API keys that need attention: expired, expiring within ˋ--withinˋ, owned by a disabled or deleted user, and keys this CLI left behind (a description with a "[qlik-cli:" tag older than 10 minutes: an interrupted rotate or create, or an exec whose process was killed). User must be assigned the ˋTenantAdminˋ role.

A table on a terminal, JSON with --json, CSV with --csv. Exit codes: 0 when nothing was found, 3 when something was found (for alerting in CI).

With --fix, only the API keys this CLI left behind are deleted (never another key), and listed; they then no longer count as found.

This command is an extension of this CLI; Qlik's CLI has no audit.`;

export function newCmdAudit(f: Factory): Command {
  return new Command({
    use: 'audit',
    short: 'Audit the API keys of the tenant',
    long: LONG,
    example: [
      'qlik api-key audit',
      'qlik api-key audit --within P30D --csv > keys.csv',
      'qlik api-key audit --fix',
    ].join('\n'),
    flags,
    args: { min: 0, max: 0 },
    run: async ({ flags: v }) => {
      const within = (v.get('within') as string | undefined) ?? 'P7D';
      await checkDuration(within, '--within');
      const csv = v.get('csv') === true;
      if (csv && v.get('json') === true) throw new FlagError('--csv and --json cannot be used together');
      const policy = retryPolicy(v.get('retry') as number | undefined, v.get('interval') as number | undefined);
      const { runAudit } = await import('./audit/run.js');
      await runAudit(f, { within, csv, fix: v.get('fix') === true, policy });
    },
  });
}
