// Fault rule paths: glob patterns (`*` within a segment, `**` across segments) compiled to a matcher.

type GlobToken = { literal: string } | 'star' | 'globstar';

function globTokens(pattern: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c !== '*') tokens.push({ literal: c });
    else if (pattern.charAt(i + 1) === '*') {
      // Runs of three or more stars are one globstar.
      while (pattern.charAt(i + 1) === '*') i++;
      tokens.push('globstar');
    } else tokens.push('star');
  }
  return tokens;
}

/**
 * A glob matcher that runs in time linear in the path (times the pattern's length), whatever the pattern:
 * it tracks the set of pattern positions reached so far (a Thompson NFA) and never backtracks, so no rule
 * can freeze request handling the way a regular expression such as ^/(a+)+$ can.
 * `*` matches any run of characters other than `/`, `**` any run including `/`; every other character is
 * itself. A pattern without stars is an exact path.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (p) => p === pattern;
  const tokens = globTokens(pattern);
  const end = tokens.length;
  // Adds position j and, since a star may match nothing, every position after a run of stars.
  const reach = (set: Uint8Array, start: number): void => {
    let j = start;
    while (j <= end && set[j] === 0) {
      set[j] = 1;
      if (j === end || typeof tokens[j] === 'object') break;
      j++;
    }
  };
  return (path) => {
    let current = new Uint8Array(end + 1);
    let next = new Uint8Array(end + 1);
    reach(current, 0);
    for (let i = 0; i < path.length; i++) {
      const c = path.charAt(i);
      next.fill(0);
      let alive = false;
      for (let j = 0; j < end; j++) {
        if (current[j] === 0) continue;
        const token = tokens[j];
        if (token === 'globstar' || (token === 'star' && c !== '/')) {
          reach(next, j);
          alive = true;
        } else if (typeof token === 'object' && token.literal === c) {
          reach(next, j + 1);
          alive = true;
        }
      }
      if (!alive) return false;
      [current, next] = [next, current];
    }
    return current[end] === 1;
  };
}
