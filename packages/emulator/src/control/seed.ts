// The tenant and users the emulator starts with (built in, or from --seed FILE), and user creation
// with a bootstrap API key. Bootstrap keys are ordinary keys of their user (they count against
// max_keys_per_user like any key), except that they survive /__emulator/reset and keep their token
// in the store so that a restart with --data prints the same tokens again.
import type { TokenService } from '../http/auth.js';
import type { Clock } from '../shared/clock.js';
import { errors } from '../shared/errors.js';
import { newObjectId, newTenantId } from '../shared/ids.js';
import type { EmulatorUser } from '../shared/info.js';
import { buildKey, expiryAfter, keysStore, parseConfigObject } from '../services/api-keys/index.js';
import { newOAuthClient, oauthStore, parseOAuthClient, type OAuthClientInput } from '../services/oauth/index.js';
import { getTenant, insertTenant } from '../services/tenants/index.js';
import { usersStore } from '../services/users/index.js';
import { USER_STATUSES, type ApiKeysConfig, type KeyRecord, type Store, type UserRecord } from '../store/store.js';
import {
  DEFAULT_SEED_IDPS,
  identityProvidersStored,
  parseIdpSeed,
  seedIdentityProviders,
  setScimKeysRequireIdp,
  type IdpSeedInput,
} from '../services/identity-providers/index.js';
import { objectBody, optionalEnum, optionalString, pointer, requiredString, type Fail } from '../shared/validate.js';

const QLIK_DEFAULT_CONFIG: ApiKeysConfig = {
  max_api_key_expiry: 'PT24H',
  max_keys_per_user: 5,
  scim_externalClient_expiry: 'P365D',
};
export const BOOTSTRAP_DESCRIPTION = 'qlik-emulator bootstrap';
const BOOTSTRAP_EXPIRY = 'P10Y';
const DEFAULT_CONFIG_META = 'default_config';

interface SeedUser {
  name: string;
  email?: string;
  roles: string[];
  status?: string;
  subject?: string;
}

export interface Seed {
  tenant: { id?: string; name: string };
  users: SeedUser[];
  config: ApiKeysConfig;
  oauthClients: OAuthClientInput[];
  identityProviders: IdpSeedInput[];
  scimKeysRequireIdp: boolean;
  /** Custom roles to create on first start (#21). */
  roles: SeedRole[];
}

/** A custom role of a seed (or of POST /__emulator/roles); `assignedScopes` may hold "api-keys:manage". */
export interface SeedRole {
  name: string;
  description?: string;
  assignedScopes?: string[];
}

type UserStatus = (typeof USER_STATUSES)[number];

/** A seed as a --seed file holds it: every part optional, missing parts keep the built-in seed. */
export interface SeedInput {
  /** `id`: 1-64 characters of A-Z, a-z, 0-9, _ or - (default: a random 32-character id). */
  tenant?: { id?: string; name?: string };
  /** A non-empty list; `roles` defaults to ["User"], `email` to `<name>@example.com`, `status` to active. */
  users?: { name: string; email?: string; roles?: string[]; status?: UserStatus; subject?: string }[];
  config?: Partial<ApiKeysConfig>;
  /** OAuth M2M clients, each with a bot user (default: one client "m2m" whose bot is a TenantAdmin; [] for none). */
  oauthClients?: OAuthClientInput[];
  /** Identity providers (default: one active interactive Entra ID IdP over OIDC; [] for none). */
  identityProviders?: IdpSeedInput[];
  /** Refuse an externalClient key whose `sub` names no IdP of the tenant (default true: an emulator assumption). */
  scimKeysRequireIdp?: boolean;
  /** Custom roles (`assignedScopes: ["api-keys:manage"]` grants "Manage API keys"); users name them in `roles`. */
  roles?: SeedRole[];
}

export function defaultSeed(): Seed {
  return {
    tenant: { name: 'qlik-emulator' },
    users: [
      { name: 'admin', roles: ['TenantAdmin'] },
      { name: 'dev', roles: ['ManageApiKeys'] },
      { name: 'viewer', roles: ['User'] },
    ],
    config: { ...QLIK_DEFAULT_CONFIG },
    oauthClients: [{ name: 'm2m', roles: ['TenantAdmin'] }],
    identityProviders: DEFAULT_SEED_IDPS,
    scimKeysRequireIdp: true,
    roles: [],
  };
}

/** Validates a custom role of a seed file or of POST /__emulator/roles. */
export function parseSeedRole(value: unknown, fail: Fail, at = ''): SeedRole {
  const prefixed: Fail = (detail, p) => fail(detail, at + p);
  const obj = objectBody(value, ['name', 'description', 'assignedScopes'], prefixed);
  const role: SeedRole = { name: requiredString(obj, 'name', prefixed) };
  const description = optionalString(obj, 'description', prefixed);
  if (description !== undefined) role.description = description;
  const scopes = obj['assignedScopes'];
  if (scopes !== undefined) {
    if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string' && s !== ''))
      throw prefixed('"assignedScopes" must be an array of scope names', '/assignedScopes');
    role.assignedScopes = scopes;
  }
  return role;
}

/** Validates a user description (seed file entry or POST /__emulator/users body). */
export function parseSeedUser(value: unknown, fail: Fail, at = ''): SeedUser {
  const prefixed: Fail = (detail, p) => fail(detail, at + p);
  const obj = objectBody(value, ['name', 'email', 'roles', 'status', 'subject'], prefixed);
  const roles = obj['roles'] ?? ['User'];
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string' && r.length > 0)) {
    throw prefixed('"roles" must be an array of role names', '/roles');
  }
  const user: SeedUser = { name: requiredString(obj, 'name', prefixed), roles };
  const email = optionalString(obj, 'email', prefixed, true);
  if (email !== undefined) user.email = email;
  const status = optionalEnum(obj, 'status', USER_STATUSES, prefixed);
  if (status !== undefined) user.status = status;
  const subject = optionalString(obj, 'subject', prefixed, true);
  if (subject !== undefined) user.subject = subject;
  return user;
}

/** Validates a --seed file's JSON; missing parts come from the built-in seed. */
export function parseSeed(value: unknown, now: number): Seed {
  const fail: Fail = (detail, at) => errors.control(detail, at);
  const obj = objectBody(
    value,
    ['tenant', 'users', 'config', 'oauthClients', 'roles', 'identityProviders', 'scimKeysRequireIdp'],
    fail,
  );
  const seed = defaultSeed();
  if (obj['tenant'] !== undefined) {
    const tenant = objectBody(obj['tenant'], ['id', 'name'], fail, '/tenant');
    const id = optionalString(tenant, 'id', (d) => fail(d, '/tenant/id'), true);
    if (id !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(id))
      throw fail('"id" must be 1-64 characters of A-Z, a-z, 0-9, _ or -', '/tenant/id');
    seed.tenant = { name: optionalString(tenant, 'name', (d) => fail(d, '/tenant/name'), true) ?? seed.tenant.name };
    if (id !== undefined) seed.tenant.id = id;
  }
  if (obj['users'] !== undefined) {
    const users = obj['users'];
    if (!Array.isArray(users) || users.length === 0) throw fail('"users" must be a non-empty array', '/users');
    seed.users = users.map((u: unknown, i) => parseSeedUser(u, fail, pointer('users', i)));
  }
  if (obj['config'] !== undefined) {
    seed.config = { ...seed.config, ...parseConfigObject(obj['config'], now, (d, p) => fail(d, `/config${p}`)) };
  }
  if (obj['oauthClients'] !== undefined) seed.oauthClients = parseSeedClients(obj['oauthClients'], fail);
  const idps = obj['identityProviders'];
  if (idps !== undefined) {
    if (!Array.isArray(idps)) throw fail('"identityProviders" must be an array', '/identityProviders');
    seed.identityProviders = idps.map((v: unknown, i) => parseIdpSeed(v, fail, pointer('identityProviders', i)));
  }
  const requireIdp = obj['scimKeysRequireIdp'];
  if (requireIdp !== undefined && typeof requireIdp !== 'boolean')
    throw fail('"scimKeysRequireIdp" must be a boolean', '/scimKeysRequireIdp');
  if (requireIdp !== undefined) seed.scimKeysRequireIdp = requireIdp;
  if (obj['roles'] !== undefined) {
    const roles = obj['roles'];
    if (!Array.isArray(roles)) throw fail('"roles" must be an array', '/roles');
    seed.roles = roles.map((r: unknown, i) => parseSeedRole(r, fail, pointer('roles', i)));
  }
  return seed;
}

interface SeedDeps {
  store: Store;
  tokens: TokenService;
  clock: Clock;
}

async function newUser(
  deps: SeedDeps,
  tenantId: string,
  input: SeedUser,
): Promise<{ user: UserRecord; key: KeyRecord }> {
  const now = deps.clock.now();
  const id = newObjectId(now);
  const user: UserRecord = {
    id,
    tenantId,
    name: input.name,
    email: input.email ?? `${input.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '.')}@example.com`,
    subject: input.subject ?? `qlik-emulator|${id}`,
    status: input.status ?? 'active',
    roles: input.roles,
    createdAt: now,
    lastUpdatedAt: now,
  };
  const { record } = await buildKey(
    { tokens: deps.tokens, tenantId },
    {
      description: BOOTSTRAP_DESCRIPTION,
      sub: id,
      subType: 'user',
      createdByUser: id,
      expiry: expiryAfter(now, BOOTSTRAP_EXPIRY),
      now,
      bootstrap: true,
    },
  );
  return { user, key: record };
}

/** Adds a user with a bootstrap key (POST /__emulator/users). */
export async function addUser(deps: SeedDeps, tenantId: string, input: SeedUser): Promise<EmulatorUser> {
  const [user] = await addUsers(deps, tenantId, [input]);
  if (!user) throw new Error('no user was added');
  return user;
}

/** Inserts users and their bootstrap keys in one transaction. */
function insertUsersWithKeys(store: Store, made: readonly { user: UserRecord; key: KeyRecord }[]): void {
  const keys = keysStore(store);
  store.inTransaction(() => {
    store.insertUsers(made.map((m) => m.user));
    for (const m of made) keys.insertKey(m.key);
  });
}

/** Adds users with their bootstrap keys in one transaction (POST /__emulator/users/batch). */
export async function addUsers(deps: SeedDeps, tenantId: string, inputs: SeedUser[]): Promise<EmulatorUser[]> {
  const made = await Promise.all(inputs.map((input) => newUser(deps, tenantId, input)));
  insertUsersWithKeys(deps.store, made);
  return made.map(({ user, key }) => ({
    id: user.id,
    name: user.name,
    email: user.email,
    roles: user.roles,
    apiKey: key.token ?? '',
  }));
}

/**
 * Creates the tenant from the seed on first start; on later starts (with --data) the stored
 * tenant is used and the seed is ignored. Returns the tenant id and the config reset() restores.
 */
export async function initialize(
  deps: SeedDeps,
  seed: Seed,
): Promise<{ tenantId: string; defaultConfig: ApiKeysConfig; reused: boolean }> {
  const existing = getTenant(deps.store);
  if (existing) {
    const saved = deps.store.getMeta(DEFAULT_CONFIG_META);
    const defaultConfig = saved === undefined ? { ...QLIK_DEFAULT_CONFIG } : (JSON.parse(saved) as ApiKeysConfig);
    if (!identityProvidersStored(deps.store))
      seedIdentityProviders(deps.store, existing.id, seed.identityProviders, deps.clock.now());
    return { tenantId: existing.id, defaultConfig, reused: true };
  }
  const tenantId = seed.tenant.id ?? newTenantId();
  const made = await Promise.all(seed.users.map((u) => newUser(deps, tenantId, u)));
  const now = deps.clock.now();
  const creator = made.find((m) => m.user.roles.includes('TenantAdmin')) ?? made[0];
  // The tenant, its config, its users with their bootstrap keys and its OAuth clients: all of them or none.
  deps.store.inTransaction(() => {
    insertTenant(deps.store, {
      id: tenantId,
      name: seed.tenant.name,
      created: now,
      lastUpdated: now,
      createdByUser: creator?.user.id ?? null,
    });
    keysStore(deps.store).writeConfig(tenantId, seed.config);
    insertUsersWithKeys(deps.store, made);
    for (const input of seed.oauthClients) {
      const { client, bot } = newOAuthClient(tenantId, input, now);
      oauthStore(deps.store).addClient(client, bot);
    }
  });
  seedIdentityProviders(deps.store, tenantId, seed.identityProviders, now);
  setScimKeysRequireIdp(deps.store, seed.scimKeysRequireIdp, true);
  deps.store.setMeta(DEFAULT_CONFIG_META, JSON.stringify(seed.config));
  return { tenantId, defaultConfig: seed.config, reused: false };
}

/** Every user with their bootstrap token, in creation order (the bot users of OAuth clients are listed with their clients). */
export function userInfos(store: Store, tenantId: string): EmulatorUser[] {
  const tokens = new Map(
    keysStore(store)
      .bootstrapKeys(tenantId)
      .map((k) => [k.sub, k.token ?? '']),
  );
  return usersStore(store)
    .list(tenantId)
    .filter((u) => u.clientId === undefined)
    .map((u) => ({ id: u.id, name: u.name, email: u.email, roles: u.roles, apiKey: tokens.get(u.id) ?? '' }));
}

/** A seed's `oauthClients`: an array (maybe empty) of clients with distinct clientIds. */
function parseSeedClients(value: unknown, fail: Fail): OAuthClientInput[] {
  if (!Array.isArray(value)) throw fail('"oauthClients" must be an array', '/oauthClients');
  const clients = value.map((c: unknown, i) => parseOAuthClient(c, fail, pointer('oauthClients', i)));
  const ids = clients.map((c) => c.clientId).filter((id) => id !== undefined);
  const taken = ids.find((id, i) => ids.indexOf(id) !== i);
  if (taken !== undefined) throw fail(`"clientId" ${JSON.stringify(taken)} is used twice`, '/oauthClients');
  return clients;
}
