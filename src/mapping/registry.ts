import type { ConnecListCollection } from '../connec/records.ts';
import type { ContactMapping } from './define-contact-mapping.ts';
import { employeeContact } from './employee-contact.ts';
import { organizationContact } from './organization-contact.ts';
import { personContact } from './person-contact.ts';

/** Every hub collection shared as CC contacts, in the order a run processes them. */
export const CONTACT_MAPPINGS: readonly ContactMapping[] = [
  personContact,
  organizationContact,
  employeeContact,
];

export function contactMappingFor(collection: ConnecListCollection): ContactMapping {
  const mapping = CONTACT_MAPPINGS.find((m) => m.hubCollection === collection);
  if (!mapping) throw new Error(`No contact mapping for the hub collection "${collection}".`);
  return mapping;
}
