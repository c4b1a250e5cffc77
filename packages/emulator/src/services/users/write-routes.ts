// The users write API (#21): POST /api/v1/users (create an invited user), PATCH and DELETE
// /api/v1/users/{userId}, and POST /api/v1/users/actions/invite (invite.yml). Only a TenantAdmin may create,
// delete, invite and change other users; a user may change their own preferred locale and time zone.
// Deleting a user revokes their API keys and OAuth tokens in the same transaction (Qlik's help page
// "Deleting users": "API keys associated with the user are revoked"). A disabled user's keys and tokens are
// refused by authentication (the user is not active) and work again once the user is re-enabled, unless
// they expired meanwhile.
import { randomUUID } from 'node:crypto';
import { requireUser } from '../../http/auth.js';
import type { ApiCtx, Route } from '../../http/context.js';
import { edgeError } from '../../shared/errors.js';
import { errors } from './errors.js';
import { emptyReply, jsonReply, type Reply } from '../../http/reply.js';
import { isObjectId, newObjectId } from '../../shared/ids.js';
import { presentUser } from './routes.js';
import { assignedGroupsOf, groupExists, setUserGroups } from '../groups/index.js';
import { DEFAULT_ROLES } from '../roles/index.js';
import type { UserRecord } from '../../store/store.js';
import { isPlainObject, pointer } from '../../shared/validate.js';
import {
  checkEmail,
  parseCreateUser,
  parsePatch,
  parseRoleRef,
  parseRoleRefs,
  usersFail,
  type PatchStep,
  type RoleRef,
} from './write-parse.js';
import { usersStore, type UserProfile } from './store.js';

/** An invitation is valid for 7 days (the users spec's example: inviteExpiry = createdAt + 604800 s). */
const INVITE_SECONDS = 7 * 24 * 3600;
const ADMIN_ROLE = 'TenantAdmin';

function requireAdmin(ctx: ApiCtx): UserRecord {
  const me = requireUser(ctx.principal);
  if (!ctx.principal.perms.admin) throw errors.usersForbidden();
  return me;
}

function roleNames(ctx: ApiCtx, refs: RoleRef[], at: string): string[] {
  return refs.map((ref, i) => {
    const name = ctx.app.roles.resolve(ref);
    if (name === undefined)
      throw usersFail(
        'id' in ref
          ? `No role has the id "${ref.id}"`
          : `No role is named "${ref.name}" (role names are case sensitive)`,
        `${at}/${i}`,
      );
    return name;
  });
}

function targetUser(ctx: ApiCtx): UserRecord {
  const id = ctx.params['id'] ?? '';
  const user = isObjectId(id) ? ctx.app.store.getUser(ctx.app.tenantId, id) : undefined;
  if (!user) throw errors.userNotFound();
  return user;
}

/** Active TenantAdmins other than `except` (the tenant must keep at least one). */
function otherActiveAdmins(ctx: ApiCtx, except: string): number {
  return usersStore(ctx.app.store)
    .snapshot(ctx.app.tenantId)
    .filter((u) => u.id !== except && u.status === 'active' && u.clientId === undefined)
    .filter((u) => ctx.app.roles.effectiveRoles(u).includes(ADMIN_ROLE)).length;
}

function inviteExpiry(now: number): number {
  return Math.floor(now / 1000) + INVITE_SECONDS;
}

async function createUser(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const input = parseCreateUser(await ctx.readJson(errors.body));
  if (input.tenantId !== undefined && input.tenantId !== ctx.app.tenantId)
    throw usersFail('"tenantId" must be the tenant of the request', '/tenantId');
  const roles = roleNames(ctx, input.assignedRoles, '/assignedRoles');
  const writes = usersStore(ctx.app.store);
  const now = ctx.app.clock.now();
  const user: UserRecord = {
    id: newObjectId(now),
    tenantId: ctx.app.tenantId,
    name: input.name ?? input.email ?? input.subject,
    email: input.email ?? '',
    subject: input.subject,
    status: input.status,
    roles: [...new Set(roles)],
    createdAt: now,
    lastUpdatedAt: now,
  };
  const profile: UserProfile = { inviteExpiry: inviteExpiry(now) };
  if (input.picture !== undefined) profile.picture = input.picture;
  writes.tables.tx(() => {
    if (ctx.app.store.getUserBySubject(ctx.app.tenantId, input.subject))
      throw errors.usersConflict(`A user with the subject ${JSON.stringify(input.subject)} already exists`);
    writes.insert(user, profile);
  });
  return jsonReply(201, presentUser(user, ctx.baseUrl, ctx.app.roles, true, profile));
}

// ---- PATCH ----

function stringValue(step: PatchStep): string {
  if (typeof step.value !== 'string' || step.value === '')
    throw usersFail('"value" must be a non-empty string', `${step.at}/value`);
  return step.value;
}

function refsOf(step: PatchStep): RoleRef[] {
  // /roles (deprecated) takes role names as strings; /assignedRoles takes {id} or {name} objects.
  if (Array.isArray(step.value) && step.value.every((v) => typeof v === 'string'))
    return step.value.map((name: string) => ({ name }));
  if (Array.isArray(step.value)) return parseRoleRefs(step.value, `${step.at}/value`);
  if (typeof step.value === 'string') return [{ name: step.value }];
  return [parseRoleRef(step.value, `${step.at}/value`)];
}

function applyRoles(ctx: ApiCtx, step: PatchStep, roles: string[]): string[] {
  const named = roleNames(ctx, refsOf(step), `${step.at}/value`);
  switch (step.op) {
    case 'replace':
    case 'set':
      if (!Array.isArray(step.value))
        throw usersFail('"value" must be an array of role references', `${step.at}/value`);
      return [...new Set(named)];
    case 'add':
      return [...new Set([...roles, ...named])];
    case 'remove-value':
    case 'unset':
      return roles.filter((r) => !named.includes(r));
    default:
      throw usersFail(`The "${step.op}" operation does not apply to ${step.path}`, `${step.at}/op`);
  }
}

/** The group ids after one `/assignedGroups` step: references are `{id}` objects of the tenant's groups. */
function applyGroups(ctx: ApiCtx, step: PatchStep, groupIds: string[]): string[] {
  const refs = Array.isArray(step.value) ? step.value : [step.value];
  const ids = refs.map((ref: unknown, i) => {
    const at = Array.isArray(step.value) ? `${step.at}/value/${i}` : `${step.at}/value`;
    const id = isPlainObject(ref) ? ref['id'] : undefined;
    if (typeof id !== 'string' || !groupExists(ctx.app.store, ctx.app.tenantId, id))
      throw usersFail('"value" must reference groups of the tenant by {"id"}', at);
    return id;
  });
  switch (step.op) {
    case 'replace':
    case 'set':
      return [...new Set(ids)];
    case 'add':
      return [...new Set([...groupIds, ...ids])];
    case 'remove-value':
    case 'unset':
      return groupIds.filter((g) => !ids.includes(g));
    default:
      throw usersFail(`The "${step.op}" operation does not apply to ${step.path}`, `${step.at}/op`);
  }
}

const SELF_PATHS = new Set(['/preferredLocale', '/preferredZoneinfo', '/preferredZoneInfo']);

async function patchUser(ctx: ApiCtx): Promise<Reply> {
  const me = requireUser(ctx.principal);
  const steps = parsePatch(await ctx.readJson(errors.body));
  const user = targetUser(ctx);
  const self = user.id === me.id;
  if (!ctx.principal.perms.admin && !(self && steps.every((s) => SELF_PATHS.has(s.path))))
    throw errors.usersForbidden(
      self ? 'Only a TenantAdmin may change this field' : 'The TenantAdmin role is required to update other users',
    );
  const writes = usersStore(ctx.app.store);
  const next: UserRecord = { ...user, roles: [...user.roles] };
  const profile = writes.profile(user.id);
  const now = ctx.app.clock.now();
  const groupsBefore = assignedGroupsOf(ctx.app.store, ctx.app.tenantId, user.id).map((g) => g.id);
  let groupIds = groupsBefore;
  for (const step of steps) {
    const base = step.path.replace(/\/-$/, '');
    switch (base) {
      case '/name':
        next.name = stringValue(step);
        break;
      case '/email':
        next.email = checkEmail(stringValue(step), `${step.at}/value`);
        break;
      case '/status': {
        const status = stringValue(step);
        if (status !== 'active' && status !== 'disabled')
          throw usersFail('"value" must be "active" or "disabled"', `${step.at}/value`);
        next.status = status;
        break;
      }
      case '/roles':
      case '/assignedRoles':
        next.roles = applyRoles(ctx, step, next.roles);
        break;
      case '/preferredLocale':
      case '/preferredZoneinfo':
      case '/preferredZoneInfo': {
        const value = step.op === 'unset' ? undefined : stringValue(step);
        if (base === '/preferredLocale') profile.preferredLocale = value;
        else profile.preferredZoneinfo = value;
        break;
      }
      case '/inviteExpiry':
        if (step.op !== 'renew') throw usersFail('/inviteExpiry takes the "renew" operation', `${step.at}/op`);
        if (next.status !== 'invited') throw usersFail('Only an invited user has an invitation to renew', step.at);
        profile.inviteExpiry = inviteExpiry(now);
        break;
      case '/assignedGroups':
        groupIds = applyGroups(ctx, step, groupIds);
        break;
      default:
        throw edgeError(501, `PATCH ${base} on /api/v1/users/{userId} is not emulated by qlik-emulator`);
    }
  }
  const wasAdmin = user.status === 'active' && ctx.app.roles.effectiveRoles(user).includes(ADMIN_ROLE);
  const staysAdmin = next.status === 'active' && ctx.app.roles.effectiveRoles(next).includes(ADMIN_ROLE);
  if (self && wasAdmin && !staysAdmin)
    throw usersFail('You cannot remove the TenantAdmin role from yourself, nor disable yourself', '');
  if (wasAdmin && !staysAdmin && otherActiveAdmins(ctx, user.id) === 0)
    throw usersFail('The tenant must keep at least one active TenantAdmin', '');
  next.lastUpdatedAt = now;
  writes.tables.tx(() => {
    writes.update(next);
    writes.setProfile(user.id, profile);
    if (groupIds !== groupsBefore) setUserGroups(ctx.app.store, ctx.app.tenantId, user.id, groupIds);
  });
  return emptyReply(204);
}

function deleteUser(ctx: ApiCtx): Reply {
  const me = requireAdmin(ctx);
  const user = targetUser(ctx);
  if (user.id === me.id) throw usersFail('You cannot delete yourself', '');
  const admin = user.status === 'active' && ctx.app.roles.effectiveRoles(user).includes(ADMIN_ROLE);
  if (admin && otherActiveAdmins(ctx, user.id) === 0)
    throw usersFail('The tenant must keep at least one active TenantAdmin', '');
  usersStore(ctx.app.store).delete(ctx.app.tenantId, user.id, ctx.app.clock.now());
  return emptyReply(204);
}

// ---- invite (invite.yml) ----

interface Invitee {
  email: string;
  name?: string;
  resend: boolean;
}

function parseInvitees(body: unknown): Invitee[] {
  if (!isPlainObject(body)) throw usersFail('The request body must be a JSON object', '');
  const list = body['invitees'];
  if (!Array.isArray(list) || list.length === 0 || list.length > 100)
    throw usersFail('"invitees" must be an array of 1-100 invitees', '/invitees');
  return list.map((item: unknown, i): Invitee => {
    const at = pointer('invitees', i);
    if (!isPlainObject(item)) throw usersFail('An invitee must be an object', at);
    const { email, name, resend, language } = item;
    if (typeof email !== 'string') throw usersFail('"email" is required', `${at}/email`);
    const invitee: Invitee = { email: checkEmail(email, `${at}/email`), resend: false };
    if (name !== undefined) {
      if (typeof name !== 'string') throw usersFail('"name" must be a string', `${at}/name`);
      if (name !== '') invitee.name = name;
    }
    if (resend !== undefined) {
      if (typeof resend !== 'boolean') throw usersFail('"resend" must be a boolean', `${at}/resend`);
      invitee.resend = resend;
    }
    if (language !== undefined && typeof language !== 'string')
      throw usersFail('"language" must be a string', `${at}/language`);
    return invitee;
  });
}

/**
 * One result per invitee: a new email → a user with status `invited` ("ok"); an invited user → "exists",
 * or "ok" with `resend` (the invitation is renewed); an active or disabled user → "exists", or with `resend`
 * the error items 1001 (active) and 1002 (disabled) of invite.yml.
 */
async function inviteUsers(ctx: ApiCtx): Promise<Reply> {
  requireAdmin(ctx);
  const invitees = parseInvitees(await ctx.readJson(errors.body));
  const writes = usersStore(ctx.app.store);
  const now = ctx.app.clock.now();
  const data = writes.tables.tx(() =>
    invitees.map((inv) => {
      const found = writes.byEmail(ctx.app.tenantId, inv.email);
      if (!found) {
        const user: UserRecord = {
          id: newObjectId(now),
          tenantId: ctx.app.tenantId,
          name: inv.name ?? inv.email,
          email: inv.email,
          subject: randomUUID(),
          status: 'invited',
          roles: [],
          createdAt: now,
          lastUpdatedAt: now,
        };
        writes.insert(user, { inviteExpiry: inviteExpiry(now) });
        return { status: 'ok', email: inv.email, subject: user.subject, userId: user.id };
      }
      const result = { email: inv.email, subject: found.subject, userId: found.id };
      if (!inv.resend) return { ...result, status: 'exists' };
      if (found.status === 'invited') {
        writes.setProfile(found.id, { ...writes.profile(found.id), inviteExpiry: inviteExpiry(now) });
        return { ...result, status: 'ok' };
      }
      const code = found.status === 'disabled' ? '1002' : '1001';
      const title = found.status === 'disabled' ? 'Disabled User' : 'Active User';
      return {
        code,
        title,
        detail: `The user is ${found.status}; no invitation was sent`,
        status: 'error',
        email: inv.email,
      };
    }),
  );
  return jsonReply(207, { data });
}

/** Deprecated in users.yml's predecessor (still called by @qlik/sdk's Users.getMetadata): the assignable default roles. */
function metadata(ctx: ApiCtx): Reply {
  requireUser(ctx.principal);
  return jsonReply(200, { valid_roles: DEFAULT_ROLES.filter((r) => r.deprecated !== true).map((r) => r.name) });
}

export const userWriteRoutes: Route<ApiCtx>[] = [
  { method: 'GET', path: '/api/v1/users/metadata', handler: metadata },
  { method: 'POST', path: '/api/v1/users', handler: createUser },
  { method: 'POST', path: '/api/v1/users/actions/invite', handler: inviteUsers },
  { method: 'PATCH', path: '/api/v1/users/:id', handler: patchUser },
  { method: 'DELETE', path: '/api/v1/users/:id', handler: deleteUser },
];
