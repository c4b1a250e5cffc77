// SCIM Groups: the tenant's groups of providerType "idp" (the groups API shows them), displayName = the
// group's name (unique, as Entra ID also requires), members = users of the tenant (what the users API shows
// as their assignedGroups). PATCH answers 204, as Microsoft recommends for groups (no member list back).
import { isoMs } from '../../shared/clock.js';
import { emptyReply, type Reply } from '../../http/reply.js';
import { newObjectId } from '../../shared/ids.js';
import { isPlainObject } from '../../shared/validate.js';
import { groupRecords, isNameConflict, type GroupRecord } from '../groups/index.js';
import type { ScimCtx } from './context.js';
import { listResponse, SCHEMAS } from './discovery.js';
import { scimBodyErrors, scimErrors, scimReply } from './errors.js';
import { eqValue, matchesFilter } from './filter.js';
import { applyPatch, parsePatchBody } from './patch.js';
import { parseScimListQuery, parseProjection, project } from './query.js';

type Json = Record<string, unknown>;

const READ_ONLY = new Set(['id', 'meta', 'schemas']);

interface GroupInput {
  displayName: string;
  externalId?: string;
  members?: string[];
}

function get(obj: Json, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

function parseGroupInput(ctx: ScimCtx, body: unknown, requireSchemas: boolean): GroupInput {
  if (!isPlainObject(body)) throw scimErrors.badRequest('invalidSyntax', 'The request body must be a JSON object');
  const schemas = body['schemas'];
  if (requireSchemas && (!Array.isArray(schemas) || !schemas.includes(SCHEMAS.group)))
    throw scimErrors.badRequest('invalidSyntax', `"schemas" must contain "${SCHEMAS.group}"`);
  const displayName = get(body, 'displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 256)
    throw scimErrors.badRequest('invalidValue', '"displayName" is required: 1-256 characters');
  const input: GroupInput = { displayName };
  const externalId = get(body, 'externalId');
  if (externalId !== undefined && externalId !== null) {
    if (typeof externalId !== 'string') throw scimErrors.badRequest('invalidValue', '"externalId" must be a string');
    input.externalId = externalId;
  }
  const members = get(body, 'members');
  if (members !== undefined && members !== null) {
    if (!Array.isArray(members) || !members.every((m) => isPlainObject(m) && typeof m['value'] === 'string'))
      throw scimErrors.badRequest('invalidValue', '"members" must be an array of objects with a string "value"');
    const ids = [...new Set(members.map((m) => (m as Json)['value'] as string))];
    for (const id of ids)
      if (!ctx.app.store.getUser(ctx.app.tenantId, id))
        throw scimErrors.badRequest('invalidValue', `The member "${id}" is not a user of the tenant`);
    input.members = ids;
  }
  return input;
}

function presentScimGroup(ctx: ScimCtx, g: GroupRecord): Json {
  const members = groupRecords(ctx.app.store)
    .members(ctx.app.tenantId, g.id)
    .map((id) => ({
      value: id,
      display: ctx.app.store.getUser(ctx.app.tenantId, id)?.name ?? id,
      $ref: `${ctx.base}/Users/${id}`,
      type: 'User',
    }));
  return {
    schemas: [SCHEMAS.group],
    id: g.id,
    ...(g.externalId === undefined ? {} : { externalId: g.externalId }),
    displayName: g.name,
    members,
    meta: {
      resourceType: 'Group',
      created: isoMs(g.createdAt),
      lastModified: isoMs(g.lastUpdatedAt),
      location: `${ctx.base}/Groups/${g.id}`,
      version: `W/"${g.lastUpdatedAt}"`,
    },
  };
}

function conflict(name: string): never {
  throw scimErrors.conflict(`A group with displayName "${name}" already exists`);
}

/** Stores the group and (when given) exactly these members, in one transaction. */
function save(ctx: ScimCtx, input: GroupInput, existing: GroupRecord | undefined): GroupRecord {
  const store = groupRecords(ctx.app.store);
  const { tenantId } = ctx.app;
  const now = ctx.app.clock.now();
  const group: GroupRecord = existing
    ? { ...existing, name: input.displayName, lastUpdatedAt: now }
    : {
        id: newObjectId(now),
        tenantId,
        name: input.displayName,
        status: 'active',
        providerType: 'idp',
        roles: [],
        createdAt: now,
        lastUpdatedAt: now,
      };
  if (input.externalId === undefined) delete group.externalId;
  else group.externalId = input.externalId;
  try {
    store.tables.tx(() => {
      if (existing) store.update(group);
      else store.insert(group);
      if (input.members === undefined) return;
      const current = new Set(store.members(tenantId, group.id));
      const wanted = new Set(input.members);
      for (const id of current) if (!wanted.has(id)) store.removeMember(tenantId, group.id, id);
      for (const id of wanted) if (!current.has(id)) store.addMember(tenantId, group.id, id);
    });
  } catch (e) {
    if (isNameConflict(e)) conflict(input.displayName);
    throw e;
  }
  return group;
}

function findGroup(ctx: ScimCtx): GroupRecord {
  const id = ctx.params['id'] ?? '';
  const group = groupRecords(ctx.app.store).get(ctx.app.tenantId, id);
  if (!group || group.providerType !== 'idp') throw scimErrors.notFound(`Group ${id} not found`);
  return group;
}

export async function createGroup(ctx: ScimCtx): Promise<Reply> {
  const input = parseGroupInput(ctx, await ctx.readJson(scimBodyErrors), true);
  const group = save(ctx, input, undefined);
  return scimReply(201, presentScimGroup(ctx, group), { location: `${ctx.base}/Groups/${group.id}` });
}

export function getGroup(ctx: ScimCtx): Reply {
  return scimReply(200, project(presentScimGroup(ctx, findGroup(ctx)), parseProjection(ctx.url.searchParams)));
}

export async function replaceGroup(ctx: ScimCtx): Promise<Reply> {
  const found = findGroup(ctx);
  const input = parseGroupInput(ctx, await ctx.readJson(scimBodyErrors), false);
  input.members ??= [];
  return scimReply(200, presentScimGroup(ctx, save(ctx, input, found)));
}

export async function patchGroup(ctx: ScimCtx): Promise<Reply> {
  const ops = parsePatchBody(await ctx.readJson(scimBodyErrors));
  const found = findGroup(ctx);
  const writable = presentScimGroup(ctx, found);
  applyPatch(writable, ops, { readOnly: READ_ONLY });
  const input = parseGroupInput(ctx, writable, false);
  input.members ??= [];
  save(ctx, input, found);
  return emptyReply();
}

export function deleteGroup(ctx: ScimCtx): Reply {
  const group = findGroup(ctx);
  groupRecords(ctx.app.store).delete(ctx.app.tenantId, group.id);
  return emptyReply();
}

export function listGroups(ctx: ScimCtx): Reply {
  const q = parseScimListQuery(ctx.url.searchParams);
  const store = groupRecords(ctx.app.store);
  const { tenantId } = ctx.app;
  let candidates = store.list(tenantId);
  const byName = q.filter && eqValue(q.filter, 'displayName');
  if (byName !== undefined && byName !== null) {
    const exact = store.byName(tenantId, byName);
    if (exact) candidates = [exact];
  }
  const all: Json[] = [];
  for (const g of candidates) {
    if (g.providerType !== 'idp') continue;
    const json = presentScimGroup(ctx, g);
    if (!q.filter || matchesFilter(json, q.filter)) all.push(json);
  }
  const page = all.slice(q.startIndex - 1, q.startIndex - 1 + q.count).map((r) => project(r, q));
  return scimReply(200, listResponse(page, all.length, q.startIndex));
}
