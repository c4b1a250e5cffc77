// "Did you mean" suggestions for unknown config keys and commands (Levenshtein distance, as Cobra uses).

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate within distance 2 (or a case-insensitive/prefix match), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : levenshtein(word, c);
    if (d < bestDistance || (d === bestDistance && c.startsWith(word))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Cobra's SuggestionsFor: every candidate within Levenshtein distance 2 (case-insensitive) of the typed word, or
 * that starts with it, in the candidates' order.
 */
export function commandSuggestions(typed: string, candidates: readonly string[], minDistance = 2): string[] {
  const lower = typed.toLowerCase();
  return candidates.filter(
    (c) => levenshtein(lower, c.toLowerCase()) <= minDistance || c.toLowerCase().startsWith(lower),
  );
}

/** Cobra's text after an unknown command: "\n\nDid you mean this?\n\t<s>\n…", or "" without suggestions. */
export function suggestionText(suggestions: readonly string[]): string {
  return suggestions.length === 0 ? '' : `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}`;
}
