import { ConnectorError } from '../errors.ts';

/** Where a failed call went, for messages: method and path, never a body (it holds personal data). */
export interface ConnecCallContext {
  method: string;
  path: string;
  tenantId: string;
}

export abstract class ConnecError extends ConnectorError {}

/** Connec! did not answer, timed out, or kept answering 5xx/429 after the retries. Try again later. */
export class ConnecUnavailableError extends ConnecError {
  readonly code = 'CONNEC_UNAVAILABLE';
  override readonly httpStatus = 503;
}

/** Connec! refused the tenant's API id/key (401/403). */
export class ConnecUnauthorizedError extends ConnecError {
  readonly code = 'CONNEC_UNAUTHORIZED';
  override readonly httpStatus = 502;
}

/** Connec! refused a request as invalid (400/422 and other 4xx): a bad filter or a record failing validation. */
export class ConnecBadRequestError extends ConnecError {
  readonly code = 'CONNEC_BAD_REQUEST';
  override readonly httpStatus = 502;

  constructor(
    message: string,
    readonly status: number,
    /** Connec!'s own explanation, e.g. `name can't be blank`. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The group or record does not exist in Connec! (404). */
export class ConnecNotFoundError extends ConnecError {
  readonly code = 'CONNEC_NOT_FOUND';
  override readonly httpStatus = 502;
}

/** Connec! answered 2xx with something that is not the documented shape. */
export class ConnecBadResponseError extends ConnecError {
  readonly code = 'CONNEC_BAD_RESPONSE';
  override readonly httpStatus = 502;
}

/** A notification body from Connec! is not JSON or not the documented shape; the message says where. */
export class ConnecBadNotificationError extends ConnecError {
  readonly code = 'CONNEC_BAD_NOTIFICATION';
  override readonly httpStatus = 400;
}

/** Connec!'s explanation from an error body (`{errors: [{detail}]}`), or a short excerpt of it. */
export function connecErrorDetail(body: unknown): string {
  if (body && typeof body === 'object') {
    const errors = (body as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      const details = errors
        .map((e) =>
          e && typeof e === 'object'
            ? ((e as { detail?: unknown; title?: unknown }).detail ?? (e as { title?: unknown }).title)
            : e,
        )
        .filter((d): d is string => typeof d === 'string');
      if (details.length > 0) return details.join('; ');
    }
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (text ?? '').slice(0, 200);
}

/** The typed error for a non-2xx answer that is not worth retrying. */
export function errorForStatus(
  status: number,
  body: unknown,
  call: ConnecCallContext,
  cause?: unknown,
): ConnecError {
  const where = `${call.method} ${call.path}`;
  const detail = connecErrorDetail(body);
  const options = cause === undefined ? undefined : { cause };
  if (status === 401 || status === 403) {
    return new ConnecUnauthorizedError(
      `Connec! refused the API credentials of tenant "${call.tenantId}" (${status} on ${where}); check its apiId/apiKey in the tenants file.`,
      options,
    );
  }
  if (status === 404)
    return new ConnecNotFoundError(`Connec! has nothing at ${where} (404): ${detail}`, options);
  if (status >= 500 || status === 429) {
    return new ConnecUnavailableError(`Connec! answered ${status} on ${where}: ${detail}`, options);
  }
  return new ConnecBadRequestError(
    `Connec! refused ${where} (${status}): ${detail}`,
    status,
    detail,
    options,
  );
}
