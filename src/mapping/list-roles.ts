/**
 * The connector's lists in Constant Contact. A hub record's flags decide which of them its contact is in;
 * they are created on first use and found again by name.
 */
export const LIST_ROLES = ['customer', 'supplier', 'lead', 'employee'] as const;
export type ListRole = (typeof LIST_ROLES)[number];

export const LIST_NAMES: Record<ListRole, string> = {
  customer: 'Customer list',
  supplier: 'Supplier list',
  lead: 'Lead list',
  employee: 'Employee list',
};

export function roleOfListName(name: string): ListRole | null {
  const found = LIST_ROLES.find((role) => LIST_NAMES[role].toLowerCase() === name.trim().toLowerCase());
  return found ?? null;
}

/** Roles in a fixed order, without repeats: equal sets compare and hash equal. */
export function sortRoles(roles: Iterable<ListRole>): ListRole[] {
  const set = new Set(roles);
  return LIST_ROLES.filter((r) => set.has(r));
}
