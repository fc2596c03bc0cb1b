import type { Direction, HubCollection } from '../model/hub-collections.ts';
import { type ContactMapping, InvalidMappingError } from './define-contact-mapping.ts';
import { employeeContact } from './employee-contact.ts';
import type { ListRole } from './list-roles.ts';
import { organizationContact } from './organization-contact.ts';
import { personContact } from './person-contact.ts';

/** The company profile: one record per organization, shared with CC's account summary. */
export const COMPANY_COLLECTION = 'company';

/**
 * What goes where, declared once: the hub collections shared as contacts and where a contact created in
 * CC goes. The sync engine, the settings and the pages read it; adding a collection is its mapping file
 * and a line here.
 */
export interface MappingRegistry {
  /**
   * Every hub collection shared as CC contacts, in the order a run processes them. It is also their order
   * of primacy: of several records sharing one contact, the first one's collection here gives the contact
   * its fields (see primary-record.ts).
   */
  readonly contacts: readonly ContactMapping[];
  /**
   * Where a contact created in CC goes in the hub: a record of this mapping's collection, in the roles of
   * the lists it is in (those the collection can hold), or in `defaultRole` when in none.
   */
  readonly ccBorn: { mapping: ContactMapping; defaultRole: ListRole };
  /** The collections an organization chooses a direction for: the contact collections, then the company. */
  readonly collections: readonly HubCollection[];
  contactMappingFor(collection: HubCollection): ContactMapping;
  /** A collection's rank in the order of primacy; unknown collections come last. */
  primacyRank(collection: HubCollection): number;
  /** What the connector page calls one record of a collection ("Person", "Company"). */
  recordLabel(collection: HubCollection): string;
  /** What the connector page calls a collection ("People", "Company profile"). */
  collectionLabel(collection: HubCollection): string;
  /** How a collection flows for an organization: its choice, or else the way the mapping flows. */
  directionOf(chosen: Readonly<Record<string, Direction>>, collection: HubCollection): Direction;
}

/** The list roles records of a mapping's collection can hold (by its flags and fixed lists). */
export function rolesHeldBy(mapping: ContactMapping): ListRole[] {
  return [...(mapping.lists.fixed ?? []), ...(Object.keys(mapping.lists.flags ?? {}) as ListRole[])];
}

/** The way a mapping flows unless an organization chooses less: every way it can. */
function defaultDirection(mapping: ContactMapping): Direction {
  if (mapping.flows.hubToCc && mapping.flows.ccToHub) return 'both';
  return mapping.flows.hubToCc ? 'hub_to_cc' : 'cc_to_hub';
}

/** Builds a registry and checks it, so a mistake fails at start and in tests, not mid-sync. */
export function defineMappingRegistry(input: {
  contacts: readonly ContactMapping[];
  ccBorn: { mapping: ContactMapping; defaultRole: ListRole };
}): MappingRegistry {
  const { contacts, ccBorn } = input;
  const byCollection = new Map(contacts.map((m) => [m.hubCollection, m]));
  if (byCollection.size !== contacts.length)
    throw new InvalidMappingError('Two contact mappings share one hub collection.');
  if (byCollection.has(COMPANY_COLLECTION))
    throw new InvalidMappingError(
      `"${COMPANY_COLLECTION}" is the company profile, not a contact collection.`,
    );
  if (byCollection.get(ccBorn.mapping.hubCollection) !== ccBorn.mapping || !ccBorn.mapping.flows.ccToHub)
    throw new InvalidMappingError(
      `Contacts created in CC go to ${ccBorn.mapping.hubCollection}: a registered mapping that flows from CC.`,
    );
  if (!rolesHeldBy(ccBorn.mapping).includes(ccBorn.defaultRole))
    throw new InvalidMappingError(
      `${ccBorn.mapping.hubCollection} records cannot hold the role "${ccBorn.defaultRole}".`,
    );
  const mappingFor = (collection: HubCollection): ContactMapping => {
    const mapping = byCollection.get(collection);
    if (!mapping) throw new InvalidMappingError(`No contact mapping for the hub collection "${collection}".`);
    return mapping;
  };
  return Object.freeze({
    contacts,
    ccBorn,
    collections: [...byCollection.keys(), COMPANY_COLLECTION],
    contactMappingFor: mappingFor,
    primacyRank: (collection: HubCollection) => {
      const rank = contacts.findIndex((m) => m.hubCollection === collection);
      return rank === -1 ? contacts.length : rank;
    },
    recordLabel: (collection: HubCollection) =>
      collection === COMPANY_COLLECTION ? 'Company' : (byCollection.get(collection)?.label ?? collection),
    collectionLabel: (collection: HubCollection) =>
      collection === COMPANY_COLLECTION
        ? 'Company profile'
        : (byCollection.get(collection)?.collectionLabel ?? collection),
    directionOf: (chosen: Readonly<Record<string, Direction>>, collection: HubCollection) => {
      const mapping = byCollection.get(collection);
      return chosen[collection] ?? (mapping ? defaultDirection(mapping) : 'both');
    },
  });
}

/** The product's registry: people, organizations and employees; a contact created in CC becomes a customer. */
export const MAPPINGS = defineMappingRegistry({
  contacts: [personContact, organizationContact, employeeContact],
  // "A contact created in Constant Contact will create a customer", says the test plan.
  ccBorn: { mapping: personContact, defaultRole: 'customer' },
});
