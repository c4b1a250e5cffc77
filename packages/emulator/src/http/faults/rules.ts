// Fault rules (POST /__emulator/faults): which request a rule matches (method, path glob, times, probability) and
// the action it runs (actions.ts).
import { objectBody, optionalNumber, optionalString } from '../../shared/validate.js';
import { parseAction, ruleFail, type FaultAction, type FaultActionInput } from './actions.js';
import { globMatcher } from './glob.js';

const MAX_PATTERN = 1000;

export interface FaultRuleInput {
  /** Any method when absent (case-insensitive). */
  method?: string;
  /**
   * A path starting with `/`, matched without the query string: exact, or a glob where `*` matches any run of
   * characters other than `/` and `**` any run including `/` (e.g. `/api/v1/api-keys/*`, `/**`).
   */
  path: string;
  /** How many times the rule fires; 0 = unlimited (default 1). */
  times?: number;
  /** Chance that a matching request fires the rule (default 1). */
  probability?: number;
  action: FaultActionInput;
}

/** A rule as the control API shows it. */
export interface FaultRuleView {
  id: string;
  method?: string;
  path: string;
  /** How many times the rule fires; 0 = unlimited. */
  times: number;
  probability: number;
  action: FaultAction;
  hits: number;
}

/** The registry entry of an action, seen through the common shape every entry satisfies. */

function pathMatcher(path: string): (p: string) => boolean {
  if (path.length > MAX_PATTERN) throw ruleFail(`"path" must be at most ${MAX_PATTERN} characters`, '/path');
  return globMatcher(path);
}

interface ActiveRule extends FaultRuleView {
  test: (path: string) => boolean;
}

export class FaultRules {
  private rules: ActiveRule[] = [];
  private counter = 0;

  /** Validates and adds a rule from a control-API body. */
  add(body: unknown): FaultRuleView {
    const obj = objectBody(body, ['method', 'path', 'times', 'probability', 'action'], ruleFail);
    const path = optionalString(obj, 'path', ruleFail, true);
    if (path?.startsWith('^') === true) {
      throw ruleFail(
        '"path" is a glob, not a regular expression: * matches within a segment, ** across segments (e.g. /api/v1/api-keys/*)',
        '/path',
      );
    }
    if (path === undefined || !path.startsWith('/')) {
      throw ruleFail('"path" must be a path or glob starting with / (* within a segment, ** across segments)', '/path');
    }
    const method = optionalString(obj, 'method', ruleFail, true)?.toUpperCase();
    this.counter += 1;
    const rule: ActiveRule = {
      id: `fault-${this.counter}`,
      path,
      times: optionalNumber(obj, 'times', ruleFail, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }) ?? 1,
      probability: optionalNumber(obj, 'probability', ruleFail, { min: 0, max: 1 }) ?? 1,
      action: parseAction(obj['action']),
      hits: 0,
      test: pathMatcher(path),
    };
    if (method !== undefined) rule.method = method;
    this.rules.push(rule);
    return this.view(rule);
  }

  list(): FaultRuleView[] {
    return this.rules.map((r) => this.view(r));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule matching the request, counted as a hit; undefined when none fires. */
  match(method: string, path: string): FaultRuleView | undefined {
    for (const rule of this.rules) {
      if (rule.times > 0 && rule.hits >= rule.times) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (!rule.test(path)) continue;
      if (rule.probability < 1 && Math.random() >= rule.probability) continue;
      rule.hits += 1;
      return this.view(rule);
    }
    return undefined;
  }

  private view(rule: ActiveRule): FaultRuleView {
    const view: FaultRuleView = {
      id: rule.id,
      path: rule.path,
      times: rule.times,
      probability: rule.probability,
      action: rule.action,
      hits: rule.hits,
    };
    if (rule.method !== undefined) view.method = rule.method;
    return view;
  }
}
