import type { FastifyInstance } from 'fastify';
import type { CcAccount } from './account-state.ts';
import { accountOf } from './api-auth.ts';
import { mergeSubResources } from './bulk-work.ts';
import { type CcErrorEntry, ccError, sendCcErrors, validationErrorKey } from './cc-errors.ts';
import type { CcKnobs } from './cc-knobs.ts';
import type { ContactWrite } from './contact-model.ts';
import { ccLimits, checkShortEmail, validateContactWrite } from './contact-validation.ts';
import { parseBody, signUpFormBody, withoutNulls } from './request-bodies.ts';

type SignUpForm = ReturnType<typeof signUpFormBody.parse>;

/** The form's fields as a contact write; its single phone is the contact's "other" phone, as an import's. */
function formToWrite(form: SignUpForm): ContactWrite {
  const write: ContactWrite = {};
  if (form.email_address) write.email = form.email_address.trim();
  for (const field of ['first_name', 'last_name', 'job_title', 'company_name', 'anniversary'] as const) {
    const value = form[field];
    if (value !== null && value !== undefined) write[field] = value;
  }
  if (form.birthday_month != null) write.birthday_month = form.birthday_month;
  if (form.birthday_day != null) write.birthday_day = form.birthday_day;
  if (form.phone_number) write.phone_numbers = [{ phone_number: form.phone_number, kind: 'other' }];
  if (form.street_address) write.street_addresses = [withoutNulls(form.street_address) as { kind: string }];
  return write;
}

function formErrors(account: CcAccount, form: SignUpForm, write: ContactWrite): CcErrorEntry[] {
  if (!write.email) return [ccError(validationErrorKey, 'email_address is required.')];
  const tooLong = checkShortEmail('email_address', write.email);
  if (tooLong) return [tooLong];
  const errors = validateContactWrite(write, { requireEmail: true });
  for (const id of form.list_memberships) {
    if (!account.storedList(id)) {
      errors.push(ccError(validationErrorKey, `list_memberships contains an unknown list_id "${id}".`));
    }
  }
  const existing = account.storedContactByEmail(write.email);
  const lists = new Set([...(existing?.list_memberships ?? []), ...form.list_memberships]);
  if (lists.size > ccLimits.listMemberships) {
    errors.push(
      ccError(validationErrorKey, `A contact can be a member of at most ${ccLimits.listMemberships} lists.`),
    );
  }
  return errors;
}

/**
 * POST /v3/contacts/sign_up_form: creates the contact (201) or updates the one holding the email (200,
 * deleted ones restored), as the contact's own sign-up. Updates are partial and append lists; the contact's
 * permission becomes explicit (new contacts: pending confirmation under the account's Confirmed Opt-In).
 */
export async function signUpFormRoutes(api: FastifyInstance, options: { knobs: CcKnobs }): Promise<void> {
  const config = { ccScope: 'contact_data' as const };

  api.post('/contacts/sign_up_form', { config }, async (req, reply) => {
    const parsed = parseBody(signUpFormBody, req.body);
    if (!parsed.ok) return sendCcErrors(reply, 400, parsed.errors);
    const form = parsed.value;
    const account = accountOf(req);
    const write = formToWrite(form);
    const errors = formErrors(account, form, write);
    if (errors.length > 0) return sendCcErrors(reply, 400, errors);

    const existing = account.storedContactByEmail(write.email!);
    if (!existing) {
      const permission = options.knobs.confirmedOptIn ? 'pending_confirmation' : 'explicit';
      const outcome = account.createContact(
        { ...write, permission_to_send: permission, list_memberships: form.list_memberships },
        'Contact',
      );
      if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
      return reply.code(201).send({ contact_id: outcome.contact.contact_id, action: 'created' });
    }
    const outcome = account.patchContact(existing.contact_id, mergeSubResources(existing, write), 'Contact');
    if (!outcome.ok) return sendCcErrors(reply, outcome.status, outcome.errors);
    account.addMemberships(existing.contact_id, form.list_memberships);
    account.grantExplicitPermission(existing.contact_id);
    return reply.code(200).send({ contact_id: existing.contact_id, action: 'updated' });
  });
}
