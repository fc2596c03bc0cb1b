import type {
  CcContact,
  CcContactCreate,
  CcContactUpdate,
  CcPhoneNumberInput,
  CcStreetAddressInput,
} from '../constantcontact/types.ts';
import { CC_LIMITS, fitToCc } from './cc-limits.ts';
import type { ListRole } from './list-roles.ts';
import { sortRoles } from './list-roles.ts';
import {
  cleanAddress,
  cleanText,
  emptySharedContact,
  type SharedContact,
  type SharedField,
} from './shared-contact.ts';

/** The contact half of every pair: how a CC contact reads and is written as a shared contact. */

const PHONE_KINDS = { phone_home: 'home', phone_mobile: 'mobile', phone_work: 'work' } as const;

/** Where each shared field lives on a CC contact, as the mapping page names it (what the functions below do). */
export const CC_CONTACT_FIELDS: Record<SharedField, string> = {
  email: 'email_address.address',
  first_name: 'first_name',
  last_name: 'last_name',
  job_title: 'job_title',
  company_name: 'company_name',
  phone_home: `phone_numbers (kind ${PHONE_KINDS.phone_home})`,
  phone_mobile: `phone_numbers (kind ${PHONE_KINDS.phone_mobile})`,
  phone_work: `phone_numbers (kind ${PHONE_KINDS.phone_work})`,
  address_work: 'street_addresses (kind work)',
};
type PhoneField = keyof typeof PHONE_KINDS;

export function contactToShared(contact: CcContact): SharedContact {
  const shared = emptySharedContact();
  shared.email = cleanText(contact.email_address?.address);
  shared.first_name = cleanText(contact.first_name);
  shared.last_name = cleanText(contact.last_name);
  shared.job_title = cleanText(contact.job_title);
  shared.company_name = cleanText(contact.company_name);
  for (const [field, kind] of Object.entries(PHONE_KINDS) as Array<[PhoneField, string]>) {
    shared[field] = cleanText(contact.phone_numbers?.find((p) => p.kind === kind)?.phone_number);
  }
  shared.address_work = cleanAddress(contact.street_addresses?.find((a) => a.kind === 'work'));
  return shared;
}

/** The connector's lists the contact is in, by the ids of those lists. */
export function contactListRoles(
  contact: CcContact,
  roleOfListId: ReadonlyMap<string, ListRole>,
): ListRole[] {
  const roles: ListRole[] = [];
  for (const id of contact.list_memberships ?? []) {
    const role = roleOfListId.get(id);
    if (role) roles.push(role);
  }
  return sortRoles(roles);
}

/** The contact unsubscribed: the connector never subscribes them again, by any path. */
export function isUnsubscribed(contact: CcContact): boolean {
  return contact.email_address?.permission_to_send === 'unsubscribed';
}

export interface ContactWrite<T> {
  body: T;
  /** Shared fields cut to fit CC; the hub keeps the full value. */
  truncated: SharedField[];
}

/**
 * Phones and addresses the connector does not manage (an "other" phone, a home address) stay on the
 * contact; ours take their kinds' places, within CC's limit of three.
 */
function phones(shared: SharedContact, existing: CcContact | null): CcPhoneNumberInput[] {
  const ours: CcPhoneNumberInput[] = [];
  for (const [field, kind] of Object.entries(PHONE_KINDS) as Array<[PhoneField, string]>) {
    const number = shared[field];
    if (number) ours.push({ kind, phone_number: number });
  }
  const managed = new Set<string>(Object.values(PHONE_KINDS));
  const theirs = (existing?.phone_numbers ?? [])
    .filter((p) => !managed.has(p.kind ?? ''))
    .map((p) => ({ kind: p.kind, phone_number: p.phone_number }));
  return [...ours, ...theirs].slice(0, CC_LIMITS.phoneNumbers);
}

function addresses(shared: SharedContact, existing: CcContact | null): CcStreetAddressInput[] {
  const ours: CcStreetAddressInput[] = shared.address_work
    ? [
        {
          kind: 'work',
          ...Object.fromEntries(Object.entries(shared.address_work).filter(([, v]) => v !== null)),
        },
      ]
    : [];
  const theirs = (existing?.street_addresses ?? [])
    .filter((a) => a.kind !== 'work')
    .map(({ kind, street, city, state, postal_code, country }) => ({
      kind,
      street,
      city,
      state,
      postal_code,
      country,
    }));
  return [...ours, ...theirs].slice(0, CC_LIMITS.streetAddresses);
}

/** Other lists the contact is in stay; the connector's lists follow `roles`. */
function memberships(
  roleListIds: readonly string[],
  ourListIds: ReadonlySet<string>,
  existing: CcContact | null,
): string[] {
  const theirs = (existing?.list_memberships ?? []).filter((id) => !ourListIds.has(id));
  return [...new Set([...roleListIds, ...theirs])].slice(0, CC_LIMITS.listMemberships);
}

function textFields(shared: SharedContact) {
  return {
    first_name: shared.first_name ?? undefined,
    last_name: shared.last_name ?? undefined,
    job_title: shared.job_title ?? undefined,
    company_name: shared.company_name ?? undefined,
  };
}

/**
 * The body of a new contact. No `permission_to_send` is ever sent: the contact's consent is CC's to record,
 * and an explicit permission would re-subscribe someone who unsubscribed.
 */
export function sharedToContactCreate(
  shared: SharedContact & { email: string },
  listIds: readonly string[],
): ContactWrite<CcContactCreate> {
  const { value, truncated } = fitToCc(shared);
  return {
    body: {
      email_address: { address: shared.email },
      ...textFields(value),
      phone_numbers: phones(value, null),
      street_addresses: addresses(value, null),
      list_memberships: [...listIds],
      create_source: 'Account',
    },
    truncated,
  };
}

/**
 * The body of a full update (CC's PUT replaces the top-level fields it omits with null), so everything the
 * contact has that the connector does not manage is carried over from `existing`.
 */
export function sharedToContactUpdate(
  shared: SharedContact & { email: string },
  existing: CcContact,
  roleListIds: readonly string[],
  ourListIds: ReadonlySet<string>,
): ContactWrite<CcContactUpdate> {
  const { value, truncated } = fitToCc(shared);
  const body: CcContactUpdate = {
    email_address: { address: shared.email },
    ...textFields(value),
    phone_numbers: phones(value, existing),
    street_addresses: addresses(value, existing),
    list_memberships: memberships(roleListIds, ourListIds, existing),
    update_source: 'Account',
  };
  if (existing.birthday_month !== undefined) body.birthday_month = existing.birthday_month;
  if (existing.birthday_day !== undefined) body.birthday_day = existing.birthday_day;
  if (existing.anniversary !== undefined) body.anniversary = existing.anniversary;
  if (existing.custom_fields?.length) body.custom_fields = existing.custom_fields;
  return { body, truncated };
}
