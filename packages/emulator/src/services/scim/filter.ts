// SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2). Parsing a filter is scim2-parse-filter's job, and
// so is evaluating it (its Tester walks value paths and multi-valued attributes); this module makes string
// comparisons case-insensitive except on case-exact attributes (id, externalId, member and group ids), as
// RFC 7643 defines them, and splits a PATCH path such as `emails[type eq "work"].value` into its parts.
import { parse, Tester, type Filter } from 'scim2-parse-filter';
import { checkFilterSyntax, FilterSyntaxError } from '../../shared/filter-syntax.js';
import { printable } from '../../shared/text.js';
import { scimErrors } from './errors.js';

function caseExact(segments: string[]): boolean {
  const path = segments.join('.').toLowerCase();
  const last = path.split('.').pop() ?? '';
  if (last === 'id' || last === 'externalid') return true;
  return path === 'members.value' || path === 'groups.value';
}

class ScimTester extends Tester {
  private readonly parents: string[] = [];
  private exact = false;

  override test(r: unknown, f: Filter): boolean {
    if (f.op === '[]') {
      this.parents.push(f.attrPath);
      try {
        return super.test(r, f);
      } finally {
        this.parents.pop();
      }
    }
    if ('attrPath' in f) {
      const saved = this.exact;
      this.exact = caseExact([...this.parents, f.attrPath]);
      try {
        return super.test(r, f);
      } finally {
        this.exact = saved;
      }
    }
    return super.test(r, f);
  }

  private fold(r: unknown, v: unknown): [unknown, unknown] {
    if (this.exact || typeof r !== 'string' || typeof v !== 'string') return [r, v];
    return [r.toLowerCase(), v.toLowerCase()];
  }

  override eq(r: unknown, v: string | number | boolean | null): boolean {
    const [a, b] = this.fold(r, v);
    return a === b;
  }

  override ne(r: unknown, v: string | number | boolean | null): boolean {
    return !this.eq(r, v);
  }

  override co(r: unknown, v: string | number | boolean | null): boolean {
    const [a, b] = this.fold(r, v);
    return typeof a === 'string' && typeof b === 'string' ? a.includes(b) : super.co(a, b as string);
  }

  override sw(r: unknown, v: string | number | boolean | null): boolean {
    const [a, b] = this.fold(r, v);
    return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
  }

  override ew(r: unknown, v: string | number | boolean | null): boolean {
    const [a, b] = this.fold(r, v);
    return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
  }
}

/** A filter's text as a tree, or a 400 invalidFilter naming the problem. */
export function parseScimFilter(text: string): Filter {
  try {
    // Says what is wrong where, and bounds the cost (at most 100 comparisons); then the library parses.
    checkFilterSyntax(text);
    return parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw scimErrors.badRequest('invalidFilter', `The filter is not valid: ${printable(reason, 200)}`);
  }
}

/** Whether a resource (its SCIM JSON) matches the filter. */
export function matchesFilter(resource: unknown, filter: Filter): boolean {
  return new ScimTester().test(resource, filter);
}

/** When the filter is one `eq` on this attribute (as Entra ID's look-ups are), the value compared with. */
export function eqValue(filter: Filter, attribute: string): string | undefined {
  if (filter.op !== 'eq' || !('attrPath' in filter) || !('compValue' in filter)) return undefined;
  if (filter.attrPath.toLowerCase() !== attribute.toLowerCase()) return undefined;
  return typeof filter.compValue === 'string' ? filter.compValue : undefined;
}

// ---- PATCH paths ----

export interface ScimPath {
  /** An extension schema URN, when the path starts with one. */
  schema?: string;
  attribute: string;
  filter?: Filter;
  sub?: string;
}

const ATTR = '[A-Za-z][\\w$-]*';
const PATH_RE = new RegExp(`^(${ATTR})(?:\\[(.+)\\])?(?:\\.(${ATTR}))?$`);

/** `name.givenName`, `emails[type eq "work"].value`, `members[value eq "…"]`, `urn:…:User:employeeNumber`. */
export function parseScimPath(text: string): ScimPath {
  let rest = text;
  let schema: string | undefined;
  if (text.toLowerCase().startsWith('urn:')) {
    const bracket = text.indexOf('[');
    const cut = text.lastIndexOf(':', bracket < 0 ? text.length : bracket);
    schema = text.slice(0, cut);
    rest = text.slice(cut + 1);
  }
  const m = PATH_RE.exec(rest);
  if (!m?.[1])
    throw scimErrors.badRequest('invalidPath', `The path "${printable(text, 200)}" is not a valid attribute path`);
  const path: ScimPath = { attribute: m[1] };
  if (schema !== undefined) path.schema = schema;
  if (m[2] !== undefined) {
    try {
      // Positions count in the whole path: the filter starts after the attribute (and schema) and its "[".
      checkFilterSyntax(m[2], { offset: text.length - rest.length + m[1].length + 1 });
      path.filter = parse(m[2]);
    } catch (e) {
      const reason = e instanceof FilterSyntaxError ? `: ${e.message}` : '';
      throw scimErrors.badRequest(
        'invalidPath',
        `The filter in the path "${printable(text, 200)}" is not valid${printable(reason, 200)}`,
      );
    }
  }
  if (m[3] !== undefined) path.sub = m[3];
  return path;
}
