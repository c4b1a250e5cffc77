// What the rest of the emulator asks of the roles service (through App.roles): a role by name, id or
// reference, a user's permissions (their own roles plus those of their groups), and the custom roles a seed
// implies. The users' side (who holds a role, renaming it in their lists) comes in as RoleHolders, so this
// service never touches another service's tables.
import type { Permissions } from '../../http/auth.js';
import type { AssignedRole, RoleResolver } from '../../http/context.js';
import { newObjectId, stableObjectId } from '../../shared/ids.js';
import type { UserRecord } from '../../store/store.js';
import {
  DEFAULT_ROLES,
  defaultRoleNamed,
  defaultRoleWithId,
  PERMISSION_ADMIN,
  PERMISSION_MANAGE_API_KEYS,
  SEED_ROLE_SCOPES,
  type DefaultRole,
} from './defaults.js';
import type { CustomRoleRecord, RolesStore } from './store.js';

/** Qlik's limit on custom roles per tenant (roles.yml, createRole). */
export const MAX_CUSTOM_ROLES = 500;

/** The users' side of role assignments, given by the wiring (emulator.ts). */
export interface RoleHolders {
  /** How many users (directly) or groups hold the role. */
  holders(roleName: string): number;
  /** Renames the role in every user's (and group's) list. */
  rename(from: string, to: string): void;
}

/**
 * Hook for the groups service: the role names a user holds through its groups. Until a groups service
 * is wired in (`RoleDirectory.useGroupRoles`), users have no group roles.
 */
export type GroupRolesOf = (user: UserRecord) => string[];

export type AnyRole = { kind: 'default'; role: DefaultRole } | { kind: 'custom'; role: CustomRoleRecord };

export class RoleDirectory implements RoleResolver {
  readonly store: RolesStore;
  readonly tenantId: string;
  private holders: RoleHolders = { holders: () => 0, rename: () => undefined };
  private groupRoles: GroupRolesOf = () => [];

  constructor(store: RolesStore, tenantId: string) {
    this.store = store;
    this.tenantId = tenantId;
  }

  useHolders(holders: RoleHolders): void {
    this.holders = holders;
  }

  /** Wires the groups service in: from then on a user's permissions include their groups' roles. */
  useGroupRoles(source: GroupRolesOf): void {
    this.groupRoles = source;
  }

  holdersOf(name: string): number {
    return this.holders.holders(name);
  }

  renameHeld(from: string, to: string): void {
    this.holders.rename(from, to);
  }

  named(name: string): AnyRole | undefined {
    const builtIn = defaultRoleNamed(name);
    if (builtIn) return { kind: 'default', role: builtIn };
    const custom = this.store.byName(this.tenantId, name);
    return custom && { kind: 'custom', role: custom };
  }

  withId(id: string): AnyRole | undefined {
    const builtIn = defaultRoleWithId(id);
    if (builtIn) return { kind: 'default', role: builtIn };
    const custom = this.store.byId(this.tenantId, id);
    return custom && { kind: 'custom', role: custom };
  }

  /** Every role: the default ones, then the custom ones in creation order. */
  all(): AnyRole[] {
    return [
      ...DEFAULT_ROLES.map((role): AnyRole => ({ kind: 'default', role })),
      ...this.store.list(this.tenantId).map((role): AnyRole => ({ kind: 'custom', role })),
    ];
  }

  /** The role name for a `{id}` or `{name}` reference (users' assignedRoles), or undefined when none matches. */
  resolve(ref: { id?: string; name?: string }): string | undefined {
    if (ref.id !== undefined) return this.withId(ref.id)?.role.name;
    if (ref.name !== undefined) return this.named(ref.name)?.role.name;
    return undefined;
  }

  describe(name: string): AssignedRole {
    const found = this.named(name);
    if (!found) return { id: stableObjectId(name), name, type: 'custom', level: 'user' };
    return found.kind === 'default'
      ? { id: found.role.id, name, type: 'default', level: found.role.level }
      : { id: found.role.id, name, type: 'custom', level: 'user' };
  }

  /** The user's own roles and those of their groups, each once. */
  effectiveRoles(user: UserRecord): string[] {
    return [...new Set([...user.roles, ...this.groupRoles(user)])];
  }

  permissionsOf(user: UserRecord): Permissions {
    const granted = new Set<string>();
    for (const name of this.effectiveRoles(user)) {
      const found = this.named(name);
      if (!found) continue;
      const list = found.kind === 'default' ? found.role.permissions : found.role.assignedScopes;
      for (const p of list) granted.add(p);
    }
    return { admin: granted.has(PERMISSION_ADMIN), manageApiKeys: granted.has(PERMISSION_MANAGE_API_KEYS) };
  }

  /** Creates a custom role for every name that is not a role yet (seeded users, control-API users). */
  ensure(names: readonly string[], now: number, createdBy = ''): void {
    for (const name of new Set(names)) {
      if (this.named(name)) continue;
      const stable = stableObjectId(name);
      this.store.insert({
        id: this.withId(stable) ? newObjectId(now) : stable,
        tenantId: this.tenantId,
        name,
        description: '',
        assignedScopes: SEED_ROLE_SCOPES[name] ?? [],
        createdAt: now,
        lastUpdatedAt: now,
        createdBy,
        updatedBy: createdBy,
      });
    }
  }

  /**
   * Creates a custom role, or updates the description and scopes of the custom role of that name (seeds and
   * POST /__emulator/roles). Returns undefined when the name is a default role's.
   */
  define(input: { name: string; description?: string; assignedScopes?: string[] }, now: number): AnyRole | undefined {
    const found = this.named(input.name);
    if (found?.kind === 'default') return undefined;
    if (found) {
      const next = {
        ...found.role,
        description: input.description ?? found.role.description,
        assignedScopes: input.assignedScopes ?? found.role.assignedScopes,
        lastUpdatedAt: now,
      };
      this.store.update(next);
      return { kind: 'custom', role: next };
    }
    this.ensure([input.name], now);
    return this.define(input, now);
  }

  /** A new custom role id (ObjectId-like). */
  static newId(now: number): string {
    return newObjectId(now);
  }
}
