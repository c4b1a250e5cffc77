// What a test suite of your own looks like against qlik-emulator: one emulator for the file, a reset between
// tests, plain fetch() as your client would call Qlik Cloud, and the control API to inject a fault and check
// what the "tenant" saw.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startEmulator } from '@qlik-ts/emulator';

/** @type {import('@qlik-ts/emulator').Emulator} */
let emu;
before(async () => {
  emu = await startEmulator(); // in this process, on a free port, state in memory
});
beforeEach(() => emu.reset());
after(() => emu.stop());

/**
 * POST /api/v1/api-keys as your client would send it.
 * @param {string} token
 * @param {string} description
 */
function createKey(token, description) {
  return fetch(`${emu.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description, expiry: 'PT1H' }),
  });
}

test('a developer creates a key and uses its token', async () => {
  const res = await createKey(emu.user('dev').apiKey, 'ci');
  assert.equal(res.status, 201);
  const { id, token } = /** @type {{ id: string, token: string }} */ (await res.json());
  const me = await fetch(`${emu.url}/api/v1/api-keys/${id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.equal(/** @type {{ description: string }} */ (await me.json()).description, 'ci');
});

test('the quota counts the bootstrap key: 4 more keys, then 403', async () => {
  const dev = emu.user('dev').apiKey;
  for (let i = 0; i < 4; i++) assert.equal((await createKey(dev, `k${i}`)).status, 201);
  const refused = await createKey(dev, 'one too many');
  assert.equal(refused.status, 403);
  assert.equal(/** @type {{ errors: { code: string }[] }} */ (await refused.json()).errors[0]?.code, 'APIKEYS-6');
});

test('a response lost after the commit leaves an undelivered key in the ledger', async () => {
  await emu.faults.add({ method: 'POST', path: '/api/v1/api-keys', action: { type: 'reset-after' } });
  await assert.rejects(createKey(emu.user('dev').apiKey, 'lost'));
  const [entry] = await emu.ledger();
  assert.ok(entry);
  assert.equal(entry.description, 'lost');
  assert.equal(entry.delivered, false);
});

test('a viewer may not create keys', async () => {
  const res = await createKey(emu.user('viewer').apiKey, 'nope');
  assert.equal(res.status, 403);
});
