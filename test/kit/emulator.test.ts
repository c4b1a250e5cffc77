// The kit's emulator: useEmulator()'s lifecycle (the handle works only once started; each test starts from the seeded
// state) and call(), which runs as the identity it is given and refuses a call that names none.
import { describe, expect, it } from 'vitest';
import { useEmulator } from './emulator.js';

const emu = useEmulator();
let early: unknown;
try {
  early = emu.url;
} catch (e) {
  early = e;
}

describe('useEmulator', () => {
  it('refuses to be read before the emulator starts (at collection time)', () => {
    expect(early).toBeInstanceOf(Error);
    expect((early as Error).message).toMatch(/the emulator is not running here/);
  });

  it('resets before each test: a fault added here …', async () => {
    await emu.faults.add({ path: '/api/v1/users/me', action: { type: 'status', status: 503 } });
    expect(await emu.faults.list()).toHaveLength(1);
  });

  it('… is gone in the next test', async () => {
    expect(await emu.faults.list()).toEqual([]);
    expect((await emu.call('GET', '/api/v1/users/me', { as: emu.dev })).status).toBe(301);
  });
});

describe('call', () => {
  it('runs as the user or token given, sends no Authorization with token "", and refuses a call that names no one', async () => {
    const asDev = await emu.call('GET', '/api/v1/users/me', { as: emu.dev });
    expect(asDev.headers['location']).toContain(emu.dev.id);
    const asAdmin = await emu.call('GET', '/api/v1/users/me', { token: emu.admin.apiKey });
    expect(asAdmin.headers['location']).toContain(emu.admin.id);
    expect((await emu.call('GET', '/api/v1/users/me', { token: '' })).status).toBe(401);
    await expect(emu.call('GET', '/api/v1/users/me', {} as never)).rejects.toThrow(/say who the call runs as/);
  });
});
