import type { Repositories } from '../db/repositories/index.ts';
import { LIST_NAMES, type ListRole } from '../mapping/list-roles.ts';
import type { IdMap } from '../model/id-map.ts';

/** The lists a contact is in, as the connector's copy of the CC account last saw them. */
export interface ContactLists {
  /** Names of the connector's lists it is in ("Customer list", ...). */
  ours: string[];
  /** How many of the account's other lists it is in. */
  others: number;
}

/** The account's other lists a contact is in, in words: "1 other list", "3 other lists". */
export function otherListsText(count: number): string {
  return count === 1 ? '1 other list' : `${count} other lists`;
}

/**
 * The CC lists of the contacts behind a page of linked records, read from the connector's copy (no CC
 * request): what CC holds, not what the records' roles say it should hold.
 */
export async function contactListsOf(
  repos: Repositories,
  organizationId: string,
  maps: readonly IdMap[],
): Promise<Map<string, ContactLists>> {
  const contactIds = maps.flatMap((m) => (m.ccContactId ? [m.ccContactId] : []));
  const [contacts, ourIds] = await Promise.all([
    repos.ccMirror.get(organizationId, contactIds),
    repos.ccMirror.listIds(organizationId),
  ]);
  const roleOf = new Map<string, ListRole>([...ourIds].map(([role, id]) => [id, role]));
  const lists = new Map<string, ContactLists>();
  for (const [contactId, mirrored] of contacts) {
    const memberships = mirrored.deleted ? [] : (mirrored.contact.list_memberships ?? []);
    const roles = memberships.flatMap((id) => (roleOf.has(id) ? [roleOf.get(id)!] : []));
    lists.set(contactId, {
      ours: roles.sort().map((r) => LIST_NAMES[r]),
      others: memberships.length - roles.length,
    });
  }
  return lists;
}
