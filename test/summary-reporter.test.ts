// The summary line names what skipped tests said was missing, grouped.
import { describe, expect, it } from 'vitest';
import { skipNotes } from './summary-reporter.js';

describe('skipNotes', () => {
  it.each([
    [['zsh not installed', 'fish not installed'], 'zsh, fish not installed'],
    [
      ['bash-completion not installed', 'tmux, zsh not installed', 'zsh not installed', 'fish not installed'],
      'bash-completion, tmux, zsh, fish not installed',
    ],
    [['zsh not installed', 'needs a TTY'], 'zsh not installed; needs a TTY'],
    [['needs a TTY', 'needs a TTY'], 'needs a TTY'],
    [['a, b differ', 'c'], 'a, b differ; c'],
  ])('%j → %s', (notes, line) => {
    expect(skipNotes(notes)).toBe(line);
  });
});
