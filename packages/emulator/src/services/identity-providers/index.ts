// The identity-providers service: its routes, its seed and control entries, and what other services may
// ask of it (whether an IdP exists, whether it is active) without reaching into its table.
import type { Ctx, Route, Service } from '../../http/context.js';
import { ApiError, controlBodyErrors, errors } from '../../shared/errors.js';
import { jsonReply, type Reply } from '../../http/reply.js';
import type { Store } from '../../store/store.js';
import { isPlainObject, objectBody, type Fail } from '../../shared/validate.js';
import { parseCreateIdp } from './parse.js';
import { presentIdp } from './present.js';
import { idpRoutes, newIdpRecord } from './routes.js';
import { idpStore, type IdpRecord } from './store.js';

export const identityProviders: Service = { name: 'identity-providers', routes: idpRoutes };
export type { IdpRecord };

/** An IdP of a seed (`identityProviders`) or of POST /__emulator/identity-providers: a create body plus `id` and `active`. */
export interface IdpSeedInput {
  id?: string;
  active?: boolean;
  protocol: 'OIDC' | 'SAML' | 'jwtAuth';
  provider: string;
  interactive?: boolean;
  description?: string;
  options?: Record<string, unknown>;
  pendingOptions?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The IdP every tenant starts with: Microsoft Entra ID over OIDC, interactive and active, so SCIM works at once. */
export const DEFAULT_SEED_IDPS: IdpSeedInput[] = [
  {
    protocol: 'OIDC',
    provider: 'azureAD',
    interactive: true,
    active: true,
    description: 'Microsoft Entra ID (qlik-emulator seed)',
    options: {
      clientId: '00000000-0000-4000-8000-00000000e17a',
      clientSecret: 'qlik-emulator-entra-client-secret',
      discoveryUrl:
        'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000001/v2.0/.well-known/openid-configuration',
      realm: 'entra',
      claimsMapping: { sub: ['/oid'], name: ['/name'], email: ['/email', '/upn'], groups: ['/groups'] },
      emailVerifiedAlwaysTrue: false,
      useClaimsFromIdToken: true,
    },
  },
];

const SEED_META = 'seed_identity_providers';
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks one seed entry; `fail` reports in the caller's shape (a seed file or the control API). */
export function parseIdpSeed(value: unknown, fail: Fail, at: string): IdpSeedInput {
  if (!isPlainObject(value)) throw fail('An identity provider must be a JSON object', at);
  const { id, active, ...body } = value;
  if (id !== undefined && (typeof id !== 'string' || !ID_RE.test(id)))
    throw fail('"id" must be 1-64 characters of A-Z, a-z, 0-9, _ or -', `${at}/id`);
  if (active !== undefined && typeof active !== 'boolean') throw fail('"active" must be a boolean', `${at}/active`);
  const create = body['interactive'] === true && body['options'] !== undefined ? { skipVerify: true, ...body } : body;
  try {
    parseCreateIdp(create);
  } catch (e) {
    if (e instanceof ApiError) throw fail(e.message, `${at}${e.error.source?.pointer ?? ''}`);
    throw e;
  }
  return value as IdpSeedInput;
}

function recordOf(tenantId: string, seed: IdpSeedInput, now: number): IdpRecord {
  const { id, active, ...body } = seed;
  const create = body['interactive'] === true && body['options'] !== undefined ? { skipVerify: true, ...body } : body;
  const record = newIdpRecord(tenantId, parseCreateIdp(create), now, id);
  if (active !== undefined) record.active = active;
  return record;
}

function checkOneInteractive(records: IdpRecord[], fail: Fail): void {
  const interactive = records.filter((r) => r.active && r.interactive);
  if (interactive.length > 1) throw fail('Only one interactive identity provider can be active', '/identityProviders');
}

/**
 * Creates the seed's IdPs (on the first start, or the first start of a data file made before this service) and
 * remembers them, so that /__emulator/reset restores them with the same ids.
 */
export function seedIdentityProviders(store: Store, tenantId: string, seeds: IdpSeedInput[], now: number): void {
  const records = seeds.map((s) => recordOf(tenantId, s, now));
  checkOneInteractive(records, (detail, at) => errors.control(detail, at));
  idpStore(store).replaceAll(tenantId, records);
  store.setMeta(SEED_META, JSON.stringify(records));
}

/** Whether the data file already had the IdP table before this start (else the caller seeds it). */
export function identityProvidersStored(store: Store): boolean {
  return !idpStore(store).tables.created || store.getMeta(SEED_META) !== undefined;
}

/** Back to the seeded IdPs (POST /__emulator/reset). */
export function resetIdentityProviders(store: Store, tenantId: string): void {
  setScimKeysRequireIdp(store, store.getMeta(REQUIRE_IDP_SEED_META) !== 'false');
  const saved = store.getMeta(SEED_META);
  idpStore(store).replaceAll(tenantId, saved === undefined ? [] : (JSON.parse(saved) as IdpRecord[]));
}

/** The IdP with this id, if the tenant has it (for the api-keys service's SCIM subject check). */
export function findIdentityProvider(store: Store, tenantId: string, id: string): IdpRecord | undefined {
  return idpStore(store).get(tenantId, id);
}

// ---- SCIM subjects (an emulator assumption, switchable) ----

const REQUIRE_IDP_META = 'scim_keys_require_idp';
const REQUIRE_IDP_SEED_META = 'seed_scim_keys_require_idp';

/** The IdP id of an externalClient key's subject, `SCIM\<id>` (one or two backslashes). */
export function idpOfScimSubject(sub: string): string | undefined {
  return /^SCIM\\{1,2}([^\\\s]+)$/.exec(sub)?.[1];
}

export function scimKeysRequireIdp(store: Store): boolean {
  return store.getMeta(REQUIRE_IDP_META) !== 'false';
}

/** Sets whether SCIM keys must name an IdP of the tenant; `seed` also makes it the value reset() restores. */
export function setScimKeysRequireIdp(store: Store, value: boolean, seed = false): void {
  store.setMeta(REQUIRE_IDP_META, String(value));
  if (seed) store.setMeta(REQUIRE_IDP_SEED_META, String(value));
}

/**
 * Why an externalClient key for this IdP id is refused, if it is: the tenant has no such IdP. Real Qlik may
 * accept such a key and fail only when the IdP uses it; the emulator says so at once (seed
 * `scimKeysRequireIdp: false` or PUT /__emulator/identity-providers/settings turns the check off).
 */
export function scimSubjectRefusal(store: Store, tenantId: string, idpId: string): string | undefined {
  if (!scimKeysRequireIdp(store) || idpStore(store).get(tenantId, idpId)) return undefined;
  return `"sub" names the identity provider "${idpId}", which this tenant does not have (GET /api/v1/identity-providers lists them)`;
}

// ---- control API ----

const controlFail: Fail = (detail, at) => errors.control(detail, at);

function listForControl(ctx: Ctx): Reply {
  return jsonReply(200, { identityProviders: idpStore(ctx.app.store).list(ctx.app.tenantId).map(presentIdp) });
}

async function addForControl(ctx: Ctx): Promise<Reply> {
  const { app } = ctx;
  const seed = parseIdpSeed(await ctx.readJson(controlBodyErrors), controlFail, '');
  const record = recordOf(app.tenantId, seed, app.clock.now());
  const store = idpStore(app.store);
  if (store.get(app.tenantId, record.id))
    throw controlFail(`An identity provider with id "${record.id}" exists`, '/id');
  checkOneInteractive([...store.list(app.tenantId), record], controlFail);
  store.insert(record);
  return jsonReply(201, presentIdp(record));
}

function settingsView(ctx: Ctx): { scimKeysRequireIdp: boolean } {
  return { scimKeysRequireIdp: scimKeysRequireIdp(ctx.app.store) };
}

async function putSettings(ctx: Ctx): Promise<Reply> {
  const obj = objectBody(await ctx.readJson(controlBodyErrors), ['scimKeysRequireIdp'], controlFail);
  const value = obj['scimKeysRequireIdp'];
  if (value !== undefined && typeof value !== 'boolean')
    throw controlFail('"scimKeysRequireIdp" must be a boolean', '/scimKeysRequireIdp');
  if (value !== undefined) setScimKeysRequireIdp(ctx.app.store, value);
  return jsonReply(200, settingsView(ctx));
}

export const idpControlRoutes: Route<Ctx>[] = [
  {
    method: 'GET',
    path: '/__emulator/identity-providers/settings',
    handler: (ctx) => jsonReply(200, settingsView(ctx)),
  },
  { method: 'PUT', path: '/__emulator/identity-providers/settings', handler: putSettings },
  { method: 'GET', path: '/__emulator/identity-providers', handler: listForControl },
  { method: 'POST', path: '/__emulator/identity-providers', handler: addForControl },
];
