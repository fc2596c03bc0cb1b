import { ConnecBadRequestError, ConnecNotFoundError } from '../connec/errors.ts';
import { CcConflictError, CcNotFoundError, CcValidationError } from '../constantcontact/errors.ts';

/**
 * Errors about one record (CC or Connec! refused it) as opposed to errors about the service (down, out
 * of quota, disconnected). A record error is recorded on the record and the run goes on; any other error
 * stops the run, leaving cursors where the last complete page left them.
 */
export function isRecordError(error: unknown): error is Error {
  return (
    error instanceof CcValidationError ||
    error instanceof CcConflictError ||
    error instanceof CcNotFoundError ||
    error instanceof ConnecBadRequestError ||
    error instanceof ConnecNotFoundError
  );
}

/** The reason shown to the user on the "Not shared" list. */
export function recordErrorReason(error: Error): string {
  return error.message;
}
