// `… edit` commands: fetch a resource, open its editable fields as JSON in $EDITOR, and send a JSON Patch of what
// changed (nothing changed: no request). Declared as data like the other REST verbs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { CliError, HttpError } from '../cmdutil/errors.js';
import type { Factory } from '../cmdutil/factory.js';
import { addFlags, quietFlag, rawFlag, retryFlags } from '../cmdutil/flags.js';
import { commandPath, setMeta } from '../cmdutil/help.js';
import type { HttpClient, RetryPolicy } from '../http/client.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { fillPath, positionalArgs, retryPolicy } from './runner.js';

export interface EditOperation {
  use: string;
  short: string;
  long: string;
  /** GET and PATCH path, with `{arg}` placeholders. */
  path: string;
  /** Top-level fields the editor shows; only these can change. */
  fields: readonly string[];
  argDefaults?: Record<string, (http: HttpClient, retry: RetryPolicy) => Promise<string>>;
  /** Check an edited value before sending (e.g. a duration). */
  check?: (field: string, value: unknown) => Promise<void>;
}

export interface EditOptions {
  op: EditOperation;
  io: IOStreams;
  http: () => Promise<HttpClient>;
  args: Record<string, string>;
  retry: RetryPolicy;
  editor: string;
  path: string;
}

export function editorCommand(env: Record<string, string | undefined>): string {
  return env.VISUAL || env.EDITOR || (process.platform === 'win32' ? 'notepad' : 'vi');
}

/** Run the editor on a file; the command line comes from $EDITOR and may hold arguments (`code --wait`). */
async function runEditor(editor: string, file: string, io: IOStreams): Promise<void> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], {
      stdio: [io.isStdinTTY ? 'inherit' : 'ignore', io.isStdoutTTY ? 'inherit' : 'ignore', 'inherit'],
    });
    child.on('error', (e) => reject(new CliError(`cannot start the editor ${JSON.stringify(editor)}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CliError(`the editor ${JSON.stringify(editor)} exited with ${signal ?? `code ${code ?? '?'}`}; nothing was changed`));
    });
  });
}

export function newCmdEditOperation(f: Factory, op: EditOperation, runF: (o: EditOptions) => Promise<void> = runEdit): Command {
  const name = op.use.split(' ')[0] ?? op.use;
  const cmd = new Command(name).description(op.short).argument('[args...]').allowExcessArguments(true);
  setMeta(cmd, { use: op.use, short: op.short, long: op.long, runnable: true });
  addFlags(cmd, [...retryFlags, quietFlag, rawFlag]);
  cmd.action(async (positional: string[]) => {
    const args = positionalArgs(op.use, positional, Object.keys(op.argDefaults ?? {}));
    const o = cmd.opts<{ retry?: number; interval?: number }>();
    await runF({
      op,
      io: f.io,
      http: () => f.httpClient(cmd),
      args,
      retry: retryPolicy(o.retry, o.interval),
      editor: editorCommand(f.env),
      path: commandPath(cmd),
    });
  });
  return cmd;
}

export async function runEdit(o: EditOptions): Promise<void> {
  const http = await o.http();
  const args = { ...o.args };
  for (const [n, find] of Object.entries(o.op.argDefaults ?? {})) args[n] ??= await find(http, o.retry);
  const path = fillPath(o.op.path, args);
  const res = await http.send({ method: 'GET', path }, o.retry);
  if (res.status !== 200) throw HttpError.fromResponse(res);
  const current = JSON.parse(res.text) as Record<string, unknown>;
  const shown = Object.fromEntries(o.op.fields.filter((k) => k in current).map((k) => [k, current[k]]));
  const dir = await mkdtemp(join(tmpdir(), 'qlik-edit-'));
  const file = join(dir, 'resource.json');
  try {
    const before = `${JSON.stringify(shown, null, 2)}\n`;
    await writeFile(file, before, { mode: 0o600 });
    await runEditor(o.editor, file, o.io);
    const after = await readFile(file, 'utf8');
    let edited: unknown;
    try {
      edited = JSON.parse(after);
    } catch (e) {
      throw new CliError(`the edited file is not valid JSON (${(e as Error).message}); nothing was changed`);
    }
    if (!edited || typeof edited !== 'object' || Array.isArray(edited)) throw new CliError('the edited file must hold one JSON object; nothing was changed');
    const patch: { op: 'replace'; path: string; value: unknown }[] = [];
    for (const [k, v] of Object.entries(edited as Record<string, unknown>)) {
      if (!o.op.fields.includes(k)) throw new CliError(`field ${JSON.stringify(k)} cannot be edited (editable: ${o.op.fields.join(', ')}); nothing was changed`);
      if (JSON.stringify(v) !== JSON.stringify(shown[k])) {
        await o.op.check?.(k, v);
        patch.push({ op: 'replace', path: `/${k}`, value: v });
      }
    }
    if (patch.length === 0) {
      o.io.warn('Nothing changed');
      return;
    }
    const pres = await http.send({ method: 'PATCH', path, body: patch }, o.retry);
    if (pres.status >= 300) throw HttpError.fromResponse(pres);
    o.io.warn(`Updated ${patch.map((p) => p.path.slice(1)).join(', ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
