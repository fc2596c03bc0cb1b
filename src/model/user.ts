export const ROLES = ['Member', 'Power User', 'Admin', 'Super Admin'] as const;
export type Role = (typeof ROLES)[number];

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
