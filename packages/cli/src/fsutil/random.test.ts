import { describe, expect, it } from 'vitest';
import { randomBytes } from './random.js';

describe('randomBytes', () => {
  it('gives the number of bytes asked for, different every time', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const b = await randomBytes(9);
      expect(b.length).toBe(9);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(200);
  });

  it('uses every byte value (not a constant or a narrow range)', async () => {
    const b = await randomBytes(4096);
    expect(new Set(b).size).toBeGreaterThan(250);
  });
});
