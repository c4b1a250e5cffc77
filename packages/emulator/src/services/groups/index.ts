// The groups service: its routes, and what other services may ask of it (a user's groups for the users
// API's `assignedGroups`; the group records the SCIM service provisions) without reaching into its tables.
import type { Service } from '../../http/context.js';
import type { Store } from '../../store/store.js';
import { groupRoutes, resetGroupSettings } from './routes.js';
import { groupStore, isNameConflict, type GroupRecord, type GroupStore } from './store.js';

export { isNameConflict };

export const groups: Service = { name: 'groups', routes: groupRoutes };
export type { GroupRecord, GroupStore };

/** The group store of this emulator store: for the SCIM service, which provisions groups and their members. */
export function groupRecords(store: Store): GroupStore {
  return groupStore(store);
}

/** A user's groups with their roles (for the users API's filter on assignedGroups). */
export function groupsOfUser(
  store: Store,
  tenantId: string,
  userId: string,
): { id: string; name: string; roles: string[] }[] {
  return groupStore(store)
    .groupsOf(tenantId, userId)
    .map((g) => ({ id: g.id, name: g.name, roles: g.roles }));
}

/** Every member's groups with their roles, by user id, in one query (the users API's filter over all users). */
export function groupsByUser(
  store: Store,
  tenantId: string,
): Map<string, { id: string; name: string; roles: string[] }[]> {
  return groupStore(store).groupsByUser(tenantId);
}

/** Whether the tenant has this group (the users API's `/assignedGroups` patch checks references). */
export function groupExists(store: Store, tenantId: string, id: string): boolean {
  return groupStore(store).get(tenantId, id) !== undefined;
}

/** Makes the user a member of exactly these groups (the users API's `/assignedGroups` patch). */
export function setUserGroups(store: Store, tenantId: string, userId: string, groupIds: readonly string[]): void {
  const groups = groupStore(store);
  groups.tables.tx(() => {
    groups.removeUser(tenantId, userId);
    for (const id of groupIds) groups.addMember(tenantId, id, userId);
  });
}

/** The users API's `assignedGroups` of a user. */
export function assignedGroupsOf(store: Store, tenantId: string, userId: string): { id: string; name: string }[] {
  return groupStore(store)
    .groupsOf(tenantId, userId)
    .map((g) => ({ id: g.id, name: g.name }));
}

/** Every group and membership goes (POST /__emulator/reset: the seed has no groups). */
export function resetGroups(store: Store, tenantId: string): void {
  groupStore(store).deleteAll(tenantId);
  resetGroupSettings(store);
}
