// @ts-check
// The same kind of test from a CommonJS project (Jest's default, and any project without "type": "module"):
// require('@qlik-ts/emulator') gets the CommonJS entry, with its types (`npm test` type-checks this file first).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { after, before, test } = require('node:test');
const { startEmulator } = require('@qlik-ts/emulator');

/** @type {import('@qlik-ts/emulator').Emulator} */
let emu;
before(async () => {
  // A child process: this test calls execFileSync below, which blocks this process's event loop, where an
  // in-process emulator would run (and so could not answer).
  emu = await startEmulator({ mode: 'child' });
});
after(() => emu.stop());

test('a synchronous child process reaches a child-mode emulator', () => {
  const script = `fetch(process.argv[1] + '/api/v1/users/me', { headers: { authorization: 'Bearer ' + process.argv[2] } })
    .then((r) => r.json()).then((me) => console.log(me.name));`;
  const name = execFileSync(process.execPath, ['-e', script, emu.url, emu.user('dev').apiKey], { encoding: 'utf8' });
  assert.equal(name.trim(), 'dev');
});

test('the types came with require(): a wrong option is a type error', async () => {
  // @ts-expect-error: mode is 'in-process' or 'child' (if the types were missing, this line would be the error)
  await assert.rejects(startEmulator({ mode: 'thread' }), /invalid mode "thread"/);
});

test('creating a key as the admin, for the dev user', async () => {
  const res = await fetch(`${emu.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emu.user('admin').apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'for dev', expiry: 'PT1H', sub: emu.user('dev').id }),
  });
  assert.equal(res.status, 201);
  const key = /** @type {{ sub: string }} */ (await res.json());
  assert.equal(key.sub, emu.user('dev').id);
});
