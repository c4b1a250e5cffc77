// Context names (issue 18 item 10): no control or bidirectional characters (the name shown must be the name to type),
// and one context per name in Unicode NFC, whichever form it was typed in.
import { describe, expect, it } from 'vitest';
import { tempHome } from '../../../../../test/kit/run.js';
import { runContext, saved } from './test/kit.js';

describe('context names', () => {
  it.each([
    ['ESC', 'prod\u001b[2J', '001B'],
    ['LF', 'prod\nstaging', '000A'],
    ['a C1 control', 'prod\u0085', '0085'],
    ['a right-to-left override', 'dorp\u202eprod', '202E'],
    ['a bidi isolate', '\u2066prod\u2069', '2066'],
  ])('a name with %s is refused in one line and nothing is written', async (_what, name, code) => {
    const home = await tempHome();
    const r = await runContext(['create', name, '--server', 'a.example.com'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^Error: context name ".*": has a control or bidirectional character \\(U\\+${code}\\)\\n$`),
    );
    expect(await saved(home).catch(() => undefined)).toBeUndefined();
  });

  it('NFC and NFD spellings name one context: created in NFC, found either way, no twin', async () => {
    const home = await tempHome();
    const nfd = 'cafe\u0301';
    const nfc = 'caf\u00e9';
    expect((await runContext(['create', nfd, '--server', 'a.example.com'], { home })).code).toBe(0);
    expect(Object.keys((await saved(home)).contexts as object)).toEqual([nfc]);
    const twin = await runContext(['create', nfc, '--server', 'b.example.com'], { home });
    expect(twin.stderr).toBe(
      `Error: Context '${nfc}' already exists\nHint: change it with: qlik context update '${nfc}' (the same flags), or remove it first: qlik context rm '${nfc}'\n`,
    );
    expect((await runContext(['use', nfd], { home })).code).toBe(0);
    const got = await runContext(['get', nfc], { home });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain('a.example.com');
  });
});
