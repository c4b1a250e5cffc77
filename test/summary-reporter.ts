// Prints the one closing line CI reads: "N passed, N failed, N skipped".
// vitest's own summary ("Tests  2 passed | 1 skipped (3)") is not in that form.
// Tests that skip themselves with a note (`ctx.skip('zsh not installed')`) are named after the counts, notes with
// the same ending grouped: "40 passed, 0 failed, 3 skipped (skipped: zsh, fish not installed)".
import type { Reporter, TestModule } from 'vitest/node';

/** "zsh not installed" + "fish not installed" → "zsh, fish not installed"; other notes as they are. */
export function skipNotes(notes: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const note of new Set(notes)) {
    const m = /^(.+?) (not installed|missing)$/.exec(note);
    const rest = m?.[2] ?? '';
    const subjects = groups.get(rest) ?? [];
    for (const s of m?.[1] ? m[1].split(', ') : [note]) if (!subjects.includes(s)) subjects.push(s);
    groups.set(rest, subjects);
  }
  return [...groups]
    .map(([rest, subjects]) => (rest ? `${subjects.join(', ')} ${rest}` : subjects.join('; ')))
    .join('; ');
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const notes: string[] = [];
    for (const m of modules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') failed++;
        else {
          skipped++;
          if (r.state === 'skipped' && r.note) notes.push(r.note);
        }
      }
    }
    const named = notes.length > 0 ? ` (skipped: ${skipNotes(notes)})` : '';
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped${named}\n`);
  }
}
