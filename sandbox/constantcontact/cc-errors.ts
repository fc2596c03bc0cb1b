import type { FastifyReply } from 'fastify';

/** One entry of CC's error arrays: every CC service answers a failure as `[{error_key, error_message}]`. */
export interface CcErrorEntry {
  error_key: string;
  error_message: string;
}

export function ccError(key: string, message: string): CcErrorEntry {
  return { error_key: key, error_message: message };
}

/** Sends a CC error array. */
export function sendCcErrors(reply: FastifyReply, status: number, errors: CcErrorEntry[]): FastifyReply {
  return reply.code(status).send(errors);
}

export const validationErrorKey = 'contacts.api.validation.error';
export const conflictErrorKey = 'contacts.api.conflict';
export const notFoundErrorKey = 'contacts.api.not_found';

/**
 * CC's 409 for an email another contact holds (deleted ones included), as a developer reported it on CC's
 * API support forum: it names neither the email nor the contact holding it, so a client finds that contact
 * by email.
 * https://community.constantcontact.com/t5/API-Developer-Support/API-v-3-409-conflict-on-POST-create-a-Contact-User-doesn-t/m-p/327661
 */
export const emailNotUnique: CcErrorEntry = ccError(
  conflictErrorKey,
  'Validation failed: EmailAddress is not unique',
);
