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
