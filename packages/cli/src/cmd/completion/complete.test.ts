// `qlik __complete` / `qlik __completeNoDesc`, in process: a table of argv → the exact answer on stdout (Cobra's
// protocol: candidates, then `:<directive>`), and what stderr says.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runQlik } from '../../../../../test/kit/run.js';
import { homeWith, tempHome } from '../../../../../test/kit/temp.js';
import { directiveName } from './complete.js';

let home: string;
beforeAll(async () => {
  home = await homeWith(
    [
      'current-context: alpha-ctx',
      'contexts:',
      '  alpha-ctx:',
      '    server: https://alpha.example.com',
      '  beta-ctx:',
      '    server: https://beta.example.com',
      '  "evil\\e]0;pwned\\actx":',
      '    server: https://evil.example.com',
      '',
    ].join('\n'),
  );
});

const ROOT = [
  'api-key',
  'completion',
  'context',
  'group',
  'help',
  'identity-provider',
  'oauth-token',
  'raw',
  'role',
  'tenant',
  'user',
  'version',
];
// The third name carries a terminal title sequence: it is offered without it.
const CONTEXTS = ['alpha-ctx', 'beta-ctx', 'evilctx'];
const GLOBAL_NAMES = [
  '--config',
  '--context',
  '--headers',
  '--insecure',
  '--json',
  '--server',
  '--server-type',
  '--verbose',
];
const SHELLS = [
  'bash\tGenerate the autocompletion script for bash',
  'fish\tGenerate the autocompletion script for fish',
  'powershell\tGenerate the autocompletion script for powershell',
  'zsh\tGenerate the autocompletion script for zsh',
];

const answer = (lines: string[], directive: number): string => [...lines, `:${directive}`, ''].join('\n');

// argv after `qlik` → stdout.
const table: [string[], string][] = [
  // Subcommands, sorted, with their Short as description; nothing else (no file names) is offered.
  [['__completeNoDesc', ''], answer(ROOT, 4)],
  [['__complete', 'api-key', 'cr'], answer(['create\tCreate API key'], 4)],
  [['__completeNoDesc', 'api-key', 'cr'], answer(['create'], 4)],
  [['__completeNoDesc', 'api-key', 'c'], answer(['config', 'create'], 4)],
  [['__completeNoDesc', 'api-key', 'zz'], answer([], 4)],
  [['__complete', 'completion', ''], answer(SHELLS, 4)],
  [['__completeNoDesc', 'completion', 'bash', ''], answer([], 4)],
  // Global flags before and between the command words.
  [['__completeNoDesc', '-v', 'api-key', 'cr'], answer(['create'], 4)],
  [['__completeNoDesc', '--context', 'beta-ctx', 'api-key', '--json', 'cr'], answer(['create'], 4)],
  [['__completeNoDesc', '--server=https://x.example.com', 'con'], answer(['context'], 4)],
  // An argument that is no subcommand of the root: Cobra's error, default directive.
  [['__completeNoDesc', 'api-kye', ''], answer([], 0)],
  // Key ids come from the tenant (dynamic.test.ts); without credentials nothing is offered, and no file names.
  [['__completeNoDesc', 'api-key', 'get', ''], answer([], 4)],
  // Positional arguments without a completion of their own: the shell completes files.
  [['__completeNoDesc', 'version', ''], answer([], 0)],
  // A subcommand word after the group's arguments is not offered (Cobra completes subcommands only first).
  [['__completeNoDesc', 'api-key', 'nope', ''], answer([], 0)],
  // Flag names: inherited ones first, then the command's own (with -h), each sorted by name; shorthands after.
  [
    ['__completeNoDesc', 'completion', 'bash', '-'],
    answer(
      [
        '--config',
        '-c',
        '--context',
        '--headers',
        '--insecure',
        '--json',
        '--server',
        '-s',
        '--server-type',
        '--verbose',
        '-v',
        '--help',
        '-h',
        '--no-descriptions',
      ],
      4,
    ),
  ],
  [['__complete', 'completion', 'zsh', '--no'], answer(['--no-descriptions\tdisable completion descriptions'], 4)],
  [
    ['__complete', 'completion', 'zsh', '--server-'],
    answer(['--server-type\tThe type of server you are using: cloud, Windows (Enterprise on Windows) or engine'], 4),
  ],
  [['__completeNoDesc', 'completion', '--'], answer([...GLOBAL_NAMES, '--help'], 4)],
  [['__completeNoDesc', 'api-key', 'create', '--sub'], answer(['--sub', '--subType'], 4)],
  [['__completeNoDesc', 'api-key', 'create', '-q'], answer(['-q'], 4)],
  // Flags already given are not offered again, unless they can be repeated (maps and arrays).
  [['__completeNoDesc', 'api-key', 'create', '--description', 'x', '--d'], answer([], 4)],
  [['__completeNoDesc', 'api-key', 'create', '-q', '--q'], answer([], 4)],
  [['__completeNoDesc', '--json', 'api-key', 'ls', '--j'], answer([], 4)],
  [['__completeNoDesc', '--headers', 'a=b', 'version', '--h'], answer(['--headers', '--help'], 4)],
  // Flag values: context names, server types, a flag's allowed values.
  [['__completeNoDesc', '--context', ''], answer(CONTEXTS, 4)],
  [['__complete', 'api-key', 'ls', '--context', 'b'], answer(['beta-ctx'], 4)],
  [['__completeNoDesc', 'api-key', 'ls', '--context=a'], answer(['alpha-ctx'], 4)],
  [['__completeNoDesc', '--server-type', ''], answer(['cloud', 'windows', 'engine'], 4)],
  [['__completeNoDesc', 'context', 'create', 'x', '--server-type=e'], answer(['engine'], 4)],
  [['__completeNoDesc', 'api-key', 'create', '--subType', ''], answer(['user', 'externalClient'], 4)],
  [['__completeNoDesc', 'api-key', 'ls', '--status', 'ex'], answer(['expired'], 4)],
  // Files: -f/--file any file (the shell's default), -c/--config only .yml/.yaml (and directories).
  [['__completeNoDesc', 'api-key', 'create', '-f', ''], answer([], 0)],
  [['__completeNoDesc', 'api-key', 'create', '--file', 'bo'], answer([], 0)],
  [['__completeNoDesc', 'api-key', 'create', '--file=bo'], answer([], 0)],
  [['__completeNoDesc', 'api-key', 'create', '-qf', ''], answer([], 0)],
  [['__completeNoDesc', '-c', ''], answer(['yml', 'yaml'], 8)],
  [['__complete', 'api-key', 'ls', '--config', 'conf'], answer(['yml', 'yaml'], 8)],
  [['__completeNoDesc', 'api-key', 'ls', '-c=x'], answer(['yml', 'yaml'], 8)],
  // A flag with a free value: the shell's default.
  [['__completeNoDesc', '--server', ''], answer([], 0)],
  // A boolean flag takes no value after a blank: the word is an argument (here: a subcommand).
  [['__completeNoDesc', '--insecure', 'api'], answer(['api-key'], 4)],
  [['__completeNoDesc', '--insecure=false', 've'], answer(['version'], 4)],
  [['__completeNoDesc', '--insecure=', ''], answer([], 0)],
  // Positional context names: the ones not yet given, as many as the command takes.
  [['__completeNoDesc', 'context', 'use', ''], answer(CONTEXTS, 4)],
  [['__completeNoDesc', 'context', 'use', 'alpha-ctx', ''], answer([], 4)],
  [['__completeNoDesc', 'context', 'get', 'b'], answer(['beta-ctx'], 4)],
  [['__completeNoDesc', 'context', 'rm', 'alpha-ctx', ''], answer(['beta-ctx', 'evilctx'], 4)],
  [['__completeNoDesc', 'context', 'rm', '--', 'alpha-ctx', 'b'], answer(['beta-ctx'], 4)],
  [['__completeNoDesc', 'context', 'rename', 'al'], answer(['alpha-ctx'], 4)],
  [['__completeNoDesc', 'context', 'rename', 'alpha-ctx', ''], answer([], 4)],
  [['__completeNoDesc', 'context', 'update', 'be'], answer(['beta-ctx'], 4)],
  [['__completeNoDesc', 'context', 'update', '--comment', 'x', 'be'], answer(['beta-ctx'], 4)],
  // After --, nothing is a flag: no flag names, and a flag's value position is an argument.
  [
    ['__completeNoDesc', 'context', 'use', '--', '-'],
    answer(
      CONTEXTS.filter((c) => c.startsWith('-')),
      4,
    ),
  ],
  [['__completeNoDesc', 'context', 'rm', '--', '--context', ''], answer(CONTEXTS, 4)],
  // help: nothing more after -h/--help; `help` completes command paths.
  [['__completeNoDesc', 'api-key', 'create', '-h', ''], answer([], 4)],
  [['__completeNoDesc', 'api-key', '--help', '--'], answer([], 4)],
  [['__completeNoDesc', 'help', ''], answer(ROOT, 4)],
  [['__complete', 'help', 'completion', 'f'], answer(['fish\tGenerate the autocompletion script for fish'], 4)],
  [['__completeNoDesc', 'help', 'nope', ''], answer([], 4)],
  // Mistakes in earlier words: Cobra's error on stderr, the default directive.
  [['__completeNoDesc', 'api-key', 'ls', '--nope', ''], answer([], 0)],
  [['__completeNoDesc', 'api-key', 'ls', '--retry', 'x', ''], answer([], 0)],
  [['__completeNoDesc', 'context', 'rm', '--', '--nope', ''], answer(CONTEXTS, 4)],
];

describe('__complete: argv → stdout', () => {
  it.each(table)('qlik %j', async (argv, stdout) => {
    const r = await runQlik(argv, { home });
    expect(r.stdout).toBe(stdout);
    expect(r.code).toBe(0);
  });

  it('qlik __complete "" lists every command with its Short', async () => {
    const r = await runQlik(['__complete', ''], { home });
    const lines = r.stdout.split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual([...ROOT, ':4', '']);
    expect(lines).toContain('completion\tGenerate the autocompletion script for the specified shell');
    expect(lines).toContain('help\tHelp about any command');
    for (const l of lines.slice(0, ROOT.length)) expect(l).toMatch(/^[a-z-]+\t\S.*$/);
  });
});

describe('__complete: stderr and exit codes', () => {
  it('names the directive on stderr, as Cobra does', async () => {
    expect((await runQlik(['__complete', 'api-key', 'cr'], { home })).stderr).toBe(
      'Completion ended with directive: ShellCompDirectiveNoFileComp\n',
    );
    expect((await runQlik(['__complete', '-c', ''], { home })).stderr).toBe(
      'Completion ended with directive: ShellCompDirectiveFilterFileExt\n',
    );
    expect((await runQlik(['__complete', 'api-key', 'create', '-f', ''], { home })).stderr).toBe(
      'Completion ended with directive: ShellCompDirectiveDefault\n',
    );
  });

  it('says on stderr why nothing was offered', async () => {
    const unknown = await runQlik(['__complete', 'api-kye', 'x', ''], { home });
    expect(unknown.stderr).toBe(
      '[Error] unable to find a command for arguments: [api-kye x]\nCompletion ended with directive: ShellCompDirectiveDefault\n',
    );
    const badFlag = await runQlik(['__complete', 'api-key', 'ls', '--nope', ''], { home });
    expect(badFlag.stderr).toBe(
      '[Error] Error while parsing flags from args [--nope]: unknown flag: --nope\nCompletion ended with directive: ShellCompDirectiveDefault\n',
    );
    const badValue = await runQlik(['__complete', 'api-key', 'ls', '--retry', 'x', ''], { home });
    expect(badValue.stderr).toContain(
      '[Error] Error while parsing flags from args [--retry x]: invalid argument "x" for "--retry" flag',
    );
    expect(badValue.code).toBe(0);
  });

  it('without any word it fails like Cobra (MinimumNArgs(1))', async () => {
    const r = await runQlik(['__complete'], { home });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: requires at least 1 arg(s), only received 0\n');
  });

  it('QLIK_COMPLETION_DESCRIPTIONS=false (or COBRA_COMPLETION_DESCRIPTIONS=false) drops the descriptions', async () => {
    for (const env of [{ QLIK_COMPLETION_DESCRIPTIONS: 'false' }, { COBRA_COMPLETION_DESCRIPTIONS: '0' }]) {
      expect((await runQlik(['__complete', 'api-key', 'cr'], { home, env })).stdout).toBe('create\n:4\n');
    }
    const own = { QLIK_COMPLETION_DESCRIPTIONS: 'true', COBRA_COMPLETION_DESCRIPTIONS: 'false' };
    expect((await runQlik(['__complete', 'api-key', 'cr'], { home, env: own })).stdout).toBe(
      'create\tCreate API key\n:4\n',
    );
  });

  it('an unreadable contexts file offers no names and no error', async () => {
    const bad = await tempHome();
    await mkdir(join(bad, '.qlik'), { mode: 0o700 });
    await writeFile(join(bad, '.qlik', 'contexts.yml'), 'contexts: [\n', { mode: 0o600 });
    const r = await runQlik(['__completeNoDesc', 'context', 'use', ''], { home: bad });
    expect(r.stdout).toBe(':4\n');
    expect(r.code).toBe(0);
  });
});

describe('directive names', () => {
  it.each([
    [0, 'ShellCompDirectiveDefault'],
    [1, 'ShellCompDirectiveError'],
    [6, 'ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp'],
    [8, 'ShellCompDirectiveFilterFileExt'],
    [16, 'ShellCompDirectiveFilterDirs'],
    [36, 'ShellCompDirectiveNoFileComp, ShellCompDirectiveKeepOrder'],
    [64, 'ERROR: unexpected ShellCompDirective value: 64'],
  ])('%i → %s', (d, name) => {
    expect(directiveName(d)).toBe(name);
  });
});
