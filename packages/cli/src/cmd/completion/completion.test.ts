// `qlik completion <shell>` prints the script files of scripts/ (bundled as text) byte for byte as the scripts written
// inline in scripts.ts did: the SHA-256 of each output, with and without --no-descriptions, was recorded from that
// version (test/fixtures/completion-sha256.json). A change to a script is a change of that table, made on purpose.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runQlik } from '../../../../../test/kit/run.js';
import { SHELLS } from './completion.js';

// shell → the SHA-256 of its script with descriptions and with --no-descriptions (the built CLI is checked against the
// same table in test/e2e/completion.test.ts).
const SCRIPT_SHA256 = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/completion-sha256.json', import.meta.url), 'utf8'),
) as Record<string, [string, string]>;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('qlik completion <shell>', () => {
  it('the table names every shell', () => {
    expect(Object.keys(SCRIPT_SHA256)).toEqual([...SHELLS]);
  });

  it.each(Object.entries(SCRIPT_SHA256))(
    '%s: the same bytes as before, with and without descriptions',
    async (shell, [desc, noDesc]) => {
      const withDesc = await runQlik(['completion', shell]);
      const without = await runQlik(['completion', shell, '--no-descriptions']);
      expect([withDesc.code, withDesc.stderr, without.code, without.stderr]).toEqual([0, '', 0, '']);
      expect([sha256(withDesc.stdout), sha256(without.stdout)]).toEqual([desc, noDesc]);
      expect(without.stdout).toContain(' __completeNoDesc ');
      expect(without.stdout).not.toMatch(/__complete\b/);
    },
  );
});
