import { ConnectorError } from '../errors.ts';
import type { HubCollection } from '../model/hub-collections.ts';
import { readPath, writePath } from './hub-paths.ts';
import type { ListRole } from './list-roles.ts';
import { sortRoles } from './list-roles.ts';
import {
  cleanAddress,
  cleanText,
  emptySharedContact,
  type SharedAddress,
  type SharedContact,
  type SharedField,
} from './shared-contact.ts';

type TextField = Exclude<SharedField, 'address_work'>;

/**
 * How one hub collection maps to Constant Contact contacts, declared as data: which hub field holds each
 * shared field, which flags put the contact in which list, and which ways the pair may flow at all.
 * A reader who does not write code can check a mapping against the test plan from its file alone.
 */
export interface ContactMapping {
  /** The Connec! collection, as named in its API paths ("people"). */
  hubCollection: HubCollection;
  /** What one record is called in messages: "person", "organization", "employee". */
  entity: string;
  /** What the connector page calls the collection's records: "Person", "Organization", "Employee". */
  label: string;
  /** What the connector page calls the collection: "People", "Organizations", "Employees". */
  collectionLabel: string;
  /** The ways this pair may flow; an organization's settings choose within them. */
  flows: { hubToCc: boolean; ccToHub: boolean };
  /** Dotted hub paths of the text fields. */
  text: Partial<Record<TextField, string>>;
  /** Dotted hub path of the address object ({line1, line2, city, region, postal_code, country}). */
  address?: string;
  /** Lists the contact belongs to: always (`fixed`), or when a hub flag is true (`flags`). */
  lists: { fixed?: readonly ListRole[]; flags?: Partial<Record<ListRole, string>> };
  /** Hub field whose value "INACTIVE" takes the record out of the connector's lists. */
  status?: string;
}

export class InvalidMappingError extends ConnectorError {
  readonly code = 'MAPPING_INVALID';
}

/** Declares a mapping and checks it at load time, so a mistake fails at start and in tests, not mid-sync. */
export function defineContactMapping(mapping: ContactMapping): ContactMapping {
  const paths = [
    ...Object.values(mapping.text),
    mapping.address,
    mapping.status,
    ...Object.values(mapping.lists.flags ?? {}),
  ];
  for (const path of paths) {
    if (path !== undefined && !/^[a-z_]+(\.[a-z_]+)*$/.test(path)) {
      throw new InvalidMappingError(`Mapping ${mapping.entity}: "${path}" is not a dotted hub field path.`);
    }
  }
  if (!mapping.text.email)
    throw new InvalidMappingError(`Mapping ${mapping.entity}: the email field is required.`);
  if (!mapping.flows.hubToCc && !mapping.flows.ccToHub) {
    throw new InvalidMappingError(`Mapping ${mapping.entity}: it must flow at least one way.`);
  }
  return Object.freeze(mapping);
}

// CC holds one street line; the hub two. Joined with a line break, they split back exactly.
function hubAddressToShared(value: unknown): SharedAddress | null {
  if (!value || typeof value !== 'object') return null;
  const a = value as Record<string, unknown>;
  const street = [cleanText(a.line1), cleanText(a.line2)].filter((l) => l !== null).join('\n');
  return cleanAddress({
    street,
    city: a.city,
    state: a.region,
    postal_code: a.postal_code,
    country: a.country,
  });
}

function sharedAddressToHub(address: SharedAddress | null, current: unknown): Record<string, unknown> | null {
  if (!address) return null;
  const [line1 = null, ...rest] = address.street?.split('\n') ?? [];
  const base = current && typeof current === 'object' ? (current as Record<string, unknown>) : {};
  return {
    ...base,
    line1,
    line2: rest.length > 0 ? rest.join(' ') : null,
    city: address.city,
    region: address.state,
    postal_code: address.postal_code,
    country: address.country,
  };
}

/** The shared fields this mapping carries; the others are left as each side holds them. */
export function mappedFields(mapping: ContactMapping): SharedField[] {
  const fields: SharedField[] = Object.keys(mapping.text) as TextField[];
  if (mapping.address) fields.push('address_work');
  return fields;
}

/** The shared fields of a hub record. */
export function hubToShared(mapping: ContactMapping, record: unknown): SharedContact {
  const shared = emptySharedContact();
  for (const [field, path] of Object.entries(mapping.text) as Array<[TextField, string]>) {
    shared[field] = cleanText(readPath(record, path));
  }
  if (mapping.address) shared.address_work = hubAddressToShared(readPath(record, mapping.address));
  return shared;
}

/** The lists a hub record puts its contact in. */
export function hubListRoles(mapping: ContactMapping, record: unknown): ListRole[] {
  const roles: ListRole[] = [...(mapping.lists.fixed ?? [])];
  for (const [role, path] of Object.entries(mapping.lists.flags ?? {}) as Array<[ListRole, string]>) {
    if (readPath(record, path) === true) roles.push(role);
  }
  return sortRoles(roles);
}

/** False for a record made inactive in its app: it leaves the connector's lists. */
export function isHubActive(mapping: ContactMapping, record: unknown): boolean {
  return !mapping.status || readPath(record, mapping.status) !== 'INACTIVE';
}

/**
 * The hub write for some shared fields: only the top-level keys those fields live under, each copied
 * from `current` so the record's other data goes back untouched.
 */
export function sharedToHubPatch(
  mapping: ContactMapping,
  shared: Partial<SharedContact>,
  current: unknown,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [field, path] of Object.entries(mapping.text) as Array<[TextField, string]>) {
    if (field in shared) writePath(patch, current, path, shared[field] ?? null);
  }
  if (mapping.address && 'address_work' in shared) {
    const value = sharedAddressToHub(shared.address_work ?? null, readPath(current, mapping.address));
    writePath(patch, current, mapping.address, value);
  }
  return patch;
}

/** The hub flags for a new record made from a CC contact in these lists. */
export function listRolesToHubFlags(
  mapping: ContactMapping,
  roles: readonly ListRole[],
): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const [role, path] of Object.entries(mapping.lists.flags ?? {}) as Array<[ListRole, string]>) {
    flags[path] = roles.includes(role);
  }
  return flags;
}
