// Helpers for the per-verb tests (src/cmd/<group>/<verb>.test.ts): a run against a stub registry whose stubs must
// all be used, the shape of what was sent, $EDITOR scripts, and a local node:http server for what a stub cannot
// show (the real transport).
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { json, StubRegistry, type RecordedRequest } from './httpmock.js';
import { homeWithContext, runQlik, tempHome, type RunOptions, type RunResult } from './run.js';

/** The server of the current context in stubbed runs. */
export const SERVER = 'https://tenant.example.com';

export interface StubbedRun extends RunResult {
  requests: RecordedRequest[];
}

/**
 * Run `qlik argv` in-process against the stubs that `setup` registers (none: any request fails the test). The home
 * has a current context for SERVER; the registry is verified after the run.
 */
export async function runStubbed(
  argv: string[],
  setup: (reg: StubRegistry) => void = () => undefined,
  opts: RunOptions = {},
): Promise<StubbedRun> {
  const reg = new StubRegistry();
  setup(reg);
  const home = opts.home ?? (await homeWithContext(SERVER));
  const r = await runQlik(argv, { ...opts, home, transport: reg });
  reg.verify();
  return { ...r, requests: reg.requests };
}

/** What a request carried: method, path with query, and the JSON body (undefined when there is none). */
export function sent(r: RecordedRequest): { method: string; path: string; body: unknown } {
  return { method: r.method, path: r.path, body: r.json };
}

/** Lines of a text, without the empty one after the last newline. */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l.at(-1) === '') l.pop();
  return l;
}

/** A temporary directory, removed after the test file. */
export const scratchDir = tempHome;

let scripts = 0;
/** An executable $EDITOR: a /bin/sh script that gets the file to edit as $1. */
export async function editorScript(body: string): Promise<string> {
  const path = join(await scratchDir(), `editor-${scripts++}.sh`);
  await writeFile(path, `#!/bin/sh\nset -e\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * An $EDITOR that writes its pid and the file it was given (as `pid path`), then waits for a signal (running `before`
 * first, e.g. a trap); and a function that resolves with both once the editor runs.
 */
export async function waitingEditor(
  before = '',
): Promise<{ editor: string; started: () => Promise<{ pid: number; file: string }> }> {
  const marker = join(await scratchDir(), 'editor-started');
  // `exec sleep`: the process that waits is the editor itself, so its pid is the one to check.
  const editor = await editorScript(
    `${before}\nprintf '%s %s' "$$" "$1" > "${marker}.tmp"\nmv "${marker}.tmp" "${marker}"\nexec sleep 60`,
  );
  const started = async (): Promise<{ pid: number; file: string }> => {
    for (let i = 0; i < 1000; i++) {
      const text = await readFile(marker, 'utf8').catch(() => undefined);
      if (text !== undefined) {
        const [pid, ...file] = text.split(' ');
        return { pid: Number(pid), file: file.join(' ') };
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the editor did not start within 10 s');
  };
  return { editor, started };
}

/** A local node:http server answering with `handler`. */
export async function localServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** An API key as the API lists it (emulator shape), with its `links`. */
export function keyRecord(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    tenantId: 'tenant-1',
    description: `key ${id}`,
    sub: 'user-1',
    subType: 'user',
    status: 'active',
    createdByUser: 'user-1',
    expiry: '2026-12-02T10:00:00.000Z',
    created: '2026-12-01T10:00:00.000Z',
    lastUpdated: '2026-12-01T10:00:00.000Z',
    ...extra,
    links: { self: { href: `${SERVER}/api/v1/api-keys/${id}` } },
  };
}

/** The same value without its `links` (as the CLI prints resources). */
export function withoutLinks(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'links'));
}

/** /api/v1/tenants/me redirects to the tenant `id`, as Qlik Cloud does (verbs that default to the current tenant). */
export function currentTenant(reg: StubRegistry, id = 't1'): void {
  reg.register('GET', '/api/v1/tenants/me', {
    status: 302,
    headers: { location: `${SERVER}/api/v1/tenants/${id}` },
    body: Buffer.alloc(0),
  });
  reg.register(
    'GET',
    `/api/v1/tenants/${id}`,
    json(200, { id, name: 'tenant', links: { self: { href: `${SERVER}/api/v1/tenants/${id}` } } }),
  );
}
