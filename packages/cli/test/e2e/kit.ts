// End-to-end kit: runs the BUILT CLI (`node packages/cli/bin/qlik.cjs`) as a child process with a temporary home and
// a clean environment (both from the shared process kit, test/kit/process.mjs), with helpers to point it at an
// emulator.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator, EmulatorUser, RequestLogEntry } from '../../../../test/kit/emulator.js';
import { cleanEnv, QLIK, start as startProcess, type ProcessResult } from '../../../../test/kit/process.mjs';
import { tempHome } from '../../../../test/kit/temp.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const QLIK_JS = QLIK;
export const CLI_PACKAGE_JSON = join(REPO_ROOT, 'packages', 'cli', 'package.json');

export function assertBuilt(): void {
  for (const f of [
    QLIK_JS,
    join(REPO_ROOT, 'packages/cli/dist/main.cjs'),
    join(REPO_ROOT, 'packages/emulator/bin/qlik-emulator.js'),
  ]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` before the end-to-end tests`);
  }
}

export type RunResult = ProcessResult;

export interface RunOptions {
  home: string;
  /** Added to the clean environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<RunResult>;
}

/** Start a process and collect its output; `done` resolves when it exits (or is killed after the timeout). */
export function start(file: string, args: string[], o: RunOptions & { keepStdinOpen?: boolean }): Spawned {
  return startProcess(file, args, {
    env: cleanEnv(o.home, o.env),
    cwd: o.cwd ?? o.home,
    timeoutMs: o.timeoutMs ?? 30_000,
    ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
    ...(o.keepStdinOpen ? { keepStdinOpen: true } : {}),
  });
}

/** Run the built CLI once. */
export function qlik(args: string[], o: RunOptions): Promise<RunResult> {
  return start(process.execPath, [QLIK_JS, ...args], o).done;
}

/** Run a /bin/sh script in which the function `qlik` runs the built CLI (e.g. `qlik api-key ls | head -c 1`). */
export function sh(script: string, o: RunOptions): Promise<RunResult> {
  const env = { ...o.env, QLIK_NODE: process.execPath, QLIK_JS };
  return start('/bin/sh', ['-c', `qlik() { "$QLIK_NODE" "$QLIK_JS" "$@"; }\n${script}`], { ...o, env }).done;
}

export function contextsFile(home: string): string {
  return join(home, '.qlik', 'contexts.yml');
}

/** Write a contexts file in Qlik's format: one context per user (named after the user), `current` selected. */
export async function writeContexts(
  home: string,
  emu: Emulator,
  users: EmulatorUser[],
  current: string,
  extra = '',
): Promise<void> {
  const lines = [`current-context: ${current}`, 'contexts:'];
  for (const u of users) {
    lines.push(`  ${u.name}:`, `    server: ${emu.url}`, '    headers:', `      Authorization: Bearer ${u.apiKey}`);
  }
  await mkdir(join(home, '.qlik'), { recursive: true, mode: 0o700 });
  await writeFile(contextsFile(home), `${lines.join('\n')}\n${extra}`, { mode: 0o600 });
}

/** A home whose contexts are `admin`, `dev` and `viewer` for the emulator's users, with `current` selected. */
export async function emulatorHome(emu: Emulator, current = 'admin'): Promise<string> {
  const home = await tempHome();
  await writeContexts(home, emu, [emu.admin, emu.dev, emu.viewer], current);
  return home;
}

/** The requests to the public API (the control API is not logged). */
export async function apiRequests(emu: Emulator): Promise<RequestLogEntry[]> {
  return (await emu.requests()).filter((r) => r.path.startsWith('/api/'));
}

let tagCounter = 0;

/**
 * A unique value for the `X-Test-Run` header, so that tests running at the same time against one emulator can each
 * find their own requests in its request log.
 */
export function newTag(): string {
  tagCounter += 1;
  return `run-${process.pid}-${tagCounter}`;
}

/** Public-API requests that carried `X-Test-Run: tag`. */
export async function requestsTagged(emu: Emulator, tag: string): Promise<RequestLogEntry[]> {
  return (await apiRequests(emu)).filter((r) => r.headers['x-test-run'] === tag);
}

/** Parse stdout as JSON, with the raw text in the error when it is not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
export function json(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`stdout is not JSON:\n${text}`);
  }
}

/** stderr lines without the empty last one. */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l.at(-1) === '') l.pop();
  return l;
}
