// Request parsing for the users write API (#21): the create body (users.yml UserPostSchema), the JSON Patch
// array (JSONPatch: ops replace|set|unset|add|renew|remove-value on the documented paths) and role references.
import { errors } from './errors.js';
import { isPlainObject, objectBody, optionalEnum, optionalString, pointer, type Fail } from '../../shared/validate.js';

export const usersFail: Fail = (detail, at) => errors.usersBadBody(detail, at);

export type RoleRef = { id: string } | { name: string };

interface CreateUserInput {
  subject: string;
  name?: string;
  email?: string;
  status: 'invited';
  picture?: string;
  tenantId?: string;
  assignedRoles: RoleRef[];
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export function checkEmail(value: string, at: string): string {
  if (!EMAIL_RE.test(value) || value.length > 320) throw usersFail('The value must be an email address', at);
  return value;
}

/** One `{id}` or `{name}` reference (RefIDs / RefNames items). */
export function parseRoleRef(value: unknown, at: string): RoleRef {
  if (!isPlainObject(value)) throw usersFail('A role reference must be an object with "id" or "name"', at);
  const { id, name } = value;
  if (typeof id === 'string' && id !== '') return { id };
  if (typeof name === 'string' && name !== '') return { name };
  throw usersFail('A role reference must have a non-empty "id" or "name"', at);
}

export function parseRoleRefs(value: unknown, at: string): RoleRef[] {
  if (!Array.isArray(value)) throw usersFail('The value must be an array of role references', at);
  return value.map((v, i) => parseRoleRef(v, `${at}/${i}`));
}

export function parseCreateUser(body: unknown): CreateUserInput {
  const obj = objectBody(
    body,
    ['subject', 'name', 'email', 'status', 'picture', 'tenantId', 'assignedRoles'],
    usersFail,
  );
  const subject = optionalString(obj, 'subject', usersFail, true);
  if (subject === undefined) throw usersFail('"subject" is required', '/subject');
  const input: CreateUserInput = {
    subject,
    status: optionalEnum(obj, 'status', ['invited'] as const, usersFail) ?? 'invited',
    assignedRoles: obj['assignedRoles'] === undefined ? [] : parseRoleRefs(obj['assignedRoles'], '/assignedRoles'),
  };
  const name = optionalString(obj, 'name', usersFail, true);
  if (name !== undefined) input.name = name;
  const email = optionalString(obj, 'email', usersFail, true);
  if (email !== undefined) input.email = checkEmail(email, '/email');
  const picture = optionalString(obj, 'picture', usersFail, true);
  if (picture !== undefined) input.picture = picture;
  const tenantId = optionalString(obj, 'tenantId', usersFail, true);
  if (tenantId !== undefined) input.tenantId = tenantId;
  return input;
}

const PATCH_OPS = ['replace', 'set', 'unset', 'add', 'renew', 'remove-value'] as const;
export type PatchOp = (typeof PATCH_OPS)[number];

export interface PatchStep {
  op: PatchOp;
  path: string;
  value: unknown;
  /** The step's pointer in the body, for errors (`/0/value`). */
  at: string;
}

/** The documented paths (users.yml JSONPatch.path), plus /email and /preferredZoneInfo from its example. */
export const PATCH_PATHS = [
  '/name',
  '/email',
  '/roles',
  '/assignedRoles',
  '/assignedRoles/-',
  '/inviteExpiry',
  '/preferredZoneinfo',
  '/preferredZoneInfo',
  '/preferredLocale',
  '/status',
  '/assignedGroups',
  '/assignedGroups/-',
] as const;

export function parsePatch(body: unknown): PatchStep[] {
  if (!Array.isArray(body) || body.length === 0)
    throw usersFail('The request body must be a non-empty array of JSON Patch operations', '');
  return body.map((item: unknown, i): PatchStep => {
    const at = pointer(i);
    const obj = objectBody(item, ['op', 'path', 'value'], (d, p) => usersFail(d, at + p));
    const op = optionalEnum(obj, 'op', PATCH_OPS, (d, p) => usersFail(d, at + p));
    if (op === undefined) throw usersFail('"op" is required', `${at}/op`);
    const path = obj['path'];
    if (typeof path !== 'string' || !(PATCH_PATHS as readonly string[]).includes(path))
      throw usersFail(`"path" must be one of: ${PATCH_PATHS.join(', ')}`, `${at}/path`);
    if (!('value' in obj) && op !== 'unset' && op !== 'renew') throw usersFail('"value" is required', `${at}/value`);
    return { op, path, value: obj['value'], at };
  });
}
