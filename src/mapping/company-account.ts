import type { ConnecCompany } from '../connec/records.ts';
import type { CcAccountSummary, CcAccountSummaryPut, CcPhysicalAddress } from '../constantcontact/types.ts';
import { readPath, writePath } from './hub-paths.ts';
import { cleanText } from './shared-contact.ts';

/**
 * Connec! company <-> Constant Contact account summary (test plan: "Company"), both ways. The logo can
 * only be read from CC (its API has no logo upload), so it flows to the hub only.
 */
export interface SharedCompany {
  name: string | null;
  timezone: string | null;
  email: string | null;
  website: string | null;
  address: SharedCompanyAddress | null;
  logo_url: string | null;
}

export interface SharedCompanyAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  /** ISO 3166-1 alpha-2, as CC requires. */
  country: string | null;
}

export const COMPANY_FIELDS = [
  'name',
  'timezone',
  'email',
  'website',
  'address',
  'logo_url',
] as const satisfies readonly (keyof SharedCompany)[];

/** Fields the connector may write to CC; the others only come from it. */
export const COMPANY_FIELDS_TO_CC = ['name', 'timezone', 'email', 'website', 'address'] as const;

const HUB_PATHS = {
  name: 'name',
  timezone: 'timezone',
  email: 'email.address',
  website: 'website.url',
  logo_url: 'logo.logo',
} as const;

/** Where each company field lives on each side, as the mapping page names it (what the functions below do). */
export const COMPANY_FIELD_PLACES: Record<keyof SharedCompany, { hub: string; cc: string }> = {
  name: { hub: HUB_PATHS.name, cc: 'organization_name' },
  timezone: { hub: HUB_PATHS.timezone, cc: 'time_zone_id' },
  email: { hub: HUB_PATHS.email, cc: 'contact_email' },
  website: { hub: HUB_PATHS.website, cc: 'website' },
  address: { hub: 'address.billing', cc: 'physical_address' },
  logo_url: { hub: HUB_PATHS.logo_url, cc: 'company_logo.url' },
};

function cleanCompanyAddress(
  a: Partial<Record<keyof SharedCompanyAddress, unknown>> | null | undefined,
): SharedCompanyAddress | null {
  if (!a) return null;
  const address: SharedCompanyAddress = {
    line1: cleanText(a.line1),
    line2: cleanText(a.line2),
    city: cleanText(a.city),
    state: cleanText(a.state),
    postal_code: cleanText(a.postal_code),
    country: cleanText(a.country)?.toUpperCase() ?? null,
  };
  return Object.values(address).every((v) => v === null) ? null : address;
}

export function companyToShared(company: ConnecCompany | Record<string, unknown>): SharedCompany {
  const billing = readPath(company, 'address.billing') as Record<string, unknown> | undefined;
  return {
    name: cleanText(readPath(company, HUB_PATHS.name)),
    timezone: cleanText(readPath(company, HUB_PATHS.timezone)),
    email: cleanText(readPath(company, HUB_PATHS.email)),
    website: cleanText(readPath(company, HUB_PATHS.website)),
    logo_url: cleanText(readPath(company, HUB_PATHS.logo_url)),
    address: cleanCompanyAddress(billing && { ...billing, state: billing.region }),
  };
}

export function accountToShared(summary: CcAccountSummary): SharedCompany {
  const a = summary.physical_address;
  return {
    name: cleanText(summary.organization_name),
    timezone: cleanText(summary.time_zone_id),
    email: cleanText(summary.contact_email),
    website: cleanText(summary.website),
    logo_url: cleanText(summary.company_logo?.url ?? summary.company_logo?.external_url),
    address: cleanCompanyAddress(
      a && {
        line1: a.address_line1,
        line2: a.address_line2,
        city: a.city,
        state: a.state_code ?? a.state_name,
        postal_code: a.postal_code,
        country: a.country_code,
      },
    ),
  };
}

/** The hub write for some company fields, carrying the record's other data over from `current`. */
export function sharedToCompanyPatch(
  shared: Partial<SharedCompany>,
  current: unknown,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [field, path] of Object.entries(HUB_PATHS) as Array<[keyof typeof HUB_PATHS, string]>) {
    if (field in shared) writePath(patch, current, path, shared[field] ?? null);
  }
  if ('address' in shared) {
    const a = shared.address ?? null;
    const existing = readPath(current, 'address.billing');
    writePath(
      patch,
      current,
      'address.billing',
      a && {
        ...(existing && typeof existing === 'object' ? existing : {}),
        line1: a.line1,
        line2: a.line2,
        city: a.city,
        region: a.state,
        postal_code: a.postal_code,
        country: a.country,
      },
    );
  }
  return patch;
}

/** The account summary PUT for the company; fields the hub does not have are left as CC holds them. */
export function sharedToAccountPut(shared: SharedCompany, current: CcAccountSummary): CcAccountSummaryPut {
  const {
    physical_address: _address,
    company_logo: _logo,
    ...rest
  } = current as CcAccountSummary & Record<string, unknown>;
  const put: CcAccountSummaryPut = { ...(rest as CcAccountSummaryPut) };
  delete (put as Record<string, unknown>).encoded_account_id;
  if (shared.name !== null) put.organization_name = shared.name;
  if (shared.timezone !== null) put.time_zone_id = shared.timezone;
  if (shared.email !== null) put.contact_email = shared.email;
  if (shared.website !== null) put.website = shared.website;
  return put;
}

const STATE_CODE_COUNTRIES = new Set(['US', 'CA']);

/**
 * The physical address PUT, or null when the hub's address lacks what CC requires (a first line, a city
 * and a two-letter country).
 */
export function sharedToPhysicalAddress(address: SharedCompanyAddress | null): CcPhysicalAddress | null {
  if (!address?.line1 || !address.city || !address.country || !/^[A-Z]{2}$/.test(address.country))
    return null;
  const out: CcPhysicalAddress = {
    address_line1: address.line1,
    city: address.city,
    country_code: address.country,
  };
  if (address.line2) out.address_line2 = address.line2;
  if (address.postal_code) out.postal_code = address.postal_code;
  if (address.state) {
    if (STATE_CODE_COUNTRIES.has(address.country)) out.state_code = address.state;
    else out.state_name = address.state;
  }
  return out;
}
