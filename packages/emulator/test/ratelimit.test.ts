// Rate limits (--rate-limit): per user and per tier, 429 with retry-after, the tier being blocked
// while the other is not, and lifting after the wait.
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator, type CallResponse } from '../../../test/kit/emulator.js';

const emu = useEmulator({ args: ['--rate-limit'] });

beforeEach(async () => {
  // Budgets per 60-second window: 6 GETs (tier 1), 3 writes (tier 2).
  await emu.control('PUT', 'rate-limits', { tier1PerMinute: 6, tier2PerMinute: 3, windowSeconds: 60 });
});

const KEYS = '/api/v1/api-keys';

function expect429(res: CallResponse): number {
  expect(res.status).toBe(429);
  const seconds = Number(res.headers['retry-after']);
  expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
  expect(res.body.errors).toEqual([
    {
      code: 'HTTP-429',
      title: 'API rate limit reached.',
      detail: `You need to wait ${seconds} seconds until limit is lifted.`,
    },
  ]);
  return seconds;
}

describe('rate limits', () => {
  it('uses Qlik’s tiers by default and is on because of --rate-limit', async () => {
    await emu.reset();
    expect(await emu.control('GET', 'rate-limits')).toEqual({
      enabled: true,
      tier1PerMinute: 1000,
      tier2PerMinute: 100,
      windowSeconds: 300,
    });
  });

  it('refuses the call over the tier-1 budget, counting users/me and tenants/me too', async () => {
    for (let i = 0; i < 4; i++) expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    expect((await emu.call('GET', '/api/v1/users/me', { as: emu.admin })).status).toBe(301);
    expect((await emu.call('GET', '/api/v1/tenants/me', { as: emu.admin })).status).toBe(302);
    expect429(await emu.call('GET', KEYS, { as: emu.admin }));
    expect429(await emu.call('GET', `/api/v1/api-keys/configs/${emu.tenantId}`, { as: emu.admin }));
  });

  it('blocks the exceeded tier only, and only for that user', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await emu.call('POST', KEYS, { token: emu.dev.apiKey, body: { description: `k${i}` } });
      expect(res.status).toBe(201);
    }
    expect429(await emu.call('POST', KEYS, { token: emu.dev.apiKey, body: { description: 'over' } }));
    expect429(await emu.call('DELETE', `${KEYS}/3f1b1e1e-1111-4111-8111-111111111111`, { token: emu.dev.apiKey }));
    // Tier 1 is separate; another user has their own budget.
    expect((await emu.call('GET', KEYS, { token: emu.dev.apiKey })).status).toBe(200);
    expect((await emu.call('POST', KEYS, { token: emu.admin.apiKey, body: { description: 'admin' } })).status).toBe(
      201,
    );
    // The refused create did not happen.
    expect((await emu.ledger()).map((e) => e.description).sort()).toEqual(['admin', 'k0', 'k1', 'k2']);
  });

  it('lifts the limit after retry-after seconds', async () => {
    for (let i = 0; i < 6; i++) expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    const seconds = expect429(await emu.call('GET', KEYS, { as: emu.admin }));
    await emu.control('POST', 'time', { offsetMs: (seconds - 1) * 1000 });
    expect429(await emu.call('GET', KEYS, { as: emu.admin }));
    await emu.control('POST', 'time', { offsetMs: seconds * 1000 });
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
  });

  it('checks credentials before counting', async () => {
    for (let i = 0; i < 10; i++) expect((await emu.call('GET', KEYS, { token: '' })).status).toBe(401);
    expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
  });

  it('can be switched off through the control API', async () => {
    await emu.control('PUT', 'rate-limits', { enabled: false });
    for (let i = 0; i < 12; i++) expect((await emu.call('GET', KEYS, { as: emu.admin })).status).toBe(200);
    await expect(emu.control('PUT', 'rate-limits', { tier1PerMinute: 0 })).rejects.toThrow(/400/);
  });
});
