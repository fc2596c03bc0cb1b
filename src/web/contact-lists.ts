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

/** What the page shows of a CC contact, from the connector's copy of the account. */
export interface ContactOnPage {
  /** The contact's name in CC ("Ada Baker", or its company name); null when it has none. */
  name: string | null;
  lists: ContactLists;
}

/**
 * The CC contacts shown on a page, read from the connector's copy (no CC request): their names and the lists
 * they are in as CC holds them, not as their records' roles say they should be.
 */
export async function contactsOnPage(
  repos: Repositories,
  organizationId: string,
  contactIds: readonly string[],
): Promise<Map<string, ContactOnPage>> {
  const [contacts, ourIds] = await Promise.all([
    repos.ccMirror.get(organizationId, contactIds),
    repos.ccMirror.listIds(organizationId),
  ]);
  const roleOf = new Map<string, ListRole>([...ourIds].map(([role, id]) => [id, role]));
  const out = new Map<string, ContactOnPage>();
  for (const [contactId, mirrored] of contacts) {
    const { contact } = mirrored;
    const memberships = mirrored.deleted ? [] : (contact.list_memberships ?? []);
    const roles = memberships.flatMap((id) => (roleOf.has(id) ? [roleOf.get(id)!] : []));
    const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ') || contact.company_name;
    out.set(contactId, {
      name: name || null,
      lists: { ours: roles.sort().map((r) => LIST_NAMES[r]), others: memberships.length - roles.length },
    });
  }
  return out;
}

/** The CC lists of the contacts behind some linked records (see `contactsOnPage`). */
export async function contactListsOf(
  repos: Repositories,
  organizationId: string,
  maps: readonly IdMap[],
): Promise<Map<string, ContactLists>> {
  const contactIds = maps.flatMap((m) => (m.ccContactId ? [m.ccContactId] : []));
  const contacts = await contactsOnPage(repos, organizationId, contactIds);
  return new Map([...contacts].map(([id, contact]) => [id, contact.lists]));
}
