// A role as the roles API shows it (roles.yml Role): a default role (dated by the tenant's creation, never editable)
// or a custom one (user level, its own scopes and dates).
import { isoMs } from '../../shared/clock.js';
import type { AnyRole } from './directory.js';

export function presentRole(
  found: AnyRole,
  tenantId: string,
  tenantCreated: number,
  baseUrl: string,
): Record<string, unknown> {
  const custom = found.kind === 'custom' ? found.role : undefined;
  const level = found.kind === 'default' ? found.role.level : 'user';
  return {
    id: found.role.id,
    tenantId,
    name: found.role.name,
    description: found.role.description,
    type: found.kind,
    level,
    permissions: found.kind === 'default' ? [...found.role.permissions] : [],
    assignedScopes: custom ? [...custom.assignedScopes] : [],
    canEdit: custom !== undefined,
    canDelete: custom !== undefined,
    fullUser: level === 'admin',
    userEntitlementType: level === 'admin' ? 'fullUser' : '',
    createdAt: isoMs(custom?.createdAt ?? tenantCreated),
    lastUpdatedAt: isoMs(custom?.lastUpdatedAt ?? tenantCreated),
    ...(custom === undefined || custom.createdBy === '' ? {} : { createdBy: custom.createdBy }),
    ...(custom === undefined || custom.updatedBy === '' ? {} : { updatedBy: custom.updatedBy }),
    links: { self: { href: `${baseUrl}/api/v1/roles/${found.role.id}` } },
  };
}
