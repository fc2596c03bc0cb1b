import type { ConnecListCollection } from '../connec/records.ts';
import type { ContactMapping } from './define-contact-mapping.ts';
import { employeeContact } from './employee-contact.ts';
import type { ListRole } from './list-roles.ts';
import { organizationContact } from './organization-contact.ts';
import { personContact } from './person-contact.ts';

/**
 * Every hub collection shared as CC contacts, in the order a run processes them. It is also their order of
 * primacy: of several records sharing one contact, the first one's collection here gives the contact its
 * fields (see primary-record.ts).
 */
export const CONTACT_MAPPINGS: readonly ContactMapping[] = [
  personContact,
  organizationContact,
  employeeContact,
];

/**
 * Where a contact created in CC goes in the hub: a record of this mapping's collection, in the roles of
 * the lists it is in (those the collection can hold), or in `defaultRole` when in none ("a contact created
 * in Constant Contact will create a customer", says the test plan).
 */
export const CC_BORN_CONTACTS: { mapping: ContactMapping; defaultRole: ListRole } = {
  mapping: personContact,
  defaultRole: 'customer',
};

/** The list roles records of a mapping's collection can hold (by its flags and fixed lists). */
export function rolesHeldBy(mapping: ContactMapping): ListRole[] {
  return [...(mapping.lists.fixed ?? []), ...(Object.keys(mapping.lists.flags ?? {}) as ListRole[])];
}

export function contactMappingFor(collection: ConnecListCollection): ContactMapping {
  const mapping = CONTACT_MAPPINGS.find((m) => m.hubCollection === collection);
  if (!mapping) throw new Error(`No contact mapping for the hub collection "${collection}".`);
  return mapping;
}

/** A hub collection's rank in the order of primacy (CONTACT_MAPPINGS); unknown collections come last. */
export function primacyRank(collection: string): number {
  const rank = CONTACT_MAPPINGS.findIndex((m) => m.hubCollection === collection);
  return rank === -1 ? CONTACT_MAPPINGS.length : rank;
}

/** What the connector page calls a collection's records ("Company" for the company profile). */
export function recordLabel(collection: string): string {
  if (collection === 'company') return 'Company';
  return CONTACT_MAPPINGS.find((m) => m.hubCollection === collection)?.label ?? collection;
}
