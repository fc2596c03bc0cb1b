import { type Direction, directionFlows, type HubCollection } from '../model/hub-collections.ts';
import { COMPANY_FIELD_PLACES, COMPANY_FIELDS_TO_CC } from './company-account.ts';
import { CC_CONTACT_FIELDS } from './contact-shared.ts';
import type { ContactMapping } from './define-contact-mapping.ts';
import { LIST_NAMES, type ListRole } from './list-roles.ts';
import { COMPANY_COLLECTION, type MappingRegistry } from './registry.ts';
import type { SharedField } from './shared-contact.ts';

/** Which way one field goes for an organization: its collection's direction within what the mapping allows. */
export type FieldFlow = 'both' | 'to_cc' | 'to_hub' | 'none';

export interface FieldRow {
  /** The Connec! field (dotted path). */
  hub: string;
  /** Where it lives in Constant Contact. */
  cc: string;
  flow: FieldFlow;
}

export interface CollectionOverview {
  collection: HubCollection;
  label: string;
  direction: Direction;
  fields: FieldRow[];
  /** Which Constant Contact list a record is put in, and when. */
  lists: Array<{ when: string; list: string }>;
  /** What takes a record out of the connector's lists; null when nothing does. */
  inactive: string | null;
}

/** What maps to what for an organization, read from the registry and the mappings themselves. */
export interface MappingOverview {
  contacts: CollectionOverview[];
  company: CollectionOverview;
  /** Where a contact created in Constant Contact goes. */
  ccBorn: { label: string; defaultList: string };
}

function flowOf(direction: Direction, allowed: { toCc: boolean; toHub: boolean }): FieldFlow {
  const flows = directionFlows(direction);
  const toCc = allowed.toCc && flows.toCc;
  const toHub = allowed.toHub && flows.toHub;
  return toCc && toHub ? 'both' : toCc ? 'to_cc' : toHub ? 'to_hub' : 'none';
}

function contactOverview(
  mapping: ContactMapping,
  direction: Direction,
  collectionLabel: string,
): CollectionOverview {
  const allowed = { toCc: mapping.flows.hubToCc, toHub: mapping.flows.ccToHub };
  const fields: FieldRow[] = (Object.entries(mapping.text) as Array<[SharedField, string]>).map(
    ([field, hub]) => ({ hub, cc: CC_CONTACT_FIELDS[field], flow: flowOf(direction, allowed) }),
  );
  if (mapping.address) {
    fields.push({
      hub: mapping.address,
      cc: CC_CONTACT_FIELDS.address_work,
      flow: flowOf(direction, allowed),
    });
  }
  const lists = [
    ...(mapping.lists.fixed ?? []).map((role) => ({ when: 'always', list: LIST_NAMES[role] })),
    ...(Object.entries(mapping.lists.flags ?? {}) as Array<[ListRole, string]>).map(([role, flag]) => ({
      when: `${flag} is true`,
      list: LIST_NAMES[role],
    })),
  ];
  return {
    collection: mapping.hubCollection,
    label: collectionLabel,
    direction,
    fields,
    lists,
    inactive: mapping.status ? `${mapping.status} is INACTIVE` : null,
  };
}

/** What maps to what, in the directions `chosen` (an organization's settings) give each collection. */
export function mappingOverview(
  registry: MappingRegistry,
  chosen: Readonly<Record<string, Direction>>,
): MappingOverview {
  const companyDirection = registry.directionOf(chosen, COMPANY_COLLECTION);
  const toCc = new Set<string>(COMPANY_FIELDS_TO_CC);
  return {
    contacts: registry.contacts.map((mapping) =>
      contactOverview(
        mapping,
        registry.directionOf(chosen, mapping.hubCollection),
        registry.collectionLabel(mapping.hubCollection),
      ),
    ),
    company: {
      collection: COMPANY_COLLECTION,
      label: registry.collectionLabel(COMPANY_COLLECTION),
      direction: companyDirection,
      fields: Object.entries(COMPANY_FIELD_PLACES).map(([field, places]) => ({
        ...places,
        flow: flowOf(companyDirection, { toCc: toCc.has(field), toHub: true }),
      })),
      lists: [],
      inactive: null,
    },
    ccBorn: {
      label: registry.recordLabel(registry.ccBorn.mapping.hubCollection),
      defaultList: LIST_NAMES[registry.ccBorn.defaultRole],
    },
  };
}
