// What a person sees when qlik-emulator runs on a terminal: a short summary (URL, tenant, users and roles,
// and a `qlik context create` line to paste) instead of the JSON line, which is full of tokens. The keys are
// not shown: each user's key is written to an owner-only file, which the pasted line feeds to `--api-key -`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorUser, StartupInfo } from '../shared/info.js';

/** C0/C1 controls, DEL and bidi overrides (from a seed file or the data file) never reach the terminal. */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** `text` as one shell word (single-quoted unless it is plainly safe). */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

interface KeyFiles {
  /** The file holding each user's key, by user id. */
  byUser: Map<string, string>;
  /** Removes the files and their folder. */
  cleanup(): void;
}

/** Writes each user's key to `<folder>/<name>.key` (0600) in a fresh owner-only folder in the temp folder. */
export function writeKeyFiles(users: readonly EmulatorUser[]): KeyFiles {
  const dir = mkdtempSync(join(tmpdir(), 'qlik-emulator-keys-'));
  const byUser = new Map<string, string>();
  const taken = new Set<string>();
  try {
    for (const [i, user] of users.entries()) {
      let base = user.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'user';
      if (taken.has(base)) base = `${base}-${i + 1}`;
      taken.add(base);
      const file = join(dir, `${base}.key`);
      writeFileSync(file, user.apiKey, { mode: 0o600, flag: 'wx' });
      byUser.set(user.id, file);
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { byUser, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The user a pasted context should use: the first TenantAdmin, else the first user. */
function contextUser(users: readonly EmulatorUser[]): EmulatorUser | undefined {
  return users.find((u) => u.roles.includes('TenantAdmin')) ?? users[0];
}

/** The summary's lines (without a trailing newline). */
export function renderSummary(info: StartupInfo, version: string, keys: KeyFiles['byUser']): string {
  const lines = [`qlik-emulator ${version} is ready at ${info.url}`, '', `  tenant  ${terminalSafe(info.tenantId)}`];
  const rolesOf = (user: EmulatorUser): string =>
    user.roles.length === 0 ? '(no roles)' : user.roles.map(terminalSafe).join(', ');
  const width = Math.max(0, ...info.users.map((u) => terminalSafe(u.name).length));
  const rolesWidth = Math.max(0, ...info.users.map((u) => rolesOf(u).length));
  for (const [i, user] of info.users.entries()) {
    const file = keys.get(user.id);
    const row = `  ${i === 0 ? 'users ' : '      '}  ${terminalSafe(user.name).padEnd(width)}  ${rolesOf(user).padEnd(rolesWidth)}`;
    lines.push(file === undefined ? row.trimEnd() : `${row}  key in ${terminalSafe(file)}`);
  }
  if (info.caCert !== undefined) lines.push(`  CA      ${terminalSafe(info.caCert)}`);
  const user = contextUser(info.users);
  const file = user && keys.get(user.id);
  if (user && file !== undefined) {
    lines.push(
      '',
      `Use it with the qlik CLI as ${terminalSafe(user.name)} (the key is read from its file, never shown):`,
    );
    if (info.caCert !== undefined) lines.push(`  export NODE_EXTRA_CA_CERTS=${terminalSafe(shellWord(info.caCert))}`);
    lines.push(
      `  qlik context create emulator --server ${info.url} --api-key - < ${terminalSafe(shellWord(file))}`,
      '  qlik context use emulator',
    );
  }
  lines.push(
    '',
    `${keys.size > 0 ? 'The key files are removed when the emulator stops. ' : ''}The JSON line: --json, or GET ${info.url}/__emulator/info.`,
    'Ctrl-C stops it.',
  );
  return lines.join('\n');
}
