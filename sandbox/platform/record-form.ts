import { html, type SafeHtml } from './html.ts';
import type { HubCollection } from './hub-store.ts';
import { isObject } from './hub-validation.ts';

/** A flat form as the dashboard page posts it. */
export type PageForm = Record<string, string | undefined>;

/**
 * The fields the "act as another app" page offers: every Connec! field the connector maps, with where each
 * goes in a record of each collection. A field a collection does not have is left out of its records.
 */
const FORM_FIELDS: ReadonlyArray<{
  name: string;
  label: string;
  paths: Partial<Record<HubCollection, string>>;
}> = [
  { name: 'first_name', label: 'First name', paths: { people: 'first_name', employees: 'first_name' } },
  { name: 'last_name', label: 'Last name', paths: { people: 'last_name', employees: 'last_name' } },
  { name: 'job_title', label: 'Job title', paths: { people: 'job_title', employees: 'job_title' } },
  { name: 'name', label: 'Organization or company name', paths: { organizations: 'name', company: 'name' } },
  {
    name: 'email',
    label: 'Email',
    paths: {
      people: 'email.address',
      employees: 'email.address',
      organizations: 'email.address',
      company: 'email.address',
    },
  },
  {
    name: 'phone_home',
    label: 'Home phone',
    paths: { people: 'phone_home.landline', employees: 'phone_home.landline' },
  },
  {
    name: 'phone_mobile',
    label: 'Mobile phone',
    paths: { people: 'phone_home.mobile', employees: 'phone_home.mobile' },
  },
  {
    name: 'phone_work',
    label: 'Work phone',
    paths: { people: 'phone_work.landline', organizations: 'phone.landline' },
  },
  { name: 'website', label: 'Website', paths: { organizations: 'website.url', company: 'website.url' } },
  { name: 'timezone', label: 'Time zone (company)', paths: { company: 'timezone' } },
];

/** Address lines, written to the collection's billing address. */
const ADDRESS_FIELDS = [
  ['line1', 'Street'],
  ['line2', 'Street, line 2'],
  ['city', 'City'],
  ['region', 'Region'],
  ['postal_code', 'Postal code'],
  ['country', 'Country'],
] as const;
const ADDRESS_PATHS: Partial<Record<HubCollection, string>> = {
  people: 'address_work.billing',
  employees: 'address_work.billing',
  organizations: 'address.billing',
  company: 'address.billing',
};

function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = record;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]!] = value;
}

/** Turns the page's flat form into a hub record; blank fields are left out so an update keeps them. */
export function recordFromForm(collection: HubCollection, form: PageForm): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const text = (key: string) => form[key]?.trim() || undefined;
  for (const field of FORM_FIELDS) {
    const path = field.paths[collection];
    const value = text(field.name);
    if (path && value) setPath(record, path, value);
  }
  const addressPath = ADDRESS_PATHS[collection];
  if (addressPath) {
    for (const [key] of ADDRESS_FIELDS) {
      const value = text(`address_${key}`);
      if (value) setPath(record, `${addressPath}.${key}`, value);
    }
  }
  if (text('status')) record.status = text('status');
  if (collection === 'people' || collection === 'organizations') {
    for (const role of ['customer', 'supplier', 'lead']) if (form.role === role) record[`is_${role}`] = true;
  }
  return record;
}

/** The inputs of every field, labelled, for the create and update forms (ids made unique by `prefix`). */
export function fieldInputs(prefix: string): SafeHtml {
  const input = (name: string, label: string) =>
    html`<label for="${prefix}-${name}">${label}</label><input id="${prefix}-${name}" name="${name}">`;
  return html`<div class="fields">${FORM_FIELDS.map((f) => input(f.name, f.label))}${ADDRESS_FIELDS.map(
    ([key, label]) => input(`address_${key}`, `Address: ${label}`),
  )}</div>`;
}
