import { z } from 'zod';

/**
 * Connec! records as the connector reads them (with `CONNEC-EXTERNAL-IDS: true`). Only the fields the
 * connector uses are typed; everything else passes through untouched (`looseObject`), so writing a record
 * back never drops another app's data.
 */

export const idEntrySchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  realm: z.string().min(1),
});
export type IdEntry = z.infer<typeof idEntrySchema>;

/** `[{id, provider, realm}]`: Connec!'s own entry (provider "connec") and one per app that registered one. */
export const idArraySchema = z.array(idEntrySchema);
export type IdArray = IdEntry[];

const text = z.string().nullish();
const flag = z.boolean().nullish();

export const addressSchema = z.looseObject({
  line1: text,
  line2: text,
  city: text,
  region: text,
  postal_code: text,
  country: text,
});
export const addressGroupSchema = z.looseObject({
  billing: addressSchema.nullish(),
  shipping: addressSchema.nullish(),
});
export const phoneSchema = z.looseObject({ landline: text, mobile: text });
export const emailSchema = z.looseObject({ address: text });
export const statusSchema = z.enum(['ACTIVE', 'INACTIVE']);

/** Fields Connec! sets: the id array, the group, the organization's channel (`org-...`), the timestamps. */
const hubOwned = {
  id: idArraySchema,
  group_id: z.string().min(1),
  channel_id: text,
  /** The collection the record belongs to, e.g. `people`. */
  resource_type: text,
  created_at: text,
  updated_at: text,
};

export const personSchema = z.looseObject({
  ...hubOwned,
  first_name: text,
  last_name: text,
  job_title: text,
  email: emailSchema.nullish(),
  address_work: addressGroupSchema.nullish(),
  phone_home: phoneSchema.nullish(),
  phone_work: phoneSchema.nullish(),
  is_customer: flag,
  is_supplier: flag,
  is_lead: flag,
  status: statusSchema.nullish(),
  organization_id: idArraySchema.nullish(),
});

export const organizationSchema = z.looseObject({
  ...hubOwned,
  name: text,
  email: emailSchema.nullish(),
  website: z.looseObject({ url: text }).nullish(),
  phone: phoneSchema.nullish(),
  address: addressGroupSchema.nullish(),
  is_customer: flag,
  is_supplier: flag,
  is_lead: flag,
  status: statusSchema.nullish(),
});

export const employeeSchema = z.looseObject({
  ...hubOwned,
  first_name: text,
  last_name: text,
  job_title: text,
  email: emailSchema.nullish(),
  address_work: addressGroupSchema.nullish(),
  phone_home: phoneSchema.nullish(),
});

export const companySchema = z.looseObject({
  ...hubOwned,
  name: text,
  timezone: text,
  email: emailSchema.nullish(),
  address: addressGroupSchema.nullish(),
  website: z.looseObject({ url: text }).nullish(),
  logo: z.looseObject({ logo: text }).nullish(),
});

export type ConnecPerson = z.infer<typeof personSchema>;
export type ConnecOrganization = z.infer<typeof organizationSchema>;
export type ConnecEmployee = z.infer<typeof employeeSchema>;
export type ConnecCompany = z.infer<typeof companySchema>;

export const RECORD_SCHEMAS = {
  people: personSchema,
  organizations: organizationSchema,
  employees: employeeSchema,
  company: companySchema,
} as const;

export type ConnecCollection = keyof typeof RECORD_SCHEMAS;
/** Collections read as lists; `company` is a singleton. */
export type ConnecListCollection = Exclude<ConnecCollection, 'company'>;
export const CONNEC_COLLECTIONS = Object.keys(RECORD_SCHEMAS) as ConnecCollection[];

/**
 * A record of a collection the connector has no shape for (Connec! has many more than it shares): the
 * fields Connec! sets on every record, and whatever else the collection holds, untouched.
 */
export const anyRecordSchema = z.looseObject(hubOwned);
export type ConnecRecord = z.infer<typeof anyRecordSchema>;

/** A collection's records as read: typed for the collections above, the common shape for any other. */
export type RecordOf<C extends string> = C extends ConnecCollection ? ConnecRecordOf[C] : ConnecRecord;

function isKnown(collection: string): collection is ConnecCollection {
  return Object.hasOwn(RECORD_SCHEMAS, collection);
}

/** The schema a collection's records are checked against (see `RecordOf`). */
export function recordSchemaOf(collection: string): z.ZodType<ConnecRecord> {
  return isKnown(collection) ? RECORD_SCHEMAS[collection] : anyRecordSchema;
}

export interface ConnecRecordOf {
  people: ConnecPerson;
  organizations: ConnecOrganization;
  employees: ConnecEmployee;
  company: ConnecCompany;
}

/**
 * What the connector sends: hub-owned fields are optional (`id` carries the connector's own entry for an
 * upsert; Connec! sets `group_id`, `channel_id`, `resource_type` and the timestamps).
 */
export type ConnecWrite<C extends string> = Omit<
  Partial<RecordOf<C>>,
  'group_id' | 'channel_id' | 'resource_type' | 'created_at' | 'updated_at'
> & { id?: IdArray };
