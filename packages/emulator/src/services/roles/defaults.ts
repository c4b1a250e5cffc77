// The default roles every tenant has. Names and levels are Qlik's (qlik.dev "Default roles", the
// `user create --roles` allowed values, changelog 63); TenantAdmin's, AuditAdmin's and SharedSpaceCreator's
// ids are the ones qlik.dev's examples show; the others are derived from the name (stable across runs and
// tenants; whether Qlik's ids are the same in every tenant is not documented).
//
// `permissions` are the emulator's own names for what it enforces (Qlik does not document the strings):
// `tenant:admin` and `api-keys:manage` ("Manage API keys"). A custom role carries "Manage API keys" when its
// `assignedScopes` include `api-keys:manage` (the emulator's name for that permission's scope).
import { stableObjectId } from '../../shared/ids.js';

export const PERMISSION_ADMIN = 'tenant:admin';
export const PERMISSION_MANAGE_API_KEYS = 'api-keys:manage';

export interface DefaultRole {
  id: string;
  name: string;
  level: 'admin' | 'user';
  description: string;
  permissions: string[];
  /** Qlik removed the role on 2026-01-26 (changelog 198); the emulator keeps it for old seeds and marks it. */
  deprecated?: true;
}

function role(
  name: string,
  level: 'admin' | 'user',
  description: string,
  extra: Partial<DefaultRole> = {},
): DefaultRole {
  return { id: stableObjectId(name), name, level, description, permissions: [], ...extra };
}

export const DEFAULT_ROLES: readonly DefaultRole[] = [
  role('TenantAdmin', 'admin', 'Full permissions to manage and govern all aspects of the tenant.', {
    id: '608050f750afab80bd53586d',
    permissions: [PERMISSION_ADMIN, PERMISSION_MANAGE_API_KEYS],
  }),
  role('AnalyticsAdmin', 'admin', 'Administrator with limited permissions to manage governance and content.'),
  role('AuditAdmin', 'admin', 'Administrator with limited permissions to view events and audit data.', {
    id: '608050f7634644db3678b1a2',
  }),
  role('DataAdmin', 'admin', 'Administrator with limited permissions to manage data spaces.'),
  role('AutomationCreator', 'user', 'A user who can create automations.'),
  role('DataSpaceCreator', 'user', 'A user who can create data spaces.'),
  role('ManagedSpaceCreator', 'user', 'A user who can create managed spaces.'),
  role('SharedSpaceCreator', 'user', 'A user who can create shared spaces.', { id: '605a1c2151382ffc836af862' }),
  role('PrivateAnalyticsContentCreator', 'user', 'A user who can create analytics content in their personal space.'),
  role(
    'Developer',
    'user',
    'Deprecated: removed by Qlik on 2026-01-26; API keys need the "Manage API keys" permission (a custom role).',
    { permissions: [PERMISSION_MANAGE_API_KEYS], deprecated: true },
  ),
  // Not a Qlik role: the emulator's name for "a user with no admin role" (the seed's viewer). It grants nothing.
  role('User', 'user', 'qlik-emulator: a plain user without administrative roles (not a Qlik role).'),
];

const BY_NAME = new Map(DEFAULT_ROLES.map((r) => [r.name, r]));
const BY_ID = new Map(DEFAULT_ROLES.map((r) => [r.id, r]));

export function defaultRoleNamed(name: string): DefaultRole | undefined {
  return BY_NAME.get(name);
}

export function defaultRoleWithId(id: string): DefaultRole | undefined {
  return BY_ID.get(id);
}

/**
 * Seed convenience: a user seeded with a role name that does not exist gets a custom role of that name; the
 * seed's `ManageApiKeys` role is created carrying the "Manage API keys" scope.
 */
export const SEED_ROLE_SCOPES: Record<string, string[]> = { ManageApiKeys: [PERMISSION_MANAGE_API_KEYS] };
