// require('@qlik-ts/emulator') (the CommonJS entry, dist/cjs/, built by the global setup): both modes start, answer
// and stop from a CommonJS script. examples/node-test-cjs does the same from an installed tarball, with its types.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

it('require() of the package works in both modes', () => {
  const script = `
    const { startEmulator } = require(${JSON.stringify(PACKAGE)});
    (async () => {
      for (const mode of ['in-process', 'child']) {
        const emu = await startEmulator({ mode });
        const res = await fetch(emu.url + '/api/v1/users/me', { headers: { authorization: 'Bearer ' + emu.user('dev').apiKey } });
        console.log(mode, res.status, (await res.json()).name);
        await emu.stop();
      }
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(out.trim().split('\n')).toEqual(['in-process 200 dev', 'child 200 dev']);
});
