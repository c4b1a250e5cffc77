// Shell completion with the BUILT CLI (`npm run build` first): the bash script driven directly (always: it needs
// only bash), then real interactive shells in tmux — bash without and with the bash-completion package, zsh and
// fish — where TAB is pressed and the screen read back. A case whose shell (or tmux) is missing is skipped with a
// note naming it, and the summary line names it too. Also `qlik version`, which installers parse.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { assertBuilt, CLI_PACKAGE_JSON, lines, qlik, QLIK_JS, start, type RunResult } from './kit.js';
import { cleanEnv } from '../../../../test/kit/process.mjs';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { tempHome, writeContextsFile } from '../../../../test/kit/temp.js';

const run = promisify(execFile);
// Each shell test types and waits several times (every TAB starts the CLI): room for a loaded 2-core machine.
const SHELL_TEST_MS = 180_000;
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

function which(program: string): string | undefined {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const BASH = which('bash');
const TMUX = which('tmux');
const ZSH = which('zsh');
const FISH = which('fish');
const HAVE_BASH_COMPLETION = existsSync(BASH_COMPLETION);

/** Skip (with a note the summary line repeats) unless every named thing is installed. */
function need(ctx: TestContext, wanted: Record<string, boolean>): void {
  const missing = Object.entries(wanted)
    .filter(([, present]) => !present)
    .map(([name]) => name);
  if (missing.length > 0) ctx.skip(`${missing.join(', ')} not installed`);
}

let home: string;
let work: string;
let shimDir: string;

beforeAll(async () => {
  assertBuilt();
  home = await tempHome();
  shimDir = join(home, 'bin');
  work = join(home, 'work');
  await mkdir(shimDir);
  await mkdir(join(work, 'sub.dir'), { recursive: true });
  for (const f of ['body.json', 'conf.yml', 'other.yaml', 'notes.txt']) await writeFile(join(work, f), '');
  // The shells find `qlik` on PATH; this wrapper runs the built CLI.
  const shim = join(shimDir, 'qlik');
  await writeFile(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(QLIK_JS)} "$@"\n`);
  await chmod(shim, 0o755);
  await writeContextsFile(
    home,
    [
      'current-context: alpha-ctx',
      'contexts:',
      '  alpha-ctx:',
      '    server: https://alpha.example.com',
      '  beta-ctx:',
      '    server: https://beta.example.com',
      '  team ctx:',
      '    server: https://team.example.com',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  if (TMUX && home) await run(TMUX, ['-S', join(home, 'tmux.sock'), 'kill-server']).catch(() => undefined);
});

/** The environment of the shells: the shim first on PATH, a private HOME, nothing of ours (cleanEnv drops QLIK_*). */
function shellEnv(h = home): Record<string, string> {
  return {
    PATH: `${shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: h,
    QLIK_CLI_USER_HOME_DIR: h,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local'),
    ZDOTDIR: join(home, 'zdot'),
    TERM: 'screen',
    LANG: 'C.UTF-8',
  };
}

const sq = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

// ---------------------------------------------------------------------------------------------------------------
// The bash script driven directly: COMP_LINE/COMP_POINT set as bash sets them, __start_qlik called, COMPREPLY printed.

/** Runs `lines` through `__start_qlik` in a non-interactive bash; returns COMPREPLY per line, joined with `|`. */
async function bashReplies(
  requests: { line: string; type?: number; columns?: number }[],
  opts: { bashCompletion: boolean; flags?: string; home?: string },
): Promise<{ replies: string[]; result: RunResult }> {
  const asks = requests.map(({ line, type = 9, columns = 100 }) => `ask ${sq(line)} ${type} ${columns}`).join('\n');
  const script = `
set -u
${opts.bashCompletion ? `source ${BASH_COMPLETION}` : ''}
source <(qlik completion bash ${opts.flags ?? ''})
source <(qlik completion bash ${opts.flags ?? ''})
alias q=qlik
complete -o default -F __start_qlik q
ask() {
  COMP_LINE=$1 COMP_POINT=\${#1} COMP_TYPE=$2 COLUMNS=$3
  read -r -a COMP_WORDS <<< "$1"
  [[ $1 == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  __start_qlik 2> /dev/null
  # Sorted: compgen lists file names in directory order (bash sorts them before showing them too).
  local IFS=$'\\n'
  local -a sorted=($(printf '%s\\n' \${COMPREPLY[@]+"\${COMPREPLY[@]}"} | LC_ALL=C sort))
  IFS='|'
  printf '%s\\n' "\${sorted[*]}"
}
${asks}
`;
  const result = await start(BASH ?? 'bash', ['--norc', '--noprofile', '-O', 'expand_aliases', '-c', script], {
    home,
    cwd: work,
    env: shellEnv(opts.home),
    timeoutMs: 60_000,
  }).done;
  return { replies: lines(result.stdout), result };
}

const BASH_TABLE: [string, string, { type?: number; columns?: number }?][] = [
  ['qlik api-key cr', 'create'],
  ['qlik api-key zz', ''],
  ['qlik --context beta-ctx api-key --json cr', 'create'],
  ["qlik --context 'beta-ctx' api-key cr", 'create'],
  ['NO_COLOR=1 qlik ver', 'version'],
  // The alias recipe from Qlik's README (the alias is expanded to find the program).
  ['q api-key cr', 'create'],
  // Several candidates are listed with their descriptions, aligned, as Cobra's bash v2 script shows them.
  [
    'qlik completion ',
    'bash        (Generate the autocompletion script for bash)|fish        (Generate the autocompletion script for fish)|powershell  (Generate the autocompletion script for powershell)|zsh         (Generate the autocompletion script for zsh)',
  ],
  // … cut to the terminal's width …
  [
    'qlik completion ',
    'bash        (Generate the autocomplet…)|fish        (Generate the autocomplet…)|powershell  (Generate the autocomplet…)|zsh         (Generate the autocomplet…)',
    { columns: 40 },
  ],
  // … and plain in menu completion, which inserts them one by one.
  ['qlik completion ', 'bash|fish|powershell|zsh', { type: 37 }],
  ['qlik completion p', 'powershell'],
  ['qlik completion bash --no', '--no-descriptions'],
  // Flag values: --flag value, --flag=value (readline replaces only the part after the =).
  ['qlik --context ', 'alpha-ctx|beta-ctx|team\\ ctx'],
  ['qlik --context=b', 'beta-ctx'],
  ['qlik api-key ls --server-type=w', 'windows'],
  ['qlik api-key create --subType ext', 'externalClient'],
  // Names with blanks: escaped, or left as they are inside quotes.
  ['qlik context use te', 'team\\ ctx'],
  ['qlik context use team\\ c', 'team\\ ctx'],
  ['qlik context use "te', 'team ctx'],
  ['qlik context rm alpha-ctx ', 'beta-ctx|team\\ ctx'],
  // -c: .yml/.yaml files and directories; -f: readline's own file names (nothing from the script).
  ['qlik -c ', 'conf.yml|other.yaml|sub.dir'],
  ['qlik api-key ls --config=o', 'other.yaml'],
  ['qlik -c s', 'sub.dir'],
  ['qlik api-key create -f ', ''],
  // An unknown command: nothing (and no error on the terminal).
  ['qlik api-kye ', ''],
];

describe.concurrent('the bash script, driven directly', () => {
  for (const bashCompletion of [false, true]) {
    const label = bashCompletion ? 'with bash-completion loaded' : 'without bash-completion';
    it(
      `${label}: COMP_LINE → COMPREPLY, under set -u, sourced twice without a word on stderr`,
      async (ctx) => {
        need(ctx, { bash: BASH !== undefined, ...(bashCompletion ? { 'bash-completion': HAVE_BASH_COMPLETION } : {}) });
        const { replies, result } = await bashReplies(
          BASH_TABLE.map(([line, , o]) => ({ line, ...o })),
          { bashCompletion },
        );
        ctx.expect(result.stderr).toBe('');
        ctx.expect(result.code).toBe(0);
        ctx
          .expect(BASH_TABLE.map(([line, , o], i) => [line, o, replies[i]]))
          .toEqual(BASH_TABLE.map(([line, want, o]) => [line, o, want]));
      },
      SHELL_TEST_MS,
    );
  }

  // Issue 18 item 15: candidates that hold shell syntax, completed inside an open quote, are inserted so that the
  // finished word is the candidate itself (checked by letting bash parse the completed line). zsh (_describe →
  // compadd) and fish quote candidates themselves for the quoting the cursor is in, and the PowerShell script
  // replaces the whole token with a single-quoted string ('' for '); they need nothing of the script.
  it('inside an open double or single quote, names with " $ ` \\ \' are escaped for that quote', async (ctx) => {
    need(ctx, { bash: BASH !== undefined });
    const names = ['x"q', 'x$(id)', 'x`t`', 'x\\b', "x'y"];
    const own = await tempHome();
    await writeContextsFile(
      own,
      ['contexts:', ...names.flatMap((n) => [`  ${JSON.stringify(n)}:`, '    server: https://x.example.com']), ''].join(
        '\n',
      ),
    );
    const { replies, result } = await bashReplies(
      [
        { line: 'qlik context use "x', type: 37 },
        { line: "qlik context use 'x", type: 37 },
      ],
      {
        bashCompletion: false,
        home: own,
      },
    );
    ctx.expect(result.stderr).toBe('');
    const [dq = '', sqReplies = ''] = replies;
    ctx.expect(dq.split('|')).toEqual(["x'y", 'x\\"q', 'x\\$(id)', 'x\\\\b', 'x\\`t\\`']);
    ctx.expect(sqReplies.split('|')).toEqual(['x"q', 'x$(id)', "x'\\''y", 'x\\b', 'x`t`']);
    // What bash makes of each completed word (quote closed): exactly the context name, nothing run.
    for (const [open, list] of [
      ['"', dq],
      ["'", sqReplies],
    ] as const) {
      const words = list.split('|').map((w) => `${open}${w}${open}`);
      const parsed = await start(BASH ?? 'bash', ['--norc', '--noprofile', '-c', `printf '%s\\n' ${words.join(' ')}`], {
        home: own,
        env: shellEnv(own),
      }).done;
      ctx.expect(lines(parsed.stdout).sort()).toEqual([...names].sort());
    }
  });

  it('--no-descriptions: several candidates are listed by value only', async (ctx) => {
    need(ctx, { bash: BASH !== undefined });
    const { replies, result } = await bashReplies([{ line: 'qlik completion ' }, { line: 'qlik api-key cr' }], {
      bashCompletion: false,
      flags: '--no-descriptions',
    });
    ctx.expect(result.stderr).toBe('');
    ctx.expect(replies).toEqual(['bash|fish|powershell|zsh', 'create']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real shells in tmux: keys typed with send-keys, the screen read with capture-pane (polled against a deadline).

const PROMPT = 'QTEST> ';
let sessions = 0;

class Pane {
  private readonly socket: string;
  readonly name: string;

  private constructor(socket: string, name: string) {
    this.socket = socket;
    this.name = name;
  }

  /** A new tmux session running `argv` in the test's work directory; resolves once the prompt is shown. */
  static async open(argv: string[]): Promise<Pane> {
    sessions += 1;
    const pane = new Pane(join(home, 'tmux.sock'), `s${sessions}`);
    const env = Object.entries(shellEnv()).map(([k, v]) => `${k}=${v}`);
    const command = ['env', '-i', ...env, ...argv].map(sq).join(' ');
    await pane.tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      pane.name,
      '-x',
      '200',
      '-y',
      '50',
      '-c',
      work,
      command,
    );
    await pane.waitFor((s) => s.trimEnd().endsWith(PROMPT.trimEnd()), 'the prompt');
    return pane;
  }

  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run(TMUX ?? 'tmux', ['-S', this.socket, ...args], { env: cleanEnv(home) });
    return stdout;
  }

  /** Types text literally, then presses the named keys (e.g. Tab). */
  async type(text: string, ...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', this.name, '-l', text);
    for (const k of keys) await this.tmux('send-keys', '-t', this.name, k);
  }

  screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-t', this.name);
  }

  /** Polls the screen until `ok` holds; fails with the last screen after `ms`. */
  async waitFor(ok: (screen: string) => boolean, what: string, ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const screen = await this.screen();
      if (ok(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen.trimEnd()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    await this.tmux('kill-session', '-t', this.name).catch(() => undefined);
  }
}

/** The screen's last prompt line (where the command line being edited is). */
function commandLine(screen: string): string {
  const prompts = screen.split('\n').filter((l) => l.startsWith(PROMPT));
  return prompts.at(-1) ?? '';
}

interface ShellSetup {
  argv: string[];
  /** Files written before the shell starts (relative to HOME). */
  files: Record<string, string>;
  /** TABs that list ambiguous candidates (bash lists on the second one). */
  listKeys: string[];
}

function shellSetup(shell: 'bash' | 'bash-completion' | 'zsh' | 'fish', tag: string): ShellSetup {
  const err = join(home, `source-${tag}.err`);
  if (shell === 'bash' || shell === 'bash-completion') {
    const rc = [
      `PS1=${sq(PROMPT)}`,
      shell === 'bash-completion' ? `source ${BASH_COMPLETION}` : '',
      `source <(qlik completion bash) 2> ${sq(err)}`,
      `source <(qlik completion bash) 2>> ${sq(err)}`,
      'alias q=qlik',
      'complete -o default -F __start_qlik q',
    ].join('\n');
    return {
      argv: [BASH!, '--noprofile', '--rcfile', join(home, `rc-${tag}`), '-i'],
      files: { [`rc-${tag}`]: rc },
      listKeys: ['Tab', 'Tab'],
    };
  }
  if (shell === 'zsh') {
    const rc = [
      `PS1=${sq(PROMPT)}`,
      'autoload -U compinit',
      'compinit -u -D',
      `source <(qlik completion zsh) 2> ${sq(err)}`,
    ].join('\n');
    return { argv: [ZSH!, '--no-globalrcs', '-i'], files: { 'zdot/.zshrc': rc }, listKeys: ['Tab'] };
  }
  const init = `function fish_prompt; printf '%s' ${sq(PROMPT)}; end; qlik completion fish 2> ${sq(err)} | source`;
  return { argv: [FISH!, '--no-config', '--init-command', init, '-i'], files: {}, listKeys: ['Tab'] };
}

const SHELLS = [
  { shell: 'bash', label: 'bash without bash-completion', needs: () => ({ tmux: TMUX !== undefined }) },
  {
    shell: 'bash-completion',
    label: 'bash with bash-completion',
    needs: () => ({ tmux: TMUX !== undefined, 'bash-completion': HAVE_BASH_COMPLETION }),
  },
  { shell: 'zsh', label: 'zsh', needs: () => ({ tmux: TMUX !== undefined, zsh: ZSH !== undefined }) },
  { shell: 'fish', label: 'fish', needs: () => ({ tmux: TMUX !== undefined, fish: FISH !== undefined }) },
] as const;

describe.concurrent('TAB in real shells (tmux)', () => {
  for (const { shell, label, needs } of SHELLS) {
    it(
      `${label}: api-key cr<TAB> completes; -f <TAB> offers files; -c <TAB> only .yml/.yaml`,
      async (ctx) => {
        need(ctx, needs());
        const setup = shellSetup(shell, shell);
        await mkdir(join(home, 'zdot'), { recursive: true });
        for (const [f, text] of Object.entries(setup.files)) await writeFile(join(home, f), `${text}\n`);
        const open = async (): Promise<Pane> => Pane.open(setup.argv);

        // One shell per case, so that nothing on the screen is left over from the one before.
        const a = await open();
        ctx.expect(await readFile(join(home, `source-${shell}.err`), 'utf8')).toBe('');
        await a.type('qlik api-key cr', 'Tab');
        // The word is completed and followed by a space: the Z typed next stands apart.
        await a.type('Z');
        await a.waitFor((s) => commandLine(s) === `${PROMPT}qlik api-key create Z`, '`qlik api-key create Z`');
        await a.close();

        const b = await open();
        await b.type('qlik api-key create -f ', ...setup.listKeys);
        const files = await b.waitFor(
          (s) => ['body.json', 'conf.yml', 'notes.txt', 'other.yaml', 'sub.dir/'].every((f) => s.includes(f)),
          'the file names',
        );
        ctx.expect(commandLine(files)).toMatch(/^QTEST> qlik api-key create -f\s*$/);
        await b.close();

        const c = await open();
        await c.type('qlik -c ', ...setup.listKeys);
        const yml = await c.waitFor(
          (s) => ['conf.yml', 'other.yaml', 'sub.dir/'].every((f) => s.includes(f)),
          'the .yml/.yaml files',
        );
        ctx.expect(yml).not.toContain('body.json');
        ctx.expect(yml).not.toContain('notes.txt');
        await c.close();
      },
      SHELL_TEST_MS,
    );
  }

  for (const shell of ['bash', 'bash-completion'] as const) {
    const label = shell === 'bash' ? 'bash without bash-completion' : 'bash with bash-completion';
    it(
      `${label}: descriptions in the list, and Qlik's alias recipe`,
      async (ctx) => {
        need(ctx, SHELLS.find((s) => s.shell === shell)!.needs());
        const setup = shellSetup(shell, `${shell}-2`);
        for (const [f, text] of Object.entries(setup.files)) await writeFile(join(home, f), `${text}\n`);

        const a = await Pane.open(setup.argv);
        await a.type('qlik completion ', 'Tab', 'Tab');
        await a.waitFor(
          (s) =>
            s.includes('bash        (Generate the autocompletion script for bash)') &&
            s.includes('zsh         (Generate the autocompletion script for zsh)'),
          'the candidates with their descriptions',
        );
        await a.close();

        const b = await Pane.open(setup.argv);
        await b.type('q api-key cr', 'Tab');
        await b.type('Z');
        await b.waitFor((s) => commandLine(s) === `${PROMPT}q api-key create Z`, '`q api-key create Z`');
        await b.close();
      },
      SHELL_TEST_MS,
    );
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The recipe `qlik completion bash --help` gives for new sessions, run as printed, and key ids from a tenant (an
// emulator) offered on TAB, in bash with and without the bash-completion package.

describe.concurrent('the --help recipe and tenant ids in real bash (tmux)', () => {
  const emu = useEmulator({ reset: false });
  let config = '';
  let keyId = '';
  beforeAll(async () => {
    const made = await emu.call('POST', '/api/v1/api-keys', {
      token: emu.dev.apiKey,
      body: { description: 'tab me', expiry: 'PT1H' },
    });
    keyId = made.body.id as string;
    config = join(home, 'emu.yml');
    await writeFile(config, `server: ${emu.url}\napi-key: ${emu.dev.apiKey}\n`, { mode: 0o600 });
  });
  for (const shell of ['bash', 'bash-completion'] as const) {
    const label = shell === 'bash' ? 'bash without bash-completion' : 'bash with bash-completion';
    it(
      `${label}: the ~/.bashrc line from --help loads completion; api-key rm <TAB><TAB> lists key ids with descriptions`,
      async (ctx) => {
        need(ctx, SHELLS.find((s) => s.shell === shell)!.needs());
        // The recipe, exactly as the help prints it, run in a home of its own.
        const help = await qlik(['completion', 'bash', '--help'], { home });
        const recipe = lines(help.stdout)
          .find((l) => l.includes('~/.bashrc') && l.includes('source <('))
          ?.trim();
        ctx.expect(recipe).toBe("echo 'source <(qlik completion bash)' >> ~/.bashrc");
        const rcHome = join(home, `rc-home-${shell}`);
        await mkdir(rcHome, { recursive: true });
        await writeFile(
          join(rcHome, '.bashrc'),
          `PS1=${sq(PROMPT)}\n${shell === 'bash-completion' ? `source ${BASH_COMPLETION}\n` : ''}`,
        );
        await run('/bin/sh', ['-c', recipe!], { env: { ...shellEnv(), HOME: rcHome } });
        const rc = join(home, `rc-recipe-${shell}`);
        // bash reads ~/.bashrc of this HOME; the rest of the environment is the tests' (HOME itself stays the test's).
        await writeFile(rc, `source ${sq(join(rcHome, '.bashrc'))}\n`);

        const a = await Pane.open([BASH!, '--noprofile', '--rcfile', rc, '-i']);
        await a.type('qlik api-key cr', 'Tab');
        await a.type('Z');
        await a.waitFor((s) => commandLine(s) === `${PROMPT}qlik api-key create Z`, '`qlik api-key create Z`');
        await a.close();

        const b = await Pane.open([BASH!, '--noprofile', '--rcfile', rc, '-i']);
        await b.type(`qlik -c ${config} api-key rm `, 'Tab', 'Tab');
        // Each TAB's request has a 1 s budget (COMPLETION_BUDGET_MS) and offers nothing when it runs out, as it may on
        // a machine loaded by the whole suite: then the test presses TAB TAB again, as a user would, up to 3 times.
        const listed = (s: string): boolean => s.includes(keyId) && s.includes('(tab me)');
        const screen = await (async (): Promise<string> => {
          for (let attempt = 1; ; attempt++) {
            try {
              return await b.waitFor(listed, 'the key id with its description', 10_000);
            } catch (e) {
              if (attempt === 3) throw e;
              await b.type('', 'Tab', 'Tab');
            }
          }
        })();
        ctx.expect(screen).not.toContain('body.json');
        await b.close();
      },
      SHELL_TEST_MS,
    );
  }
});

// ---------------------------------------------------------------------------------------------------------------

describe.concurrent('the protocol and the scripts, from the built binary', () => {
  it('qlik __complete api-key cr prints Cobra’s answer', async ({ expect }) => {
    const r = await qlik(['__complete', 'api-key', 'cr'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('create\tCreate API key\n:4\n');
    expect(r.stderr).toBe('Completion ended with directive: ShellCompDirectiveNoFileComp\n');
    const noDesc = await qlik(['__completeNoDesc', 'api-key', 'cr'], { home });
    expect(noDesc.stdout).toBe('create\n:4\n');
  });

  it('every script calls __complete, and __completeNoDesc with --no-descriptions; the bytes of src/cmd/completion/scripts/ as recorded', async ({
    expect,
  }) => {
    const recorded = JSON.parse(
      await readFile(new URL('../fixtures/completion-sha256.json', import.meta.url), 'utf8'),
    ) as Record<string, [string, string]>;
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
      const [withDesc, noDesc] = await Promise.all([
        qlik(['completion', shell], { home }),
        qlik(['completion', shell, '--no-descriptions'], { home }),
      ]);
      expect(withDesc.code, withDesc.stderr).toBe(0);
      expect(noDesc.code, noDesc.stderr).toBe(0);
      expect(withDesc.stdout, shell).toMatch(/ __complete\s/);
      expect(withDesc.stdout, shell).not.toContain('__completeNoDesc');
      expect(noDesc.stdout, shell).toMatch(/ __completeNoDesc\s/);
      expect(noDesc.stdout.replaceAll('__completeNoDesc', ''), shell).not.toContain('__complete');
      expect([sha256(withDesc.stdout), sha256(noDesc.stdout)], shell).toEqual(recorded[shell]);
    }
    expect((await qlik(['completion', 'bash'], { home })).stdout).toContain('\n__start_qlik() {\n');
  });

  it('qlik version: the last token of the last line is the package version', async ({ expect }) => {
    const pkg = JSON.parse(await readFile(CLI_PACKAGE_JSON, 'utf8')) as { version: string };
    const r = await qlik(['version'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const last = lines(r.stdout)
      .filter((l) => l.trim() !== '')
      .at(-1)!;
    expect(last.trim().split(/\s+/).at(-1)).toBe(pkg.version);
  });
});
