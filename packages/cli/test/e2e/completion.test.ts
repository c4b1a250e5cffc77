// Shell completion in real shells: the generated scripts are loaded into bash (with bash-completion), zsh and fish,
// with a `qlik` on PATH that runs the built binary; each shell is asked to complete a partial command line.
// Also `qlik version`, which installers parse.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  assertBuilt,
  CLI_PACKAGE_JSON,
  contextsFile,
  lines,
  qlik,
  QLIK_JS,
  removeDir,
  start,
  tempDir,
  type RunResult,
} from './kit.js';

const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

let home: string;
let shimDir: string;

beforeAll(async () => {
  assertBuilt();
  home = await tempDir('qlik-e2e-completion-');
  shimDir = join(home, 'bin');
  await mkdir(shimDir);
  // The shells find `qlik` on PATH; this wrapper runs the built CLI.
  const shim = join(shimDir, 'qlik');
  await writeFile(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(QLIK_JS)} "$@"\n`);
  await chmod(shim, 0o755);
  await mkdir(join(home, '.qlik'), { mode: 0o700 });
  await writeFile(
    contextsFile(home),
    'current-context: alpha-ctx\ncontexts:\n  alpha-ctx:\n    server: https://alpha.example.com\n  beta-ctx:\n    server: https://beta.example.com\n',
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await removeDir(home);
});

function which(program: string): string | undefined {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const ZSH = which('zsh');
const FISH = which('fish');

/** Run a shell with the shim first on PATH and a private HOME. */
function shell(program: string, args: string[], script: string): Promise<RunResult> {
  return start(program, [...args, script], {
    home,
    env: {
      PATH: `${shimDir}:${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local'),
    },
    timeoutMs: 60_000,
  }).done;
}

/** Split the output of several completion requests separated by `---` lines. */
function sections(stdout: string): string[][] {
  const out: string[][] = [[]];
  for (const l of lines(stdout)) {
    if (l === '---') out.push([]);
    else out.at(-1)!.push(l);
  }
  out.pop();
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();

describe.concurrent('completion scripts in real shells', () => {
  it('bash (with bash-completion): commands, context names and --subType values', async ({ expect }) => {
    expect(
      existsSync(BASH_COMPLETION),
      `${BASH_COMPLETION} is missing: install bash-completion (apt-get install bash-completion); this test needs it`,
    ).toBe(true);
    const script = `
set -u
source ${BASH_COMPLETION}
source <(qlik completion bash)
fn=$(complete -p qlik | sed -E 's/.*-F ([^ ]+).*/\\1/')
ask() {
  COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()
  "$fn" qlik "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
  printf '%s\\n' "\${COMPREPLY[@]}"
  echo ---
}
ask qlik api-key cr
ask qlik --context ''
ask qlik api-key create --subType ''
ask qlik context use b
ask qlik --server-type ''
`;
    const r = await shell('bash', ['--norc', '--noprofile', '-c'], script);
    expect(r.code, r.stderr).toBe(0);
    const [cr, ctx, subType, use, serverType] = sections(r.stdout);
    expect(cr).toEqual(['create']);
    expect(sorted(ctx!)).toEqual(['alpha-ctx', 'beta-ctx']);
    expect(sorted(subType!)).toEqual(['externalClient', 'user']);
    expect(use).toEqual(['beta-ctx']);
    expect(sorted(serverType!)).toEqual(['cloud', 'engine', 'windows']);
  });

  // zsh and fish are optional: their tests run where the shell is installed.
  it.skipIf(ZSH === undefined)(
    'zsh: the generated function, called with words/CURRENT, offers values with descriptions (and without, with --no-descriptions)',
    async ({ expect }) => {
      const zsh = ZSH!;
      // Outside a completion widget, `_describe` (which would hand the candidates to compadd) is replaced by a
      // function that prints them; `compdef` (from compinit) is not needed to call the function directly.
      const script = (flags: string) => `
compdef() { : }
_describe() {
  while [[ $1 == -* ]]; do shift; done
  shift
  print -rl -- "\${(@P)1}"
  return 0
}
source <(qlik completion zsh ${flags})
words=(qlik api-key cr); CURRENT=3; _qlik; echo ---
${
  flags === ''
    ? `words=(qlik --context ''); CURRENT=3; _qlik; echo ---
words=(qlik api-key create --subType ''); CURRENT=5; _qlik; echo ---`
    : ''
}
`;
      const [withDesc, noDesc] = await Promise.all([
        shell(zsh, ['-f', '-c'], script('')),
        shell(zsh, ['-f', '-c'], script('--no-descriptions')),
      ]);
      expect(withDesc.code, withDesc.stderr).toBe(0);
      expect(noDesc.code, noDesc.stderr).toBe(0);
      const [cr, ctx, subType] = sections(withDesc.stdout);
      expect(cr).toEqual(['create:Create API key']);
      expect(sorted(ctx!)).toEqual(['alpha-ctx', 'beta-ctx']);
      expect(sorted(subType!)).toEqual(['externalClient', 'user']);
      expect(sections(noDesc.stdout)[0]).toEqual(['create']);
    },
  );

  it.skipIf(FISH === undefined)(
    'fish: complete -C after sourcing the script (and values only with --no-descriptions)',
    async ({ expect }) => {
      const fish = FISH!;
      const script = (flags: string) => `
qlik completion fish ${flags} | source
complete -C 'qlik api-key cr'; echo ---
${
  flags === ''
    ? `complete -C 'qlik --context '; echo ---
complete -C 'qlik api-key create --subType '; echo ---
complete -C 'qlik context rm al'; echo ---`
    : ''
}
`;
      const [withDesc, noDesc] = await Promise.all([
        shell(fish, ['--no-config', '-c'], script('')),
        shell(fish, ['--no-config', '-c'], script('--no-descriptions')),
      ]);
      expect(withDesc.code, withDesc.stderr).toBe(0);
      const [cr, ctx, subType, rm] = sections(withDesc.stdout);
      expect(cr).toEqual(['create\tCreate API key']);
      expect(sorted(ctx!)).toEqual(['alpha-ctx', 'beta-ctx']);
      expect(sorted(subType!)).toEqual(['externalClient', 'user']);
      expect(rm).toEqual(['alpha-ctx']);
      expect(noDesc.code, noDesc.stderr).toBe(0);
      expect(sections(noDesc.stdout)[0]).toEqual(['create']);
    },
  );
});

describe.concurrent('completion scripts', () => {
  it('--no-descriptions scripts call back for values without descriptions, in every shell', async ({ expect }) => {
    const shells = ['bash', 'zsh', 'fish', 'powershell'];
    const scripts = await Promise.all(shells.map((s) => qlik(['completion', s, '--no-descriptions'], { home })));
    for (const [i, r] of scripts.entries()) {
      expect(r.code, `${shells[i]!}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('qlik complete --no-descriptions ');
    }
    const [withDesc, noDesc] = await Promise.all([
      qlik(['complete', '--', 'api-key', ''], { home }),
      qlik(['complete', '--no-descriptions', '--', 'api-key', ''], { home }),
    ]);
    expect(lines(withDesc.stdout)).toContain('create\tCreate API key');
    expect(lines(noDesc.stdout)).toEqual(['config', 'create', 'edit', 'get', 'ls', 'patch', 'rm', ':4']);
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
