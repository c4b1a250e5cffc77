// `qlik api-key exec`: a key for one command. Before the key is created, a record of this run (exec/<nonce>.json
// next to the contexts file: pid, host, server; no secrets) says which tag its key carries; the key is deleted when
// the command ends. A kill -9 of qlik leaves the record and one tagged key that expires on its own; the next exec or
// rotate of this machine finds the record of a process that is gone and deletes the key with its tag.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Factory } from '../../../cmdutil/factory.js';
import { CancelledError, ExitCodeError, SilentError } from '../../../errors/errors.js';
import type { RetryPolicy } from '../../../http/client.js';
import {
  createKey,
  deleteKey,
  HOST,
  keysCreatedBy,
  lifecycleDir,
  me,
  newNonce,
  removeFile,
  runTag,
  sweepExecLeftovers,
  writePrivateJson,
  type ExecRecord,
} from '../shared/keys.js';

export interface ExecOptions {
  cmd: string;
  args: string[];
  expiry: string;
  description: string;
  policy: RetryPolicy;
}

/** Variables of ours that never reach the command (its own QLIK_SERVER and QLIK_API_KEY replace them). */
const WITHHELD = ['QLIK_API_KEY', 'QLIK_SERVER', 'QLIK_OAUTH_CLIENT_ID', 'QLIK_OAUTH_CLIENT_SECRET'];

export async function runExec(f: Factory, o: ExecOptions): Promise<void> {
  const s = await f.settings();
  const http = await f.httpClient();
  const p = o.policy;
  const contextsPath = f.contextsPath();
  const owner = await me(http, p);
  const removed = await sweepExecLeftovers(http, contextsPath, s.server, await keysCreatedBy(http, owner.id, p), p);
  for (const id of removed) f.io.warn(`Deleted API key ${id}: left behind by an interrupted 'qlik api-key exec'`);

  const nonce = await newNonce();
  const recordPath = join(lifecycleDir(contextsPath, 'exec'), `${nonce}.json`);
  const record: ExecRecord = {
    nonce,
    pid: process.pid,
    host: HOST(),
    server: s.server,
    started: new Date().toISOString(),
  };
  await writePrivateJson(recordPath, record);
  let key: { id: string; token: string };
  try {
    key = await createKey(http, { description: `${o.description}${runTag('exec', nonce)}`, expiry: o.expiry }, p, f.io);
  } catch (e) {
    removeFile(recordPath);
    throw e;
  }
  f.redactor.addSecret(key.token);
  await writePrivateJson(recordPath, { ...record, keyId: key.id });

  // The clean-up runs even after an interrupt: its client is not aborted by it.
  const cleanup = async (): Promise<void> => {
    const c = await f.httpClientFor({
      server: s.server,
      headers: s.headers,
      insecure: s.insecure,
      oauth: s.oauth,
      ignoreInterrupt: true,
    });
    try {
      await deleteKey(c, key.id, { retry: Math.max(p.retry, 2), intervalSeconds: 1 });
      removeFile(recordPath);
    } catch (e) {
      f.io.warn(
        `Warning: could not delete API key ${key.id} (${(e as Error).message}); it expires on its own, and the next 'qlik api-key exec' or 'qlik api-key audit --fix' deletes it`,
      );
    }
  };

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.env)) if (v !== undefined && !WITHHELD.includes(k)) env[k] = v;
  env.QLIK_SERVER = s.server;
  env.QLIK_API_KEY = key.token;

  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await new Promise((resolvePromise, reject) => {
      const child = spawn(o.cmd, o.args, { stdio: 'inherit', env });
      const forward = (): void => {
        const reason: unknown = f.signal.reason;
        const sig = reason instanceof CancelledError ? reason.signal : 'SIGTERM';
        child.kill(sig);
      };
      f.signal.addEventListener('abort', forward, { once: true });
      child.on('error', (e) => {
        f.signal.removeEventListener('abort', forward);
        reject(e);
      });
      child.on('close', (code, signal) => {
        f.signal.removeEventListener('abort', forward);
        resolvePromise({ code, signal });
      });
    });
  } catch (e) {
    await cleanup();
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') throw new ExitCodeError(`${o.cmd}: command not found`, 127);
    if (code === 'EACCES') throw new ExitCodeError(`${o.cmd}: permission denied`, 126);
    throw e;
  }
  await cleanup();
  const exit = result.code ?? 128 + (result.signal ? (constants.signals[result.signal] ?? 1) : 1);
  if (exit !== 0) throw new SilentError('', exit);
}
