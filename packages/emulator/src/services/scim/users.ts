// SCIM Users. A SCIM user is a user of the tenant (the same record GET /api/v1/users shows) plus what the IdP
// sent, kept as sent. The mapping is the emulator's assumption (Qlik documents none): subject = userName;
// name = displayName, else name.formatted, else givenName familyName, else userName; email = the primary
// email, else the work one, else the first; status = "provisioned" until the user would log in, "disabled"
// while active is false. A POST whose userName is the subject of a user that no SCIM resource holds takes that
// user over (as a login through the IdP would match it). DELETE disables the user and drops their group
// memberships, as Qlik documents SCIM deprovisioning; the record stays for an admin to delete.
import { isoMs } from '../../shared/clock.js';
import { newObjectId } from '../../shared/ids.js';
import type { Reply } from '../../http/reply.js';
import { emptyReply } from '../../http/reply.js';
import type { UserRecord } from '../../store/store.js';
import { isPlainObject } from '../../shared/validate.js';
import { assignedGroupsOf, groupRecords } from '../groups/index.js';
import { usersStore } from '../users/index.js';
import type { ScimCtx } from './context.js';
import { listResponse, SCHEMAS } from './discovery.js';
import { scimBodyErrors, scimErrors, scimReply } from './errors.js';
import { eqValue, matchesFilter } from './filter.js';
import { applyPatch, parsePatchBody } from './patch.js';
import { parseScimListQuery, parseProjection, project } from './query.js';
import { scimStore, type ScimUserRecord } from './store.js';

type Json = Record<string, unknown>;

/** Attributes kept in columns or computed, never in the stored document. */
const NOT_STORED = new Set(['id', 'meta', 'schemas', 'username', 'externalid', 'active', 'groups', 'password']);
const READ_ONLY = new Set(['id', 'meta', 'groups', 'schemas']);

interface UserInput {
  userName: string;
  externalId?: string;
  active: boolean;
  doc: Json;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/** Nulls mean "unassigned" (RFC 7643 §2.5): dropped, so nothing is null-filled. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, k.toLowerCase() === 'primary' ? (toBoolean(v) ?? v) : withoutNulls(v)]),
  );
}

/** A user's attributes from a POST or PUT body, or from a patched resource. */
function parseUserInput(body: unknown, requireSchemas: boolean): UserInput {
  if (!isPlainObject(body)) throw scimErrors.badRequest('invalidSyntax', 'The request body must be a JSON object');
  const schemas = body['schemas'];
  if (requireSchemas && (!Array.isArray(schemas) || !schemas.includes(SCHEMAS.user)))
    throw scimErrors.badRequest('invalidSyntax', `"schemas" must contain "${SCHEMAS.user}"`);
  const clean = withoutNulls(body) as Json;
  const get = (name: string): unknown => {
    const key = Object.keys(clean).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : clean[key];
  };
  const userName = get('userName');
  if (typeof userName !== 'string' || userName.trim() === '')
    throw scimErrors.badRequest('invalidValue', '"userName" is required and must be a non-empty string');
  const input: UserInput = { userName, active: true, doc: {} };
  const externalId = get('externalId');
  if (externalId !== undefined) {
    if (typeof externalId !== 'string') throw scimErrors.badRequest('invalidValue', '"externalId" must be a string');
    input.externalId = externalId;
  }
  const active = get('active');
  if (active !== undefined) {
    const value = toBoolean(active);
    if (value === undefined) throw scimErrors.badRequest('invalidValue', '"active" must be a boolean');
    input.active = value;
  }
  for (const [key, value] of Object.entries(clean)) if (!NOT_STORED.has(key.toLowerCase())) input.doc[key] = value;
  const emails = get('emails');
  if (
    emails !== undefined &&
    (!Array.isArray(emails) || !emails.every((e) => isPlainObject(e) && typeof e['value'] === 'string'))
  )
    throw scimErrors.badRequest('invalidValue', '"emails" must be an array of objects with a string "value"');
  const name = get('name');
  if (name !== undefined && !isPlainObject(name))
    throw scimErrors.badRequest('invalidValue', '"name" must be an object');
  const displayName = get('displayName');
  if (displayName !== undefined && typeof displayName !== 'string')
    throw scimErrors.badRequest('invalidValue', '"displayName" must be a string');
  return input;
}

function field(doc: Json, name: string): unknown {
  const key = Object.keys(doc).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : doc[key];
}

/** The Qlik user's name, email and subject for SCIM attributes (see the module comment). */
function mapped(input: UserInput): { name: string; email: string; subject: string } {
  const name = field(input.doc, 'name');
  const parts = isPlainObject(name) ? name : {};
  const formatted = typeof parts['formatted'] === 'string' ? parts['formatted'] : undefined;
  const given = [parts['givenName'], parts['familyName']].filter((p): p is string => typeof p === 'string').join(' ');
  const displayName = field(input.doc, 'displayName');
  const emails = field(input.doc, 'emails');
  const list = Array.isArray(emails) ? emails.filter(isPlainObject) : [];
  const email = list.find((e) => e['primary'] === true) ?? list.find((e) => e['type'] === 'work') ?? list[0];
  return {
    name: (typeof displayName === 'string' && displayName) || formatted || given.trim() || input.userName,
    email: typeof email?.['value'] === 'string' ? email['value'] : '',
    subject: input.userName,
  };
}

function statusFor(active: boolean, current: string | undefined): string {
  if (!active) return 'disabled';
  return current === undefined || current === 'disabled' || current === 'deleted' ? 'provisioned' : current;
}

function presentScimUser(ctx: ScimCtx, rec: ScimUserRecord, user: UserRecord): Json {
  const extensions = Object.keys(rec.doc).filter((k) => k.toLowerCase().startsWith('urn:'));
  const groupsOf = assignedGroupsOf(ctx.app.store, ctx.app.tenantId, user.id);
  return {
    schemas: [SCHEMAS.user, ...extensions],
    id: user.id,
    ...(rec.externalId === undefined ? {} : { externalId: rec.externalId }),
    userName: rec.userName,
    ...rec.doc,
    active: user.status !== 'disabled' && user.status !== 'deleted',
    groups: groupsOf.map((g) => ({ value: g.id, display: g.name, $ref: `${ctx.base}/Groups/${g.id}` })),
    meta: {
      resourceType: 'User',
      created: isoMs(rec.created),
      lastModified: isoMs(rec.lastModified),
      location: `${ctx.base}/Users/${user.id}`,
      version: `W/"${rec.lastModified}"`,
    },
  };
}

function uniquenessConflict(userName: string): never {
  throw scimErrors.conflict(`A user with userName "${userName}" already exists`);
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Writes the user and their SCIM record in one transaction; 409 when another SCIM user has the userName. */
function save(
  ctx: ScimCtx,
  input: UserInput,
  existing: ScimUserRecord | undefined,
): { rec: ScimUserRecord; user: UserRecord } {
  const { store, tenantId } = ctx.app;
  const scim = scimStore(store);
  const now = ctx.app.clock.now();
  const fields = mapped(input);
  try {
    return scim.tables.tx(() => {
      const holder = scim.byUserName(tenantId, input.userName);
      if (holder && holder.userId !== existing?.userId) uniquenessConflict(input.userName);
      let user = existing ? store.getUser(tenantId, existing.userId) : undefined;
      if (!user && !existing) {
        // A user with this subject that no live SCIM resource holds is taken over.
        const bySubject = store.getUserBySubject(tenantId, fields.subject);
        if (bySubject && !scim.get(tenantId, bySubject.id)) user = bySubject;
      }
      const status = statusFor(input.active, user?.status);
      if (user) {
        usersStore(store).updateFields(tenantId, user.id, { ...fields, status }, now);
      } else {
        const id = newObjectId(now);
        store.insertUsers([{ id, tenantId, ...fields, status, roles: [], createdAt: now, lastUpdatedAt: now }]);
        user = store.getUser(tenantId, id);
      }
      if (!user) throw new Error('the provisioned user was not stored');
      if (!input.active) groupRecords(store).removeUser(tenantId, user.id);
      const rec: ScimUserRecord = {
        userId: user.id,
        tenantId,
        idpId: ctx.idpId,
        userName: input.userName,
        ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
        doc: input.doc,
        created: existing?.created ?? now,
        lastModified: now,
      };
      scim.put(rec);
      const saved = store.getUser(tenantId, user.id) ?? user;
      return { rec, user: saved };
    });
  } catch (e) {
    if (isUniqueViolation(e)) uniquenessConflict(input.userName);
    throw e;
  }
}

function findUser(ctx: ScimCtx): { rec: ScimUserRecord; user: UserRecord } {
  const id = ctx.params['id'] ?? '';
  const rec = scimStore(ctx.app.store).get(ctx.app.tenantId, id);
  const user = rec && ctx.app.store.getUser(ctx.app.tenantId, id);
  if (!rec || !user) throw scimErrors.notFound(`User ${id} not found`);
  return { rec, user };
}

export async function createUser(ctx: ScimCtx): Promise<Reply> {
  const input = parseUserInput(await ctx.readJson(scimBodyErrors), true);
  const { rec, user } = save(ctx, input, undefined);
  const json = presentScimUser(ctx, rec, user);
  return scimReply(201, json, { location: `${ctx.base}/Users/${user.id}` });
}

export function getUser(ctx: ScimCtx): Reply {
  const { rec, user } = findUser(ctx);
  return scimReply(200, project(presentScimUser(ctx, rec, user), parseProjection(ctx.url.searchParams)));
}

export async function replaceUser(ctx: ScimCtx): Promise<Reply> {
  const found = findUser(ctx);
  const input = parseUserInput(await ctx.readJson(scimBodyErrors), false);
  const { rec, user } = save(ctx, input, found.rec);
  return scimReply(200, presentScimUser(ctx, rec, user));
}

export async function patchUser(ctx: ScimCtx): Promise<Reply> {
  const ops = parsePatchBody(await ctx.readJson(scimBodyErrors));
  const found = findUser(ctx);
  const current = presentScimUser(ctx, found.rec, found.user);
  const writable: Json = structuredClone(current);
  applyPatch(writable, ops, { readOnly: READ_ONLY });
  const { rec, user } = save(ctx, parseUserInput(writable, false), found.rec);
  return scimReply(200, project(presentScimUser(ctx, rec, user), parseProjection(ctx.url.searchParams)));
}

export function deleteUser(ctx: ScimCtx): Reply {
  const { user } = findUser(ctx);
  const { store, tenantId } = ctx.app;
  const scim = scimStore(store);
  scim.tables.tx(() => {
    usersStore(store).updateFields(tenantId, user.id, { status: 'disabled' }, ctx.app.clock.now());
    groupRecords(store).removeUser(tenantId, user.id);
    scim.delete(tenantId, user.id);
  });
  return emptyReply();
}

/** The SCIM users a filter can match; Entra ID's look-ups (`userName eq`, `externalId eq`, `id eq`) use the indexes. */
function candidates(ctx: ScimCtx, q: ReturnType<typeof parseScimListQuery>): ScimUserRecord[] {
  const scim = scimStore(ctx.app.store);
  const { tenantId } = ctx.app;
  if (q.filter) {
    const userName = eqValue(q.filter, 'userName');
    if (userName !== undefined) return [scim.byUserName(tenantId, userName)].filter((r) => r !== undefined);
    const externalId = eqValue(q.filter, 'externalId');
    if (externalId !== undefined) return scim.byExternalId(tenantId, externalId);
    const id = eqValue(q.filter, 'id');
    if (id !== undefined) return [scim.get(tenantId, id)].filter((r) => r !== undefined);
  }
  return scim.list(tenantId);
}

export function listUsers(ctx: ScimCtx): Reply {
  const q = parseScimListQuery(ctx.url.searchParams);
  const all: Json[] = [];
  for (const rec of candidates(ctx, q)) {
    const user = ctx.app.store.getUser(ctx.app.tenantId, rec.userId);
    if (!user) continue;
    const json = presentScimUser(ctx, rec, user);
    if (!q.filter || matchesFilter(json, q.filter)) all.push(json);
  }
  const page = all.slice(q.startIndex - 1, q.startIndex - 1 + q.count).map((r) => project(r, q));
  return scimReply(200, listResponse(page, all.length, q.startIndex));
}
