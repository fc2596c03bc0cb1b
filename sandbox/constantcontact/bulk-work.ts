import type { CcAccount } from './account-state.ts';
import type { ActivityResult } from './activity-runner.ts';
import type { ContactWrite } from './contact-model.ts';
import { checkShortEmail, validateContactWrite } from './contact-validation.ts';
import type { StoredCustomFieldValue } from './custom-fields.ts';

export const importLimits = { maxRows: 40_000, maxBytes: 4 * 1024 * 1024 } as const;

type ImportRow = Record<string, unknown>;

const phoneColumns = [
  ['phone', 'other'],
  ['home_phone', 'home'],
  ['work_phone', 'work'],
  ['mobile_phone', 'mobile'],
  ['other_phone', 'other'],
] as const;

// Unprefixed address columns are the contact's "other" address; the swagger spells one column
// "home country" with a space, so both spellings are read.
const addressPrefixes = [
  ['', 'other'],
  ['home_', 'home'],
  ['work_', 'work'],
  ['other_', 'other'],
] as const;

function text(row: ImportRow, key: string): string | undefined {
  const value = row[key];
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** Turns one `JsonImportContact` row into a contact write carrying only the columns the row has. */
export function importRowToWrite(row: ImportRow): ContactWrite {
  const write: ContactWrite = {};
  const email = text(row, 'email');
  if (email !== undefined) write.email = email;
  for (const field of ['first_name', 'last_name', 'job_title', 'company_name', 'anniversary'] as const) {
    const value = text(row, field);
    if (value !== undefined) write[field] = value;
  }
  for (const field of ['birthday_month', 'birthday_day'] as const) {
    const value = text(row, field);
    if (value !== undefined && Number.isInteger(Number(value))) write[field] = Number(value);
  }
  const phones = phoneColumns.flatMap(([column, kind]) => {
    const number = text(row, column);
    return number ? [{ phone_number: number, kind }] : [];
  });
  if (phones.length > 0) write.phone_numbers = phones;
  const addresses = addressPrefixes.flatMap(([prefix, kind]) => {
    const street = [text(row, `${prefix}street`), text(row, `${prefix}street2`)].filter(Boolean).join('\n');
    const address = {
      kind,
      street: street || undefined,
      city: text(row, `${prefix}city`),
      state: text(row, `${prefix}state`),
      postal_code: text(row, `${prefix}zip`),
      country: text(row, `${prefix}country`) ?? (prefix === 'home_' ? text(row, 'home country') : undefined),
    };
    const hasAny = [address.street, address.city, address.state, address.postal_code, address.country].some(
      Boolean,
    );
    return hasAny
      ? [Object.fromEntries(Object.entries(address).filter(([, v]) => v !== undefined)) as typeof address]
      : [];
  });
  if (addresses.length > 0) write.street_addresses = addresses;
  return write;
}

/**
 * Applies a JSON import: new emails become contacts (permission implicit), existing ones (deleted ones
 * revived) get only the columns the row carries; every row joins the lists. A row CC would refuse is
 * counted and described in the activity, and the others still go in.
 */
export function runContactsImport(account: CcAccount, rows: ImportRow[], listIds: string[]): ActivityResult {
  const errors: string[] = [];
  let imported = 0;
  let cannotAddToList = 0;
  rows.forEach((row, index) => {
    const write = importRowToWrite(row);
    const custom = customFieldColumns(account, row);
    if (typeof custom === 'string') {
      errors.push(`Row ${index + 1}: ${custom}`);
      return;
    }
    if (custom.length > 0) write.custom_fields = custom;
    // The import's `email` column takes 50 characters (`JsonImportContact`), fewer than a contact's 80.
    const tooLong = checkShortEmail('email', write.email);
    const problems = tooLong ? [tooLong] : validateContactWrite(write, { requireEmail: true });
    if (problems.length > 0) {
      errors.push(`Row ${index + 1}: ${problems.map((p) => p.error_message).join(' ')}`);
      return;
    }
    const existing = account.storedContactByEmail(write.email!);
    let contactId: string;
    if (existing) {
      const merged = mergeSubResources(existing, write);
      const outcome = account.patchContact(existing.contact_id, merged, 'Account');
      if (!outcome.ok) {
        errors.push(`Row ${index + 1}: ${outcome.errors.map((p) => p.error_message).join(' ')}`);
        return;
      }
      contactId = existing.contact_id;
    } else {
      const outcome = account.createContact(write, 'Account');
      if (!outcome.ok) {
        errors.push(`Row ${index + 1}: ${outcome.errors.map((p) => p.error_message).join(' ')}`);
        return;
      }
      contactId = outcome.contact.contact_id;
    }
    imported += 1;
    if (account.addMemberships(contactId, listIds).length > 0) cannotAddToList += 1;
  });
  return {
    counts: {
      items_total_count: rows.length,
      items_completed_count: rows.length,
      person_count: imported,
      error_count: errors.length,
      correctable_count: 0,
      cannot_add_to_list_count: cannotAddToList,
    },
    errors,
  };
}

/**
 * The row's `cf:<name>` columns as custom field values, or why they cannot be: the spec's import names an
 * existing custom field by its name.
 */
function customFieldColumns(account: CcAccount, row: ImportRow): StoredCustomFieldValue[] | string {
  const values: StoredCustomFieldValue[] = [];
  for (const key of Object.keys(row)) {
    if (!key.startsWith('cf:')) continue;
    const field = account.customFields.find(key.slice(3));
    if (!field || field.name.toLowerCase() !== key.slice(3).trim().toLowerCase()) {
      return `${key} names no custom field of the account.`;
    }
    // Like the other columns, an empty one says nothing (it does not clear the value).
    const value = text(row, key);
    if (value !== undefined) values.push({ custom_field_id: field.custom_field_id, value });
  }
  return values;
}

/** An import replaces phones and addresses of the kinds the row has and keeps the others. */
export function mergeSubResources(
  existing: ReturnType<CcAccount['storedContact']> & object,
  write: ContactWrite,
): ContactWrite {
  const merged: ContactWrite = { ...write };
  if (write.phone_numbers) {
    const kinds = new Set(write.phone_numbers.map((p) => p.kind));
    merged.phone_numbers = [
      ...existing.phone_numbers
        .filter((p) => !kinds.has(p.kind))
        .map((p) => ({ phone_number: p.phone_number, kind: p.kind })),
      ...write.phone_numbers,
    ].slice(-3);
  }
  if (write.street_addresses) {
    const kinds = new Set(write.street_addresses.map((a) => a.kind));
    merged.street_addresses = [
      ...existing.street_addresses
        .filter((a) => !kinds.has(a.kind))
        .map(({ street_address_id: _id, created_at: _c, updated_at: _u, ...rest }) => rest),
      ...write.street_addresses,
    ].slice(-3);
  }
  return merged;
}

/** Contacts a list activity's `source` names: explicit ids, members of lists, or all active contacts. */
export function resolveSource(
  account: CcAccount,
  source: { contact_ids?: string[]; list_ids?: string[]; all_active_contacts?: boolean },
  exclude: string[] = [],
): string[] {
  const ids = new Set<string>();
  for (const id of source.contact_ids ?? []) ids.add(id);
  if (source.list_ids?.length || source.all_active_contacts) {
    for (const c of account.storedContacts()) {
      if (c.deleted_at) continue;
      if (source.all_active_contacts && c.email_address.permission_to_send !== 'unsubscribed')
        ids.add(c.contact_id);
      if (source.list_ids?.some((l) => c.list_memberships.includes(l))) ids.add(c.contact_id);
    }
  }
  for (const id of exclude) ids.delete(id);
  return [...ids];
}

export function runAddListMemberships(
  account: CcAccount,
  contactIds: string[],
  listIds: string[],
): ActivityResult {
  const errors: string[] = [];
  let completed = 0;
  for (const id of contactIds) {
    const contact = account.storedContact(id);
    if (!contact || contact.deleted_at) {
      errors.push(`Contact ${id} was not found.`);
      continue;
    }
    const refused = account.addMemberships(id, listIds);
    if (refused.length > 0) errors.push(`Contact ${id} is already a member of 50 lists.`);
    else completed += 1;
  }
  return {
    counts: {
      items_total_count: contactIds.length,
      items_completed_count: completed,
      list_count: listIds.length,
    },
    errors,
  };
}

export function runRemoveListMemberships(
  account: CcAccount,
  contactIds: string[],
  listIds: string[],
): ActivityResult {
  let completed = 0;
  for (const id of contactIds) {
    if (!account.storedContact(id)) continue;
    account.removeMemberships(id, listIds);
    completed += 1;
  }
  return {
    counts: {
      items_total_count: contactIds.length,
      items_completed_count: completed,
      list_count: listIds.length,
    },
    errors: [],
  };
}

export function runContactDelete(
  account: CcAccount,
  contactIds: string[],
  listCount: number,
): ActivityResult {
  const errors: string[] = [];
  let completed = 0;
  for (const id of contactIds) {
    const outcome = account.deleteContact(id);
    if (outcome.ok) completed += 1;
    else errors.push(`Contact ${id} was not found or is already deleted.`);
  }
  return {
    counts: { items_total_count: contactIds.length, items_completed_count: completed, list_count: listCount },
    errors,
  };
}
