import type { AdminRole } from '@hilal/contract/admin-api';

/** Every role and how the dashboard names it (docs/contract.md §7); a new role fails to compile here. */
export const ROLE_LABELS: Readonly<Record<AdminRole, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  agent: 'Agent',
};

export function isRole(value: unknown): value is AdminRole {
  return typeof value === 'string' && Object.hasOwn(ROLE_LABELS, value);
}

/** Every role, in the order the dashboard offers them. */
export const ROLES = Object.keys(ROLE_LABELS) as AdminRole[];
