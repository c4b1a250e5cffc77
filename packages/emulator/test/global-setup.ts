// Vitest global setup: builds the emulator's JavaScript (esbuild, well under a second) so that
// everything that runs bin/qlik-emulator.js (child mode, the command-line tests, the CLI's end-to-end
// tests) runs the current source, without a separate `npm run build` and never a stale dist/.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
  execFileSync(process.execPath, [script, '--js-only'], { stdio: 'inherit' });
}
