/** A record sent to the hub breaks its rules; the message names the field. Answered as 400. */
export class HubValidationError extends Error {}

type Check = (value: unknown) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const string: Check = (v) => (typeof v === 'string' ? null : 'must be a string');
const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const status: Check = (v) => (v === 'ACTIVE' || v === 'INACTIVE' ? null : 'must be "ACTIVE" or "INACTIVE"');

function objectOf(fields: Record<string, Check>): Check {
  return (value) => {
    if (!isObject(value)) return 'must be an object';
    for (const [key, check] of Object.entries(fields)) {
      const inner = value[key];
      if (inner === undefined || inner === null) continue;
      const problem = check(inner);
      if (problem) return `.${key} ${problem}`;
    }
    return null;
  };
}

const address = objectOf({
  line1: string,
  line2: string,
  city: string,
  region: string,
  postal_code: string,
  country: string,
});
const addressGroup = objectOf({ billing: address, shipping: address });
const phone = objectOf({ landline: string, mobile: string, fax: string });
const email = objectOf({ address: string, address2: string });

const personLike: Record<string, Check> = {
  first_name: string,
  last_name: string,
  job_title: string,
  email,
  address_work: addressGroup,
  address_home: addressGroup,
  phone_home: phone,
  phone_work: phone,
  is_customer: boolean,
  is_supplier: boolean,
  is_lead: boolean,
  status,
};

const FIELD_CHECKS: Partial<Record<string, Record<string, Check>>> = {
  people: personLike,
  employees: personLike,
  organizations: {
    name: string,
    email,
    website: objectOf({ url: string }),
    phone,
    address: addressGroup,
    is_customer: boolean,
    is_supplier: boolean,
    is_lead: boolean,
    status,
  },
  company: {
    name: string,
    timezone: string,
    currency: string,
    email,
    address: addressGroup,
    website: objectOf({ url: string }),
    logo: objectOf({ logo: string }),
  },
};

/** Checks the types of the fields the hub knows; unknown fields pass through untouched. */
export function checkFieldTypes(collection: string, fields: Record<string, unknown>): void {
  for (const [key, check] of Object.entries(FIELD_CHECKS[collection] ?? {})) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    const problem = check(value);
    if (problem) throw new HubValidationError(`${key}${problem.startsWith('.') ? '' : ' '}${problem}`);
  }
}

const filled = (value: unknown) => typeof value === 'string' && value.trim() !== '';

/** Checks what a complete record needs: run on the record as it will be stored. */
export function checkRequiredFields(collection: string, fields: Record<string, unknown>): void {
  if (collection === 'organizations' && !filled(fields.name)) {
    throw new HubValidationError("name can't be blank");
  }
  if (collection === 'people' || collection === 'employees') {
    const emailAddress = isObject(fields.email) ? fields.email.address : undefined;
    if (!filled(fields.first_name) && !filled(fields.last_name) && !filled(emailAddress)) {
      throw new HubValidationError('a person needs a first_name, a last_name or an email.address');
    }
  }
}

export interface IdEntry {
  id: string;
  provider: string;
  realm: string;
}

/** Reads an id array (`[{id, provider, realm}]`); `field` names it in errors. */
export function parseIdArray(value: unknown, field: string): IdEntry[] {
  if (!Array.isArray(value))
    throw new HubValidationError(`${field} must be an array of {id, provider, realm}`);
  return value.map((entry, i) => {
    if (!isObject(entry))
      throw new HubValidationError(`${field}[${i}] must be an object {id, provider, realm}`);
    for (const key of ['id', 'provider', 'realm'] as const) {
      if (!filled(entry[key]))
        throw new HubValidationError(`${field}[${i}].${key} must be a non-empty string`);
    }
    return { id: entry.id as string, provider: entry.provider as string, realm: entry.realm as string };
  });
}

export { isObject };
