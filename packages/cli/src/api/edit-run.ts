// What `… edit` does when it runs (edit.ts declares the commands): fetch, edit in $EDITOR, send a JSON Patch.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Invocation } from '../cmdutil/command.js';
import type { Factory } from '../cmdutil/factory.js';
import { quietFlag } from '../cmdutil/flags.js';
import { CliError, HttpError } from '../errors/errors.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { jsonErrorPosition } from '../text/json.js';
import { EDIT_FLAGS, type EditOperation } from './operation.js';
import { parseJsonBody, printEmpty } from './response.js';
import { checkPathArgs, fillPath, positionalArgs, Values } from './values.js';

export async function runEditCommand(f: Factory, op: EditOperation, inv: Invocation): Promise<void> {
  const values = await Values.of(f, inv, EDIT_FLAGS);
  const args = positionalArgs(op.use, inv.args, Object.keys(op.argDefaults ?? {}));
  checkPathArgs(op.path, args);
  await runEdit(f, op, args, values);
}

function editorCommand(env: Record<string, string | undefined>): string {
  return env.VISUAL || env.EDITOR || (process.platform === 'win32' ? 'notepad' : 'vi');
}

/** How long an editor may take to end after SIGTERM (an interrupt) before it is killed. */
const EDITOR_GRACE_MS = 1000;

/**
 * The shell command that runs the editor on `$1`. The editor command comes from $EDITOR and may hold arguments
 * (`code --wait`); `exec` makes the shell become the editor, so that ending the child ends the editor itself (dash,
 * Debian's sh, would otherwise leave it running). A command that starts with a variable assignment cannot follow
 * `exec` and runs as it is.
 */
function editorShellCommand(editor: string): string {
  return /^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(editor) ? `${editor} "$1"` : `exec ${editor} "$1"`;
}

/**
 * Run the editor on a file. An interrupt ends the editor (SIGTERM, then SIGKILL after EDITOR_GRACE_MS) and rejects
 * once it has exited.
 */
async function runEditor(editor: string, file: string, io: IOStreams, signal: AbortSignal): Promise<void> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const stdio = [io.isStdinTTY ? 'inherit' : 'ignore', io.isStdoutTTY ? 'inherit' : 'ignore', 'inherit'] as const;
    // Windows has no /bin/sh: the command runs through cmd.exe (Node's `shell: true` runs `%ComSpec% /d /s /c "…"`),
    // which finds `notepad`, a .cmd such as VS Code's `code`, and a command with arguments (`code --wait`) as the
    // user's prompt does. The file name is quoted with "…" (a Windows file name cannot contain a "). Ending cmd.exe on
    // an interrupt does not end the editor it started; a console Ctrl-C reaches the editor too, and nothing is sent.
    const child =
      process.platform === 'win32'
        ? spawn(`${editor} "${file}"`, { shell: true, stdio: [...stdio] })
        : spawn('/bin/sh', ['-c', editorShellCommand(editor), 'sh', file], { stdio: [...stdio] });
    let killer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), EDITOR_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killer);
      reject(new CliError(`cannot start the editor ${JSON.stringify(editor)}: ${e.message}`));
    });
    child.on('exit', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killer);
      if (signal.aborted) reject(signal.reason as Error);
      else if (code === 0) resolve();
      else
        reject(
          new CliError(
            `the editor ${JSON.stringify(editor)} exited with ${sig ?? `code ${code ?? '?'}`}; nothing was changed`,
          ),
        );
    });
  });
}

async function runEdit(f: Factory, op: EditOperation, given: Record<string, string>, values: Values): Promise<void> {
  const retry = values.retryPolicy();
  const http = await f.httpClient();
  const args = { ...given };
  for (const [n, find] of Object.entries(op.argDefaults ?? {})) args[n] ??= await find(http, retry);
  const path = fillPath(op.path, args);
  const res = await http.send({ method: 'GET', path }, retry);
  if (res.status !== 200) throw HttpError.fromResponse(res);
  const current = (parseJsonBody(res) ?? {}) as Record<string, unknown>;
  const shown = Object.fromEntries(op.fields.filter((k) => k in current).map((k) => [k, current[k]]));
  const dir = await mkdtemp(join(tmpdir(), 'qlik-edit-'));
  const file = join(dir, 'resource.json');
  try {
    const before = `${JSON.stringify(shown, null, 2)}\n`;
    await writeFile(file, before, { mode: 0o600 });
    await runEditor(editorCommand(f.env), file, f.io, f.signal);
    const after = await readFile(file, 'utf8');
    let edited: unknown;
    try {
      edited = JSON.parse(after);
    } catch {
      const where = await jsonErrorPosition(after);
      throw new CliError(
        `the edited file is not valid JSON${where === undefined ? '' : ` (at ${where})`}; nothing was changed`,
      );
    }
    if (!edited || typeof edited !== 'object' || Array.isArray(edited))
      throw new CliError('the edited file must hold one JSON object; nothing was changed');
    const patch: { op: 'replace'; path: string; value: unknown }[] = [];
    for (const [k, v] of Object.entries(edited as Record<string, unknown>)) {
      if (!op.fields.includes(k))
        throw new CliError(
          `field ${JSON.stringify(k)} cannot be edited (editable: ${op.fields.join(', ')}); nothing was changed`,
        );
      if (JSON.stringify(v) !== JSON.stringify(shown[k])) {
        await op.check?.(k, v);
        patch.push({ op: 'replace', path: `/${k}`, value: v });
      }
    }
    if (patch.length === 0) {
      f.io.warn('Nothing changed');
      return;
    }
    const pres = await http.send({ method: 'PATCH', path, body: patch }, retry, { idempotent: true });
    if (pres.status >= 300) throw HttpError.fromResponse(pres);
    if (pres.text === '' && values.get(quietFlag) !== true) await printEmpty(f.io, pres, await f.jsonMode());
    f.io.warn(`Updated ${patch.map((p) => p.path.slice(1)).join(', ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
