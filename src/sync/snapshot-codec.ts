import { z } from 'zod';
import type { SharedCompany } from '../mapping/company-account.ts';
import { LIST_ROLES } from '../mapping/list-roles.ts';
import type { SharedContact } from '../mapping/shared-contact.ts';
import { CONFLICT_WINNERS } from '../model/organization.ts';
import type { ContactSnapshot } from './contact-snapshot.ts';
import type { RecordHistory } from './record-history.ts';

// The id map's snapshot column holds JSON the connector wrote in earlier runs, possibly by an older
// version: read through these schemas, a missing field takes its neutral value and a malformed snapshot
// reads as none (the next merge then treats the pair as a first match and writes a fresh one).

const text = z.string().nullable().default(null);

const sharedContact = z.object({
  email: text,
  first_name: text,
  last_name: text,
  job_title: text,
  company_name: text,
  phone_home: text,
  phone_mobile: text,
  phone_work: text,
  address_work: z
    .object({ street: text, city: text, state: text, postal_code: text, country: text })
    .nullable()
    .default(null),
}) satisfies z.ZodType<SharedContact>;

const sideChange = z.object({ at: z.string(), fields: z.array(z.string()) });

const history = z.object({
  toHub: sideChange.optional(),
  toCc: sideChange.optional(),
  conflicts: z
    .object({
      at: z.string(),
      items: z.array(
        z.object({
          field: z.string(),
          hub: z.unknown(),
          cc: z.unknown(),
          chosen: z.enum(['hub', 'cc']),
          rule: z.enum(['winner', 'newer', 'tie']),
          winner: z.enum(CONFLICT_WINNERS),
          hubUpdatedAt: text,
          ccUpdatedAt: text,
        }),
      ),
    })
    .optional(),
}) satisfies z.ZodType<RecordHistory>;

const contactSnapshot = z.object({
  hub: sharedContact,
  cc: sharedContact,
  roles: z.array(z.enum(LIST_ROLES)).default([]),
  active: z.boolean().default(true),
  hubRaw: z.record(z.string(), z.unknown()).default({}),
  keptAsIs: z.literal(true).optional(),
  history: history.optional(),
}) satisfies z.ZodType<ContactSnapshot>;

/** What the id map remembers of the company profile pair (see company-sync.ts). */
export type CompanySnapshot = {
  hub: SharedCompany;
  cc: SharedCompany;
  /** Linked on the first link as both sides held it (historical data not shared); see ContactSnapshot. */
  keptAsIs?: true;
  history?: RecordHistory;
};

const sharedCompany = z.object({
  name: text,
  timezone: text,
  email: text,
  website: text,
  address: z
    .object({ line1: text, line2: text, city: text, state: text, postal_code: text, country: text })
    .nullable()
    .default(null),
  logo_url: text,
}) satisfies z.ZodType<SharedCompany>;

const companySnapshot = z.object({
  hub: sharedCompany,
  cc: sharedCompany,
  keptAsIs: z.literal(true).optional(),
  history: history.optional(),
}) satisfies z.ZodType<CompanySnapshot>;

/** A contact pair's snapshot from the id map's column; null when there is none or it cannot be read. */
export function readContactSnapshot(value: Readonly<Record<string, unknown>> | null): ContactSnapshot | null {
  const parsed = value ? contactSnapshot.safeParse(value) : null;
  return parsed?.success ? parsed.data : null;
}

/** The company pair's snapshot from the id map's column; null when there is none or it cannot be read. */
export function readCompanySnapshot(value: Readonly<Record<string, unknown>> | null): CompanySnapshot | null {
  const parsed = value ? companySnapshot.safeParse(value) : null;
  return parsed?.success ? parsed.data : null;
}
