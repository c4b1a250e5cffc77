// RFC 7644 filters (the SCIM syntax every emulated service's `filter` uses), checked before scim2-parse-filter
// parses them, for two reasons the library does not serve: an error says what is wrong where (`expected a value
// after "eq" at position 9`, positions counted from 1), where the library says `[(EOT)] is not json`; and a filter's
// cost is bounded (its length, its number of comparisons, its nesting) before anything evaluates it. The grammar is
// the library's, token for token (its tokenizer's expression is reused), so what passes here the library parses.

/** Why a filter was refused: one printable line. */
export class FilterSyntaxError extends Error {}

export interface FilterLimits {
  /** Characters (default 10 000). */
  maxLength?: number;
  /** Comparisons (`attr op value`, `attr pr`; default 100). */
  maxClauses?: number;
  /** Parentheses, `not` and value paths inside one another (default 32). */
  maxDepth?: number;
}

export interface FilterCheckOptions extends FilterLimits {
  /** Where the filter starts in the text the client sent (a PATCH path's `[...]`), so positions point into that. */
  offset?: number;
}

export const FILTER_LIMITS = { maxLength: 10_000, maxClauses: 100, maxDepth: 32 } as const;

const COMPARISONS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'];

type Kind = 'space' | 'number' | 'quoted' | 'bracket' | 'word';
interface Token {
  kind: Kind | 'end';
  text: string;
  /** 0-based offset in the filter. */
  at: number;
}

// scim2-parse-filter's tokenizer, sticky: white space, a number, a quoted string, a bracket, a word.
const TOKEN =
  /(\s+)|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![-\w._:/)\s]))|("(?:[^"\\]|\\.|\n)*")|([[()]|]\.?)|(\w[-\w._:/%]*)/y;
const KINDS: Kind[] = ['space', 'number', 'quoted', 'bracket', 'word'];

function show(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}…` : clean);
}

/** Tokens with their offsets (shifted by `offset`, so that positions count in the client's text). */
function tokenize(text: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (m === null || m[0] === '') {
      const c = text.charAt(at);
      const pos = at + offset + 1;
      if (c === '"') throw new FilterSyntaxError(`the quoted value at position ${pos} has no closing quote`);
      throw new FilterSyntaxError(`unexpected character ${show(c)} at position ${pos}`);
    }
    const kind = KINDS[m.slice(1).findIndex((g) => g !== undefined)] ?? 'space';
    if (kind !== 'space') tokens.push({ kind, text: m[0], at: at + offset });
    at += m[0].length;
  }
  tokens.push({ kind: 'end', text: '', at: text.length + offset });
  return tokens;
}

/** A comparison value as the library reads it: a JSON string, number, true, false or null. */
function validValue(t: Token): boolean {
  if (t.kind === 'end' || t.kind === 'bracket') return false;
  // The library doubles every backslash not before a quote (so `DOMAIN\user` is itself), then reads JSON.
  const literal = t.kind === 'quoted' ? t.text.replace(/\\(?!")/g, '\\\\') : t.text;
  try {
    const v: unknown = JSON.parse(literal);
    return v === null || ['string', 'number', 'boolean'].includes(typeof v);
  } catch {
    return false;
  }
}

class Checker {
  private i = 0;
  clauses = 0;
  private readonly tokens: Token[];
  private readonly limits: Required<FilterLimits>;

  constructor(tokens: Token[], limits: Required<FilterLimits>) {
    this.tokens = tokens;
    this.limits = limits;
  }

  private peek(): Token {
    return this.tokens[this.i] ?? { kind: 'end', text: '', at: 0 };
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i += 1;
    return t;
  }
  private where(t: Token): string {
    return t.kind === 'end' ? `at position ${t.at + 1} (the end of the filter)` : `at position ${t.at + 1}`;
  }
  private found(t: Token): string {
    return t.kind === 'end' ? '' : `, found ${show(t.text)}`;
  }

  /** filter := expression (("and" | "or") expression)* */
  filter(depth: number): void {
    this.expression(depth);
    for (;;) {
      const op = this.peek().text.toLowerCase();
      if (op !== 'and' && op !== 'or') return;
      const joiner = this.next();
      const t = this.peek();
      if (t.kind === 'end')
        throw new FilterSyntaxError(`expected a comparison after ${show(joiner.text)} ${this.where(t)}`);
      this.expression(depth);
    }
  }

  /** expression := "(" filter ")" | "not" expression | comparison */
  private expression(depth: number): void {
    if (depth > this.limits.maxDepth)
      throw new FilterSyntaxError(
        `the filter nests parentheses, "not" and "[...]" more than ${this.limits.maxDepth} deep (at position ${(this.tokens[this.i - 1] ?? this.peek()).at + 1})`,
      );
    const t = this.next();
    if (t.text === '(') {
      this.filter(depth + 1);
      const close = this.next();
      if (close.text !== ')')
        throw new FilterSyntaxError(
          `the "(" at position ${t.at + 1} is not closed: expected ")" ${this.where(close)}${this.found(close)}`,
        );
      return;
    }
    if (t.kind === 'word' && t.text.toLowerCase() === 'not') {
      if (this.peek().kind === 'end')
        throw new FilterSyntaxError(`expected a comparison after "not" ${this.where(this.peek())}`);
      this.expression(depth + 1);
      return;
    }
    if (t.kind === 'word' && !['and', 'or'].includes(t.text.toLowerCase())) {
      this.comparison(t, depth);
      return;
    }
    if (t.kind === 'end') throw new FilterSyntaxError(`expected a comparison ${this.where(t)}`);
    if (t.text === ')')
      throw new FilterSyntaxError(`unexpected ")" at position ${t.at + 1}: no "(" is open, or it holds nothing`);
    throw new FilterSyntaxError(
      `expected an attribute name, "(" or "not" at position ${t.at + 1}, found ${show(t.text)}`,
    );
  }

  /** comparison := attribute (operator value | "pr" | "[" filter "]" ("." attribute operator value)?) */
  private comparison(attribute: Token, depth: number): void {
    const op = this.next();
    const name = op.text.toLowerCase();
    if (COMPARISONS.includes(name)) {
      const value = this.next();
      if (value.kind === 'quoted' && !validValue(value))
        throw new FilterSyntaxError(
          `the quoted value at position ${value.at + 1} is not a valid string (control characters must be escaped)`,
        );
      if (!validValue(value))
        throw new FilterSyntaxError(
          `expected a value after ${show(op.text)} ${this.where(value)}${this.found(value)}` +
            (value.kind === 'word' || value.kind === 'number'
              ? ' (a value is a quoted string, a number, true, false or null)'
              : ''),
        );
      this.count(attribute);
      return;
    }
    if (op.kind === 'word' && name === 'pr') {
      this.count(attribute);
      return;
    }
    if (op.text === '[') {
      this.filter(depth + 1);
      const close = this.next();
      if (!close.text.startsWith(']'))
        throw new FilterSyntaxError(
          `the "[" at position ${op.at + 1} is not closed: expected "]" ${this.where(close)}${this.found(close)}`,
        );
      if (close.text === '].' && this.peek().kind === 'word') this.comparison(this.next(), depth);
      return;
    }
    if (op.kind === 'end')
      throw new FilterSyntaxError(`expected an operator after ${show(attribute.text)} ${this.where(op)}`);
    throw new FilterSyntaxError(
      `unknown operator ${show(op.text)} at position ${op.at + 1} (the operators are ${COMPARISONS.join(', ')} and pr)`,
    );
  }

  private count(attribute: Token): void {
    this.clauses += 1;
    if (this.clauses > this.limits.maxClauses)
      throw new FilterSyntaxError(
        `the filter has more than ${this.limits.maxClauses} comparisons (the limit is ${this.limits.maxClauses}; comparison ${this.clauses} is at position ${attribute.at + 1})`,
      );
  }

  end(): void {
    const t = this.peek();
    if (t.kind === 'end') return;
    if (t.text === ')') throw new FilterSyntaxError(`unexpected ")" at position ${t.at + 1}: no "(" is open`);
    throw new FilterSyntaxError(
      `unexpected ${show(t.text)} at position ${t.at + 1}: expected "and", "or" or the end of the filter`,
    );
  }
}

/**
 * Checks a filter's syntax and cost; throws FilterSyntaxError saying what is wrong where. Returns the number of
 * comparisons. An empty filter is the caller's to refuse (services word it differently).
 */
export function checkFilterSyntax(text: string, options: FilterCheckOptions = {}): number {
  const { offset = 0, ...limits } = options;
  const all = { ...FILTER_LIMITS, ...limits };
  if (text.length > all.maxLength)
    throw new FilterSyntaxError(`the filter is longer than ${all.maxLength} characters (the limit)`);
  const checker = new Checker(tokenize(text, offset), all);
  checker.filter(0);
  checker.end();
  return checker.clauses;
}
