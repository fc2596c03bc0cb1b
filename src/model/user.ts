export const ROLES = ['Member', 'Power User', 'Admin', 'Super Admin'] as const;
export type Role = (typeof ROLES)[number];

/** True when `next` gives less access than `previous` (ROLES go from least to most). */
export function isLowerRole(next: Role, previous: Role): boolean {
  return ROLES.indexOf(next) < ROLES.indexOf(previous);
}

/** Only admins change what is shared. */
export function canChangeSettings(role: Role): boolean {
  return role === 'Admin' || role === 'Super Admin';
}

export interface User {
  id: string;
  tenant: string;
  uid: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
}

export interface Membership {
  userId: string;
  organizationId: string;
  role: Role;
}
