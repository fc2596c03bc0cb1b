import { z } from 'zod';
import { type CcErrorEntry, ccError, validationErrorKey } from './cc-errors.ts';
import type { ContactWrite } from './contact-model.ts';

// CC ignores nulls the way it ignores omitted fields, so every optional field accepts null too.
const text = z.string().nullish();
const integer = z.number().int().nullish();
const uuidList = z.array(z.string()).nullish();

const contactBody = z.object({
  email_address: z.object({ address: z.string(), permission_to_send: text }).nullish(),
  first_name: text,
  last_name: text,
  job_title: text,
  company_name: text,
  birthday_month: integer,
  birthday_day: integer,
  anniversary: text,
  create_source: text,
  update_source: text,
  phone_numbers: z.array(z.object({ phone_number: z.string(), kind: text })).nullish(),
  street_addresses: z
    .array(
      z.object({ kind: z.string(), street: text, city: text, state: text, postal_code: text, country: text }),
    )
    .nullish(),
  list_memberships: uuidList,
  custom_fields: z
    .array(z.object({ custom_field_id: z.string(), value: text, choice_ids: z.array(z.string()).nullish() }))
    .nullish(),
});

export const listBody = z.object({ name: z.string(), favorite: z.boolean().nullish(), description: text });

/** PUT /v3/contact_lists/{id} (`ListInput`): the name has at most 255 characters. */
export const listPutBody = z.object({
  name: z.string().max(255),
  favorite: z.boolean().nullish(),
  description: text,
});

/** POST /v3/contacts/sign_up_form (`ContactCreateOrUpdateInput`); the email's length is checked apart. */
export const signUpFormBody = z.object({
  email_address: text,
  first_name: text,
  last_name: text,
  job_title: text,
  company_name: text,
  phone_number: text,
  anniversary: text,
  birthday_month: integer,
  birthday_day: integer,
  list_memberships: z.array(z.string()).min(1).max(50),
  street_address: z
    .object({ kind: z.string(), street: text, city: text, state: text, postal_code: text, country: text })
    .nullish(),
});

export const jsonImportBody = z.object({
  import_data: z.array(z.record(z.string(), z.unknown())),
  list_ids: z.array(z.string()).min(1).max(50),
});

const activitySource = z.object({
  contact_ids: uuidList,
  list_ids: uuidList,
  all_active_contacts: z.boolean().nullish(),
});

export const listMembershipBody = z.object({
  source: activitySource,
  list_ids: z.array(z.string()).min(1).max(50),
  exclude: z.object({ contact_ids: uuidList }).nullish(),
});

export const contactDeleteBody = z.object({ contact_ids: uuidList, list_ids: uuidList });

export const summaryBody = z.object({
  contact_email: text,
  contact_phone: text,
  country_code: text,
  state_code: text,
  first_name: text,
  last_name: text,
  organization_name: text,
  organization_phone: text,
  time_zone_id: text,
  website: text,
});

export const physicalAddressBody = z.object({
  address_line1: z.string().min(1).max(80),
  address_line2: z.string().min(1).max(80).nullish(),
  address_line3: z.string().min(1).max(80).nullish(),
  city: z.string(),
  state_code: z.string().max(2).nullish(),
  state_name: text,
  postal_code: text,
  country_code: z.string(),
});

/** Parses a body with a schema, or turns zod's issues into CC's error array. */
export function parseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; errors: CcErrorEntry[] } {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) =>
      ccError(validationErrorKey, `${issue.path.join('.') || 'body'}: ${issue.message}`),
    ),
  };
}

/** Drops nulls: CC treats them as absent. */
export function withoutNulls<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

/** A contact body (POST or PUT) as a write plus its source fields. */
export function parseContactBody(
  body: unknown,
):
  | { ok: true; write: ContactWrite; createSource?: string; updateSource?: string }
  | { ok: false; errors: CcErrorEntry[] } {
  const parsed = parseBody(contactBody, body);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const write: ContactWrite = {};
  if (v.email_address) {
    write.email = v.email_address.address;
    if (v.email_address.permission_to_send) write.permission_to_send = v.email_address.permission_to_send;
  }
  for (const field of ['first_name', 'last_name', 'job_title', 'company_name', 'anniversary'] as const) {
    const value = v[field];
    if (value !== null && value !== undefined) write[field] = value;
  }
  if (v.birthday_month != null) write.birthday_month = v.birthday_month;
  if (v.birthday_day != null) write.birthday_day = v.birthday_day;
  if (v.phone_numbers)
    write.phone_numbers = v.phone_numbers.map((p) => withoutNulls(p) as { phone_number: string });
  if (v.street_addresses)
    write.street_addresses = v.street_addresses.map((a) => withoutNulls(a) as { kind: string });
  if (v.list_memberships) write.list_memberships = v.list_memberships;
  if (v.custom_fields) {
    write.custom_fields = v.custom_fields.map((f) => withoutNulls(f) as { custom_field_id: string });
  }
  const out: { ok: true; write: ContactWrite; createSource?: string; updateSource?: string } = {
    ok: true,
    write,
  };
  if (v.create_source) out.createSource = v.create_source;
  if (v.update_source) out.updateSource = v.update_source;
  return out;
}
