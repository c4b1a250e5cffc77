// Types of process.mjs, for the TypeScript tests that use it.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Emulator, StartOptions } from '@qlik-ts/emulator';

export declare const ROOT: string;
export declare const QLIK: string;
export declare const EMULATOR_BIN: string;

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  pid: number | undefined;
  /** Killed (SIGKILL) because it outlived `timeoutMs`. */
  timedOut: boolean;
}

export interface StartOptionsForProcess {
  env?: NodeJS.ProcessEnv;
  stdin?: string | Buffer;
  keepStdinOpen?: boolean;
  /** A file descriptor for the child's stdout instead of a pipe (the result's stdout is then ''). */
  stdout?: number;
  cwd?: string;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
}

export declare function cleanEnv(home: string | undefined, extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
export declare function start(file: string, args: string[], o?: StartOptionsForProcess): { child: ChildProcessWithoutNullStreams; done: Promise<ProcessResult> };
export declare function runQlik(args: string[], o?: StartOptionsForProcess & { bin?: string }): Promise<ProcessResult>;
export declare function startEmulator(opts?: StartOptions): Promise<Emulator>;
export declare function median(xs: number[]): number;
