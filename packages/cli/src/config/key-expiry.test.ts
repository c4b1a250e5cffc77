// The expiry rule (a fifth of the lifetime or 7 days, whichever is shorter), once a day, and the switch.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../test/kit/temp.js';
import { expiresSoon, expiryWarning, keyIdOf } from './key-expiry.js';

const H = 3600_000;
const D = 24 * H;

describe('expiresSoon', () => {
  it.each([
    // lifetime 24 h: a fifth is 4.8 h
    [24 * H, 5 * H, false],
    [24 * H, 4 * H, true],
    // lifetime 365 d: a fifth is 73 d, 7 d is shorter
    [365 * D, 8 * D, false],
    [365 * D, 6 * D, true],
    [24 * H, -1, true],
  ])('lifetime %d ms, %d ms left → %s', (lifetime, left, want) => {
    const now = 1_000_000_000_000;
    const r = {
      id: 'k',
      created: new Date(now + left - lifetime).toISOString(),
      expiry: new Date(now + left).toISOString(),
    };
    expect(expiresSoon(r, now)).toBe(want);
  });
});

describe('expiryWarning', () => {
  it('warns once a day, only for the key the context holds, not with QLIK_NO_EXPIRY_WARNING=1', async () => {
    const home = await tempHome();
    const contexts = join(home, '.qlik', 'contexts.yml');
    await mkdir(join(home, '.qlik'), { recursive: true });
    const now = Date.now();
    await writeFile(
      join(home, '.qlik', 'key-expiry.json'),
      JSON.stringify({
        a: { id: 'k1', created: new Date(now - 23 * H).toISOString(), expiry: new Date(now + H).toISOString() },
      }),
    );
    expect(expiryWarning(contexts, 'a', 'k1', { QLIK_NO_EXPIRY_WARNING: '1' }, now)).toBeUndefined();
    expect(expiryWarning(contexts, 'a', 'other', {}, now)).toBeUndefined();
    expect(expiryWarning(contexts, 'a', 'k1', {}, now)).toMatch(
      /^Warning: the API key of context 'a' expires at .* \(in 1 hours\); rotate it with 'qlik api-key rotate --context a'/,
    );
    // The mark is written in the background: wait for it.
    const warned = async () =>
      (JSON.parse(await readFile(join(home, '.qlik', 'key-expiry.json'), 'utf8')) as { a: { warned?: string } }).a
        .warned;
    for (let i = 0; i < 100 && (await warned()) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await warned()).toBe(new Date(now).toISOString());
    expect(expiryWarning(contexts, 'a', 'k1', {}, now + H / 2)).toBeUndefined();
    expect(expiryWarning(contexts, 'a', 'k1', {}, now + D + 1)).toMatch(/expired at/);
  });

  it('keyIdOf reads the jti of a Bearer JWT, nothing else', () => {
    const jwt = `e30.${Buffer.from('{"jti":"abc"}').toString('base64url')}.s`;
    expect(keyIdOf(`Bearer ${jwt}`)).toBe('abc');
    expect(keyIdOf('Bearer plain')).toBeUndefined();
    expect(keyIdOf(undefined)).toBeUndefined();
  });
});
