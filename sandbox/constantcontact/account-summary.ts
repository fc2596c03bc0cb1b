/** The account details behind GET/PUT /v3/account/summary (the swagger's `Customer`). */
export interface CcPhysicalAddress {
  address_line1: string;
  address_line2?: string;
  address_line3?: string;
  city: string;
  state_code?: string;
  state_name?: string;
  postal_code?: string;
  country_code: string;
}

export interface CcAccountSummary {
  encoded_account_id: string;
  organization_name: string;
  contact_email?: string;
  contact_phone?: string;
  country_code?: string;
  state_code?: string;
  first_name?: string;
  last_name?: string;
  organization_phone?: string;
  time_zone_id?: string;
  website?: string;
  physical_address?: CcPhysicalAddress;
  company_logo?: { url: string; external_url?: string; internal_id?: string };
}

/** Fields PUT /v3/account/summary may change (the swagger's `CustomerPut`, minus the read-only id). */
export const summaryWritableFields = [
  'contact_email',
  'contact_phone',
  'country_code',
  'state_code',
  'first_name',
  'last_name',
  'organization_name',
  'organization_phone',
  'time_zone_id',
  'website',
] as const;
export type SummaryWritableField = (typeof summaryWritableFields)[number];

/** The summary as the API shows it: physical address and logo only when asked for by `extra_fields`. */
export function renderSummary(
  summary: CcAccountSummary,
  extraFields: ReadonlySet<string>,
): Record<string, unknown> {
  const { physical_address, company_logo, ...base } = summary;
  const out: Record<string, unknown> = { ...base };
  if (extraFields.has('physical_address') && physical_address) out.physical_address = physical_address;
  if (extraFields.has('company_logo') && company_logo) out.company_logo = company_logo;
  return out;
}

/** The PUT answer, in the swagger's `CustomerPut` shape. */
export function renderSummaryPut(summary: CcAccountSummary): Record<string, unknown> {
  const out: Record<string, unknown> = { encoded_account_id: summary.encoded_account_id };
  for (const field of summaryWritableFields) {
    if (summary[field] !== undefined) out[field] = summary[field];
  }
  return out;
}
