import type { SharedAddress, SharedContact, SharedField } from './shared-contact.ts';

/** Constant Contact's field limits (from its V3 contract), declared once. */
export const CC_LIMITS = {
  email: 80,
  first_name: 50,
  last_name: 50,
  job_title: 50,
  company_name: 50,
  phone: 25,
  street: 255,
  city: 50,
  state: 50,
  postal_code: 50,
  country: 50,
  phoneNumbers: 3,
  streetAddresses: 3,
  listMemberships: 50,
} as const;

const TEXT_LIMITS: Partial<Record<SharedField, number>> = {
  first_name: CC_LIMITS.first_name,
  last_name: CC_LIMITS.last_name,
  job_title: CC_LIMITS.job_title,
  company_name: CC_LIMITS.company_name,
  phone_home: CC_LIMITS.phone,
  phone_mobile: CC_LIMITS.phone,
  phone_work: CC_LIMITS.phone,
};

const ADDRESS_LIMITS: Record<keyof SharedAddress, number> = {
  street: CC_LIMITS.street,
  city: CC_LIMITS.city,
  state: CC_LIMITS.state,
  postal_code: CC_LIMITS.postal_code,
  country: CC_LIMITS.country,
};

function cut(value: string | null, max: number): string | null {
  return value !== null && value.length > max ? value.slice(0, max).trimEnd() : value;
}

/**
 * What Constant Contact can hold of a shared contact: long values are cut to CC's limits, and the fields
 * that were cut are named so the run can report them. The email is never cut (a cut email is another
 * address): an email over the limit makes the record ineligible instead. The hub keeps the full values.
 */
export function fitToCc(shared: SharedContact): { value: SharedContact; truncated: SharedField[] } {
  const value: SharedContact = { ...shared };
  const truncated: SharedField[] = [];
  for (const [field, max] of Object.entries(TEXT_LIMITS) as Array<[SharedField, number]>) {
    const before = shared[field] as string | null;
    const after = cut(before, max);
    if (after !== before) {
      (value as unknown as Record<string, unknown>)[field] = after;
      truncated.push(field);
    }
  }
  if (shared.address_work) {
    const address = { ...shared.address_work };
    let cutAny = false;
    for (const [part, max] of Object.entries(ADDRESS_LIMITS) as Array<[keyof SharedAddress, number]>) {
      const after = cut(address[part], max);
      if (after !== address[part]) {
        address[part] = after;
        cutAny = true;
      }
    }
    if (cutAny) {
      value.address_work = address;
      truncated.push('address_work');
    }
  }
  return { value, truncated };
}

/** The CC view of a shared contact, without the report. */
export function ccView(shared: SharedContact): SharedContact {
  return fitToCc(shared).value;
}
