import { type CcErrorEntry, ccError, validationErrorKey } from './cc-errors.ts';
import type { ContactWrite } from './contact-model.ts';

export const ccLimits = {
  emailLength: 80,
  /** The import (`JsonImportContact.email`) and the sign-up form (`ContactCreateOrUpdateInput`) take 50. */
  shortEmailLength: 50,
  nameLength: 50,
  phoneNumbers: 3,
  streetAddresses: 3,
  listMemberships: 50,
} as const;

// CC's check is stricter than "contains @": a local part, a dotted domain and no spaces.
const emailPattern =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(address: string): boolean {
  return address.length <= ccLimits.emailLength && emailPattern.test(address) && !address.includes('..');
}

/**
 * CC's validation of a contact write, as error entries (empty when valid). `requireEmail` is off for
 * partial updates made in CC's UI.
 */
export function validateContactWrite(
  write: ContactWrite,
  options: { requireEmail: boolean },
): CcErrorEntry[] {
  const errors: CcErrorEntry[] = [];
  if (write.email === undefined || write.email === '') {
    if (options.requireEmail) errors.push(ccError(validationErrorKey, 'email_address.address is required.'));
  } else if (write.email.length > ccLimits.emailLength) {
    errors.push(
      ccError(
        validationErrorKey,
        `email_address.address exceeds the maximum length of ${ccLimits.emailLength}.`,
      ),
    );
  } else if (!isValidEmail(write.email)) {
    errors.push(
      ccError(validationErrorKey, `email_address.address "${write.email}" is not a valid email address.`),
    );
  }
  for (const field of ['first_name', 'last_name', 'job_title', 'company_name'] as const) {
    const value = write[field];
    if (value !== undefined && value.length > ccLimits.nameLength) {
      errors.push(
        ccError(validationErrorKey, `${field} exceeds the maximum length of ${ccLimits.nameLength}.`),
      );
    }
  }
  if (write.birthday_month !== undefined && (write.birthday_month < 1 || write.birthday_month > 12)) {
    errors.push(ccError(validationErrorKey, 'birthday_month must be between 1 and 12.'));
  }
  if (write.birthday_day !== undefined && (write.birthday_day < 1 || write.birthday_day > 31)) {
    errors.push(ccError(validationErrorKey, 'birthday_day must be between 1 and 31.'));
  }
  if ((write.phone_numbers?.length ?? 0) > ccLimits.phoneNumbers) {
    errors.push(
      ccError(validationErrorKey, `A contact can have at most ${ccLimits.phoneNumbers} phone_numbers.`),
    );
  }
  for (const phone of write.phone_numbers ?? []) {
    if (!phone.phone_number || phone.phone_number.length > 25) {
      errors.push(ccError(validationErrorKey, 'phone_numbers.phone_number must have 1 to 25 characters.'));
    }
  }
  if ((write.street_addresses?.length ?? 0) > ccLimits.streetAddresses) {
    errors.push(
      ccError(validationErrorKey, `A contact can have at most ${ccLimits.streetAddresses} street_addresses.`),
    );
  }
  for (const address of write.street_addresses ?? []) {
    if (!address.kind) errors.push(ccError(validationErrorKey, 'street_addresses.kind is required.'));
    for (const field of ['city', 'state', 'postal_code', 'country'] as const) {
      if ((address[field]?.length ?? 0) > 50) {
        errors.push(
          ccError(validationErrorKey, `street_addresses.${field} exceeds the maximum length of 50.`),
        );
      }
    }
    if ((address.street?.length ?? 0) > 255) {
      errors.push(ccError(validationErrorKey, 'street_addresses.street exceeds the maximum length of 255.'));
    }
  }
  if ((write.list_memberships?.length ?? 0) > ccLimits.listMemberships) {
    errors.push(
      ccError(validationErrorKey, `A contact can be a member of at most ${ccLimits.listMemberships} lists.`),
    );
  }
  return errors;
}

/** The values the swagger gives for `create_source` and `update_source`. */
export const contactSources = ['Contact', 'Account'] as const;

/**
 * The source a contact write must name: POST needs `create_source`, PUT `update_source` (the swagger's
 * operation descriptions), each one of `Contact` or `Account`. An error entry, or null when valid.
 */
export function checkSource(
  field: 'create_source' | 'update_source',
  value: string | undefined,
): CcErrorEntry | null {
  if (value === undefined || value === '') return ccError(validationErrorKey, `${field} is required.`);
  if (!(contactSources as readonly string[]).includes(value)) {
    return ccError(validationErrorKey, `${field} must be one of Contact or Account; it is "${value}".`);
  }
  return null;
}

/** An email longer than the 50 characters the import and the sign-up form take, as CC's error entry. */
export function checkShortEmail(field: string, email: string | undefined): CcErrorEntry | null {
  if (email === undefined || email.length <= ccLimits.shortEmailLength) return null;
  return ccError(validationErrorKey, `${field} exceeds the maximum length of ${ccLimits.shortEmailLength}.`);
}
