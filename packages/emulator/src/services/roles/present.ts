// A role as the roles API shows it (roles.yml Role).
import { isoMs } from '../../shared/clock.js';
import type { AnyRole } from './directory.js';

export function presentRole(
  found: AnyRole,
  tenantId: string,
  tenantCreated: number,
  baseUrl: string,
): Record<string, unknown> {
  const links = { self: { href: `${baseUrl}/api/v1/roles/${found.role.id}` } };
  if (found.kind === 'default') {
    const r = found.role;
    return {
      id: r.id,
      tenantId,
      name: r.name,
      description: r.description,
      type: 'default',
      level: r.level,
      permissions: [...r.permissions],
      assignedScopes: [],
      canEdit: false,
      canDelete: false,
      fullUser: r.level === 'admin',
      userEntitlementType: r.level === 'admin' ? 'fullUser' : '',
      createdAt: isoMs(tenantCreated),
      lastUpdatedAt: isoMs(tenantCreated),
      links,
    };
  }
  const r = found.role;
  return {
    id: r.id,
    tenantId,
    name: r.name,
    description: r.description,
    type: 'custom',
    level: 'user',
    permissions: [],
    assignedScopes: [...r.assignedScopes],
    canEdit: true,
    canDelete: true,
    fullUser: false,
    userEntitlementType: '',
    createdAt: isoMs(r.createdAt),
    lastUpdatedAt: isoMs(r.lastUpdatedAt),
    ...(r.createdBy === '' ? {} : { createdBy: r.createdBy }),
    ...(r.updatedBy === '' ? {} : { updatedBy: r.updatedBy }),
    links,
  };
}
