// Wires the roles service to the users' side: who holds a role and renaming it in users' lists (the users
// store's SQL), and makes sure every role name a user holds is a role (a seed may name custom roles).
import { RoleDirectory, RolesStore } from '../services/roles/index.js';
import { usersStore } from '../services/users/index.js';
import { groupRecords, groupsOfUser } from '../services/groups/index.js';
import type { SeedRole } from '../control/seed.js';
import type { Store } from '../store/store.js';

/** The roles directory of the tenant; `seedRoles` (first start only) are created before users' names are checked. */
export function wireRoles(store: Store, tenantId: string, now: number, seedRoles: SeedRole[] = []): RoleDirectory {
  const roles = new RoleDirectory(new RolesStore(store), tenantId);
  const users = usersStore(store);
  const groups = groupRecords(store);
  roles.useHolders({
    holders: (name) => users.holders(tenantId, name) + groups.holding(tenantId, name),
    rename: (from, to) => {
      users.renameRole(tenantId, from, to);
      groups.renameRole(tenantId, from, to);
    },
  });
  // A user's permissions include the roles of their groups (the groups service's).
  roles.useGroupRoles((user) => groupsOfUser(store, tenantId, user.id).flatMap((g) => g.roles));
  for (const r of seedRoles) roles.define(r, now);
  roles.ensure(
    users.list(tenantId).flatMap((u) => u.roles),
    now,
  );
  return roles;
}
