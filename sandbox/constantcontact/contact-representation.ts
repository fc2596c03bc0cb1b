import type {
  StoredContact,
  StoredEmailAddress,
  StoredList,
  StoredPhoneNumber,
  StoredStreetAddress,
} from './contact-model.ts';
import type { StoredCustomFieldValue } from './custom-fields.ts';

/** A contact as the API answers it (the swagger's `ContactResource`); sub-resources only when included. */
export interface CcContactResource {
  contact_id: string;
  email_address: StoredEmailAddress;
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  birthday_month?: number;
  birthday_day?: number;
  anniversary?: string;
  create_source: string;
  update_source: string;
  created_at: string;
  updated_at: string;
  /** A date (YYYY-MM-DD), as the swagger's `format: date` says. */
  deleted_at?: string;
  phone_numbers?: StoredPhoneNumber[];
  street_addresses?: StoredStreetAddress[];
  list_memberships?: string[];
  custom_fields?: StoredCustomFieldValue[];
  taggings?: string[];
  notes?: unknown[];
}

/** Sub-resources GET /v3/contacts can add with `include=`. */
export const contactIncludes = [
  'custom_fields',
  'list_memberships',
  'phone_numbers',
  'street_addresses',
  'taggings',
  'notes',
] as const;
export type ContactInclude = (typeof contactIncludes)[number];

export const allContactIncludes: ReadonlySet<ContactInclude> = new Set(contactIncludes);

/** A contact in the swagger's `ContactResource` shape; absent fields are omitted, never null. */
export function renderContact(contact: StoredContact, include: ReadonlySet<string>): CcContactResource {
  const {
    sequence: _sequence,
    phone_numbers,
    street_addresses,
    list_memberships,
    custom_fields,
    deleted_at,
    ...base
  } = contact;
  const out: CcContactResource = { ...base, email_address: { ...contact.email_address } };
  if (deleted_at) out.deleted_at = deleted_at.slice(0, 10);
  if (include.has('phone_numbers')) out.phone_numbers = phone_numbers.map((p) => ({ ...p }));
  if (include.has('street_addresses')) out.street_addresses = street_addresses.map((a) => ({ ...a }));
  if (include.has('list_memberships')) out.list_memberships = [...list_memberships];
  if (include.has('custom_fields')) {
    out.custom_fields = custom_fields.map((f) => ({
      ...f,
      ...(f.choice_ids ? { choice_ids: [...f.choice_ids] } : {}),
    }));
  }
  if (include.has('taggings')) out.taggings = [];
  if (include.has('notes')) out.notes = [];
  return out;
}

/** A list in the swagger's `ContactList` shape. */
export function renderList(list: StoredList, membershipCount?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    list_id: list.list_id,
    name: list.name,
    favorite: list.favorite,
    created_at: list.created_at,
    updated_at: list.updated_at,
  };
  if (list.description !== undefined) out.description = list.description;
  if (membershipCount !== undefined) out.membership_count = membershipCount;
  return out;
}
