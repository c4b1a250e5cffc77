import { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { setMeta } from '../../cmdutil/help.js';
import type { IOStreams } from '../../iostreams/iostreams.js';
import { VERSION } from '../../version.js';

export interface VersionOptions {
  io: IOStreams;
}

export function newCmdVersion(f: Factory, runF: (o: VersionOptions) => Promise<void> = runVersion): Command {
  const cmd = new Command('version').description('Print version info');
  setMeta(cmd, { use: 'version', short: 'Print version info', runnable: true });
  cmd.action(() => runF({ io: f.io }));
  return cmd;
}

/** The version is the last token of the last line, as installers parse it (`awk 'NF {print $NF}' | tail -n 1`). */
export async function runVersion(o: VersionOptions): Promise<void> {
  await o.io.print(`qlik version: ${VERSION}\n`);
}
