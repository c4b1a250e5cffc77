// What the context verbs' in-process tests share: a temporary home holding a given contexts.yml, reading the file
// back, and a run of `qlik context …` with a stub registry that fails the test on any request (these verbs, except
// init, never talk to a server).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { StubRegistry } from '../../../../../../test/kit/httpmock.js';
import { runQlik, type RunOptions, type RunResult } from '../../../../../../test/kit/run.js';

export const contextsFile = (home: string): string => join(home, '.qlik', 'contexts.yml');

export { homeWith } from '../../../../../../test/kit/temp.js';

export interface SavedContexts {
  'current-context'?: string;
  contexts?: Record<string, Record<string, unknown>>;
}

/** The contexts file as a YAML reader other than this CLI sees it. */
export async function saved(home: string): Promise<SavedContexts> {
  return parseYaml(await readFile(contextsFile(home), 'utf8')) as SavedContexts;
}

/** `qlik context <args>` in process; the run fails the test if it sends any request. */
export async function runContext(
  args: string[],
  opts: Omit<RunOptions, 'transport'> & { home: string },
): Promise<RunResult> {
  const reg = new StubRegistry();
  const r = await runQlik(['context', ...args], { ...opts, transport: reg });
  reg.verify();
  return r;
}
