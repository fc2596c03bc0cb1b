import type { StoredCustomFieldValue } from './custom-fields.ts';

/**
 * The contact as CC stores it. Field names are CC's own (the swagger's ContactResource), so rendering an
 * API answer is a matter of choosing which sub-resources to include.
 */
export interface StoredEmailAddress {
  address: string;
  permission_to_send: string;
  created_at: string;
  updated_at: string;
  opt_in_source: string;
  opt_in_date: string;
  opt_out_source?: string;
  opt_out_date?: string;
  opt_out_reason?: string;
  confirm_status: string;
}

export interface StoredPhoneNumber {
  phone_number_id: string;
  phone_number: string;
  kind: string;
  created_at: string;
  updated_at: string;
}

export interface StoredStreetAddress {
  street_address_id: string;
  kind: string;
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  created_at: string;
  updated_at: string;
}

export interface StoredContact {
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
  /** Full timestamp kept internally; the API shows the date only, as the swagger's `format: date` says. */
  deleted_at?: string;
  phone_numbers: StoredPhoneNumber[];
  street_addresses: StoredStreetAddress[];
  list_memberships: string[];
  custom_fields: StoredCustomFieldValue[];
  /** Insertion order, the stable key behind the opaque paging cursor. */
  sequence: number;
}

export interface StoredList {
  list_id: string;
  name: string;
  favorite: boolean;
  description?: string;
  created_at: string;
  updated_at: string;
}

/**
 * The simple top-level fields a contact write may set; a PUT that omits one of them clears it (sub-resources
 * a PUT omits stay as they are).
 */
export const contactScalarFields = [
  'first_name',
  'last_name',
  'job_title',
  'company_name',
  'birthday_month',
  'birthday_day',
  'anniversary',
] as const;
export type ContactScalarField = (typeof contactScalarFields)[number];

/** What a write to a contact carries, whether from the API, a bulk import or the user in CC's UI. */
export interface ContactWrite {
  email?: string;
  permission_to_send?: string;
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  birthday_month?: number;
  birthday_day?: number;
  anniversary?: string;
  phone_numbers?: Array<{ phone_number: string; kind?: string }>;
  street_addresses?: Array<{
    kind: string;
    street?: string;
    city?: string;
    state?: string;
    postal_code?: string;
    country?: string;
  }>;
  list_memberships?: string[];
  /** A value of '' (or no choice_ids) takes the field off the contact. */
  custom_fields?: StoredCustomFieldValue[];
}

/** Contact statuses the `status` filter of GET /v3/contacts knows. */
export const contactStatuses = [
  'all',
  'active',
  'deleted',
  'not_set',
  'pending_confirmation',
  'temp_hold',
  'unsubscribed',
] as const;
