// Constant Contact V3 resources, written from the swagger definitions (constant-contact-v3.swagger.yaml,
// version 3.0.172). Only the fields the connector reads or writes are typed precisely; read-only fields are
// optional because CC leaves them out depending on `include` and `extra_fields`.

/** `#/definitions/APIErrorSchema` items: CC answers most failures with an array of these. */
export interface CcApiError {
  error_key: string;
  error_message: string;
}

/** `#/definitions/Link` inside `#/definitions/PagingLinks`. */
export interface CcPagingLinks {
  next?: { href: string };
}

// ----- account -----

/** `#/definitions/AccountPhysicalAddress`. */
export interface CcPhysicalAddress {
  address_line1: string;
  address_line2?: string;
  address_line3?: string;
  city: string;
  /** Only for US and CA. */
  state_code?: string;
  /** Only outside US and CA. */
  state_name?: string;
  postal_code?: string;
  country_code: string;
}

/** `#/definitions/CompanyLogo`. */
export interface CcCompanyLogo {
  url?: string;
  external_url?: string;
  internal_id?: string;
}

/** `#/definitions/Customer`: the answer of `GET /v3/account/summary`. */
export interface CcAccountSummary {
  contact_email?: string;
  contact_phone?: string;
  country_code?: string;
  readonly encoded_account_id?: string;
  readonly encoded_partner_id?: string;
  first_name?: string;
  last_name?: string;
  organization_name?: string;
  organization_phone?: string;
  state_code?: string;
  time_zone_id?: string;
  website?: string;
  /** Present only with `extra_fields=physical_address`. */
  physical_address?: CcPhysicalAddress;
  /** Present only with `extra_fields=company_logo` and when the account has a logo. */
  company_logo?: CcCompanyLogo;
}

/** `#/definitions/CustomerPut`: the body and answer of `PUT /v3/account/summary` (no address, no logo). */
export interface CcAccountSummaryPut {
  contact_email?: string;
  contact_phone?: string;
  country_code?: string;
  first_name?: string;
  last_name?: string;
  organization_name?: string;
  organization_phone?: string;
  state_code?: string;
  time_zone_id?: string;
  website?: string;
}

export type CcAccountExtraField = 'physical_address' | 'company_logo';

// ----- contacts -----

/** `#/definitions/EmailAddress`. */
export interface CcEmailAddress {
  address: string;
  permission_to_send?: string;
  readonly created_at?: string;
  /** Moves on opt-in and opt-out, while the contact's own `updated_at` does not. */
  readonly updated_at?: string;
  opt_in_source?: string;
  readonly opt_in_date?: string;
  readonly opt_out_source?: string;
  readonly opt_out_date?: string;
  opt_out_reason?: string;
  readonly confirm_status?: string;
}

/** `#/definitions/PhoneNumber`. */
export interface CcPhoneNumber {
  readonly phone_number_id?: string;
  phone_number?: string;
  kind?: string;
  readonly created_at?: string;
  readonly updated_at?: string;
}

/** `#/definitions/StreetAddress`. */
export interface CcStreetAddress {
  readonly street_address_id?: string;
  kind: string;
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  readonly created_at?: string;
  readonly updated_at?: string;
}

/** `#/definitions/ContactCustomField`: select fields carry `choice_ids`, the others a `value`. */
export interface CcContactCustomField {
  custom_field_id: string;
  value?: string;
  choice_ids?: string[];
}

/** `#/definitions/ContactResource`. */
export interface CcContact {
  readonly contact_id: string;
  email_address?: CcEmailAddress;
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  birthday_month?: number;
  birthday_day?: number;
  anniversary?: string;
  update_source?: string;
  create_source?: string;
  readonly created_at?: string;
  readonly updated_at?: string;
  /** Set on soft-deleted contacts (seen only with `status=deleted|all`). */
  readonly deleted_at?: string;
  custom_fields?: CcContactCustomField[];
  phone_numbers?: CcPhoneNumber[];
  street_addresses?: CcStreetAddress[];
  list_memberships?: string[];
  taggings?: string[];
}

/** `#/definitions/PhoneNumberPut`. */
export interface CcPhoneNumberInput {
  phone_number?: string;
  kind?: string;
}

/** `#/definitions/StreetAddressPut`. */
export interface CcStreetAddressInput {
  kind: string;
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
}

/** `#/definitions/ContactPostRequest`. CC requires an email address or an SMS channel; we always send email. */
export interface CcContactCreate {
  email_address: { address: string; permission_to_send?: string };
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  create_source?: 'Contact' | 'Account';
  birthday_month?: number;
  birthday_day?: number;
  anniversary?: string;
  custom_fields?: CcContactCustomField[];
  phone_numbers?: CcPhoneNumberInput[];
  street_addresses?: CcStreetAddressInput[];
  list_memberships?: string[];
}

/**
 * `#/definitions/ContactPutRequest`. Every top-level field left out becomes null, while the sub-resources
 * left out stay as they are; whether a given `list_memberships` replaces the contact's lists or adds to them
 * the contract does not say. Callers send the full contact they want to keep.
 */
export interface CcContactUpdate {
  email_address?: { address: string; permission_to_send?: string };
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  birthday_month?: number;
  birthday_day?: number;
  anniversary?: string;
  update_source: 'Contact' | 'Account';
  custom_fields?: CcContactCustomField[];
  phone_numbers?: CcPhoneNumberInput[];
  street_addresses?: CcStreetAddressInput[];
  list_memberships?: string[];
}

/** `#/definitions/Contacts`: one page of `GET /v3/contacts`. */
export interface CcContactsPage {
  contacts: CcContact[];
  /** Only with `include_count=true`. */
  contacts_count?: number;
  _links?: CcPagingLinks;
  status?: string;
}

export type CcContactStatus =
  | 'all'
  | 'active'
  | 'deleted'
  | 'not_set'
  | 'pending_confirmation'
  | 'temp_hold'
  | 'unsubscribed';

export type CcContactInclude =
  | 'custom_fields'
  | 'list_memberships'
  | 'phone_numbers'
  | 'street_addresses'
  | 'taggings'
  | 'notes';

/** Query of `GET /v3/contacts` as the connector uses it; dates are sent as ISO 8601 date-times. */
export interface CcContactsQuery {
  status?: CcContactStatus | CcContactStatus[];
  email?: string;
  /** List ids (CC accepts up to 25). */
  lists?: string[];
  updatedAfter?: Date;
  updatedBefore?: Date;
  createdAfter?: Date;
  optoutAfter?: Date;
  include?: CcContactInclude[];
  /** Page size, 1 to 500 (CC's default is 50). */
  limit?: number;
  includeCount?: boolean;
}

// ----- contact lists -----

/** `#/definitions/ContactList`. */
export interface CcContactList {
  readonly list_id: string;
  name: string;
  favorite?: boolean;
  readonly created_at?: string;
  readonly updated_at?: string;
  readonly deleted_at?: string;
  readonly membership_count?: number;
}

/** `#/definitions/ContactListArray`. */
export interface CcContactListsPage {
  lists: CcContactList[];
  lists_count?: number;
  _links?: CcPagingLinks;
}

/** `#/definitions/ListInput`. */
export interface CcContactListCreate {
  name: string;
  favorite?: boolean;
  description?: string;
}

// ----- bulk activities -----

/** States an activity goes through; the last three are final. */
export type CcActivityState =
  | 'initialized'
  | 'processing'
  | 'completed'
  | 'cancelled'
  | 'failed'
  | 'timed_out';

/** `#/definitions/ActivityStatus` (the union of the per-activity status objects). */
export interface CcActivityStatus {
  items_total_count?: number;
  items_completed_count?: number;
  person_count?: number;
  error_count?: number;
  correctable_count?: number;
  cannot_add_to_list_count?: number;
  list_count?: number;
}

/**
 * `#/definitions/Activity`, as `GET /v3/activities/{id}` answers, and the compatible creation answers
 * (`ActivityImport`, `ActivityListsMembership`, `ActivityDeleteStatus`).
 */
export interface CcActivity {
  readonly activity_id: string;
  state: CcActivityState | (string & {});
  readonly started_at?: string;
  readonly completed_at?: string;
  readonly created_at?: string;
  readonly updated_at?: string;
  readonly source_file_name?: string;
  readonly percent_done?: number;
  /** Human-readable problems, e.g. one line per rejected import row. */
  readonly activity_errors?: string[];
  status?: CcActivityStatus;
  _links?: { self?: { href: string }; results?: { href: string } };
}

/**
 * `#/definitions/JsonImportContact`: one row of `contacts_json_import`. The keys are CC's flat column names;
 * custom fields are `cf:<name>` keys.
 */
export interface CcImportRow {
  email: string;
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  phone?: string;
  home_phone?: string;
  work_phone?: string;
  mobile_phone?: string;
  other_phone?: string;
  street?: string;
  street2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  work_street?: string;
  work_street2?: string;
  work_city?: string;
  work_state?: string;
  work_zip?: string;
  work_country?: string;
  [customField: `cf:${string}`]: string | undefined;
}

/** `#/definitions/ContactsJsonImport`. */
export interface CcContactsJsonImport {
  import_data: CcImportRow[];
  /** 1 to 50 list ids every imported contact joins. */
  list_ids: string[];
}

/** `#/definitions/ListActivityAddContacts` with contact ids as the source (at most 500). */
export interface CcAddListMemberships {
  source: { contact_ids: string[] } | { list_ids: string[] } | { all_active_contacts: true };
  list_ids: string[];
}

/** `#/definitions/ListActivityRemoveContacts`. */
export interface CcRemoveListMemberships {
  source: { contact_ids: string[] } | { list_ids: string[] } | { all_active_contacts: true };
  list_ids: string[];
}

/** `#/definitions/ContactDelete`. */
export interface CcContactDelete {
  contact_ids?: string[];
  list_ids?: string[];
}

// ----- OAuth -----

export type CcScope = 'contact_data' | 'account_read' | 'account_update' | 'offline_access' | (string & {});

/** The scopes the connector asks for. */
export const CONNECTOR_SCOPES: readonly CcScope[] = [
  'contact_data',
  'account_read',
  'account_update',
  'offline_access',
];

/** What the token endpoint hands back, in the connector's terms. */
export interface CcTokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working, computed from `expires_in` at receipt. */
  expiresAt: Date;
  scope?: string;
}
