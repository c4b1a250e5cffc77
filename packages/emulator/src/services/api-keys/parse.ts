// The api-keys service's request parsing: the create body, the JSON Patch bodies of a key and of the
// tenant's config, and the list query.
import { errors } from './errors.js';
import { isKeyId } from '../../shared/ids.js';
import {
  checkDuration,
  objectBody,
  optionalEnum,
  optionalString,
  pointer,
  requiredString,
  type Fail,
} from '../../shared/validate.js';
import { pagePosition, parseLimit, parseSort, refuseUnknownParams } from '../../shared/list-query.js';
import type { ApiKeysConfig, SubType } from '../../store/store.js';
import type { KeyStatus, SortField } from './store.js';

const apiFail: Fail = (detail, pointer) => errors.invalidBody(detail, pointer);

// ---- POST /api/v1/api-keys ----

export interface CreateKeyInput {
  description: string;
  expiry?: string;
  sub?: string;
  subType: SubType;
}

const SUB_TYPES = ['user', 'externalClient'] as const;

export function parseCreateBody(body: unknown, now: number, fail: Fail = apiFail): CreateKeyInput {
  const obj = objectBody(body, ['description', 'expiry', 'sub', 'subType'], fail);
  const input: CreateKeyInput = {
    description: requiredString(obj, 'description', fail),
    subType: optionalEnum(obj, 'subType', SUB_TYPES, fail) ?? 'user',
  };
  if (obj['expiry'] !== undefined) input.expiry = checkDuration(obj['expiry'], '/expiry', fail, now);
  const sub = optionalString(obj, 'sub', fail, true);
  if (sub !== undefined) input.sub = sub;
  return input;
}

// ---- JSON Patch bodies ----

interface PatchOp {
  path: string;
  value: unknown;
}

function patchOps(body: unknown, paths: readonly string[], fail: Fail): PatchOp[] {
  if (!Array.isArray(body)) throw fail('The request body must be a JSON Patch array', '');
  if (body.length === 0) throw fail('The JSON Patch array must contain at least one operation', '');
  return body.map((raw: unknown, i): PatchOp => {
    const op = objectBody(raw, ['op', 'path', 'value'], fail, pointer(i));
    if (op['op'] !== 'replace') throw fail('"op" must be "replace"', pointer(i, 'op'));
    if (typeof op['path'] !== 'string' || !paths.includes(op['path'])) {
      throw fail(`"path" must be one of: ${paths.join(', ')}`, pointer(i, 'path'));
    }
    if (!('value' in op)) throw fail('"value" is required', pointer(i, 'value'));
    return { path: op['path'], value: op['value'] };
  });
}

/** The new description from an api-key JSON Patch. */
export function parseKeyPatch(body: unknown, fail: Fail = apiFail): string {
  let description = '';
  patchOps(body, ['/description'], fail).forEach((op, i) => {
    if (typeof op.value !== 'string' || op.value.length === 0)
      throw fail('"value" must be a non-empty string', pointer(i, 'value'));
    description = op.value;
  });
  return description;
}

const CONFIG_FIELDS = ['max_api_key_expiry', 'max_keys_per_user', 'scim_externalClient_expiry'] as const;

/** Validates one config value; `at` is the pointer reported on failure. */
function configValue(
  field: (typeof CONFIG_FIELDS)[number],
  value: unknown,
  at: string,
  fail: Fail,
  now: number,
): string | number {
  if (field !== 'max_keys_per_user') return checkDuration(value, at, fail, now);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
    throw fail('"max_keys_per_user" must be an integer between 0 and 1000', at);
  }
  return value;
}

function assignConfig(
  target: Partial<ApiKeysConfig>,
  field: (typeof CONFIG_FIELDS)[number],
  value: string | number,
): void {
  if (field === 'max_keys_per_user') target.max_keys_per_user = value as number;
  else target[field] = value as string;
}

export function parseConfigPatch(body: unknown, now: number, fail: Fail = apiFail): Partial<ApiKeysConfig> {
  const patch: Partial<ApiKeysConfig> = {};
  const paths = CONFIG_FIELDS.map((f) => `/${f}`);
  patchOps(body, paths, fail).forEach((op, i) => {
    const field = op.path.slice(1) as (typeof CONFIG_FIELDS)[number];
    assignConfig(patch, field, configValue(field, op.value, pointer(i, 'value'), fail, now));
  });
  return patch;
}

/** A partial config object, as the control API takes it. */
export function parseConfigObject(body: unknown, now: number, fail: Fail): Partial<ApiKeysConfig> {
  const obj = objectBody(body, CONFIG_FIELDS, fail);
  const patch: Partial<ApiKeysConfig> = {};
  for (const field of CONFIG_FIELDS) {
    if (obj[field] !== undefined) assignConfig(patch, field, configValue(field, obj[field], pointer(field), fail, now));
  }
  return patch;
}

// ---- GET /api/v1/api-keys query ----

export interface ListParams {
  createdByUser?: string;
  sub?: string;
  status?: KeyStatus;
  sortField: SortField;
  descending: boolean;
  /** The sort as given (normalized), echoed in links. */
  sort: string;
  limit: number;
  cursor?: { id: string; direction: 'after' | 'before' };
}

const SORT_FIELDS: readonly SortField[] = ['createdByUser', 'sub', 'status', 'description', 'created'];
const STATUSES: readonly KeyStatus[] = ['active', 'expired', 'revoked'];
const LIST_PARAMS = ['createdByUser', 'sub', 'status', 'sort', 'limit', 'startingAfter', 'endingBefore'];

/**
 * The list query. As Qlik's (Go) services do, a repeated parameter takes its first value and an
 * unknown one is ignored; `strict` refuses both with a 400 instead.
 */
export function parseKeyListQuery(query: URLSearchParams, strict: boolean): ListParams {
  if (strict) refuseUnknownParams(query, LIST_PARAMS, errors.invalidQuery);
  const get = (name: string): string | undefined => query.get(name) ?? undefined;
  const sort = parseSort(get('sort') ?? '-created', SORT_FIELDS, errors.invalidQuery);
  const params: ListParams = {
    sortField: sort.field,
    descending: sort.descending,
    sort: sort.text,
    limit: parseLimit(get('limit') ?? '20', errors.invalidQuery),
  };
  for (const name of ['createdByUser', 'sub'] as const) {
    const value = get(name);
    if (value === '') throw errors.invalidQuery(`"${name}" must not be empty`, name);
    if (value !== undefined) params[name] = value;
  }
  const status = get('status');
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status))
      throw errors.invalidQuery(`"status" must be one of ${STATUSES.join(', ')}`, 'status');
    params.status = status as KeyStatus;
  }
  const at = pagePosition(query, ['startingAfter', 'endingBefore'], errors.invalidQuery);
  if (at) {
    if (!isKeyId(at.value)) throw errors.invalidQuery(`"${at.parameter}" must be an API key ID`, at.parameter);
    params.cursor = { id: at.value, direction: at.direction === 'next' ? 'after' : 'before' };
  }
  return params;
}
