// The api-key verbs as a real process: what needs the built binary and a real signal. `api-key edit` interrupted by
// SIGINT, SIGTERM or SIGHUP while $EDITOR runs ends the editor, removes its temporary directory, sends nothing, and
// exits 128 + the signal's number. (Everything else about ls, get, rm, patch, edit, config, user me and tenant me is
// tested in-process beside the verbs: src/cmd/<group>/<verb>.test.ts.)
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { useEmulator } from '../../../../test/kit/emulator.js';
import { alive } from '../../../../test/kit/process.mjs';
import { waitingEditor } from '../../../../test/kit/verb.js';
import { assertBuilt, emulatorHome, newTag, QLIK_JS, requestsTagged, start } from './kit.js';

const emu = useEmulator({ reset: false });
let home: string;

beforeAll(async () => {
  assertBuilt();
  home = await emulatorHome(emu, 'dev');
});

describe.concurrent('api-key edit interrupted by a real signal', () => {
  it.for([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: exit %i, the editor ended, its directory removed, no PATCH', async ([signal, code], { expect }) => {
    const key = await emu.control<{ id: string }>('POST', 'keys', {
      userId: emu.dev.id,
      description: `edit ${signal}`,
    });
    const { editor, started } = await waitingEditor();
    const tag = newTag();
    const { child, done } = start(
      process.execPath,
      [QLIK_JS, 'api-key', 'edit', key.id, '--headers', `X-Test-Run=${tag}`],
      {
        home,
        env: { EDITOR: editor },
      },
    );
    const { pid, file } = await started();
    expect(alive(pid)).toBe(true);
    child.kill(signal);
    const r = await done;
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: interrupted by ${signal}\n`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
    expect((await requestsTagged(emu, tag)).map((q) => q.method)).toEqual(['GET']);
    expect((await emu.call('GET', `/api/v1/api-keys/${key.id}`, { as: emu.admin })).body).toMatchObject({
      description: `edit ${signal}`,
    });
  });
});
