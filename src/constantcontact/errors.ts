import { ConnectorError } from '../errors.ts';
import type { CcApiError } from './types.ts';

/** Where a failure happened, so logs and errors name the call without carrying personal data. */
export interface CcRequestContext {
  method: string;
  /** The path without the query string, e.g. `/v3/contacts/4f1c...`. */
  path: string;
}

function where(context: CcRequestContext | undefined): string {
  return context ? ` (${context.method} ${context.path})` : '';
}

/**
 * The organization's Constant Contact link no longer works: no tokens are stored, the refresh token was
 * refused (`invalid_grant`, e.g. spent or revoked) or CC keeps rejecting fresh tokens. Only the user can fix
 * it, by connecting Constant Contact again.
 */
export class CcNeedsReconnectError extends ConnectorError {
  readonly code = 'CC_NEEDS_RECONNECT';
  override readonly httpStatus = 424;
  readonly organizationId: string;

  constructor(organizationId: string, reason: string, options?: { cause?: unknown }) {
    super(
      `The Constant Contact connection of organization ${organizationId} must be reconnected: ${clause(reason)}. ` +
        'An administrator can reconnect it from the connector settings.',
      options,
    );
    this.organizationId = organizationId;
  }
}

/** The user turned down the consent screen or failed to sign in (`error=access_denied` on our callback). */
export class CcAuthorizationDeniedError extends ConnectorError {
  readonly code = 'CC_AUTHORIZATION_DENIED';
  override readonly httpStatus = 403;
  readonly oauthError: string;

  constructor(oauthError: string, description: string | undefined) {
    super(
      `Constant Contact did not grant access (${oauthError}${description ? `: ${description}` : ''}). ` +
        'Start the connection again and approve the access the connector asks for.',
    );
    this.oauthError = oauthError;
  }
}

/** The `state` on the OAuth callback is not the one we issued: a forged or replayed callback. */
export class CcOAuthStateMismatchError extends ConnectorError {
  readonly code = 'CC_OAUTH_STATE_MISMATCH';
  override readonly httpStatus = 400;

  constructor() {
    super(
      'The Constant Contact sign-in answer does not match the request we sent. Start the connection again.',
    );
  }
}

/** The token endpoint refused us for a reason other than a spent grant (wrong client secret, bad request). */
export class CcOAuthError extends ConnectorError {
  readonly code = 'CC_OAUTH_FAILED';
  override readonly httpStatus = 502;
  readonly oauthError: string;

  constructor(oauthError: string, description: string | undefined, options?: { cause?: unknown }) {
    super(
      `Constant Contact's token endpoint refused the request (${oauthError}${description ? `: ${description}` : ''}). ` +
        'Check the connector client id, secret and redirect URI.',
      options,
    );
    this.oauthError = oauthError;
  }
}

/** CC answered 403: the token lacks a scope or the account lacks a privilege. */
export class CcForbiddenError extends ConnectorError {
  readonly code = 'CC_FORBIDDEN';
  override readonly httpStatus = 403;
  readonly errors: CcApiError[];

  constructor(errors: CcApiError[], context?: CcRequestContext) {
    super(
      `Constant Contact refused access${where(context)}: ${describe(errors)}. ` +
        'Reconnect Constant Contact and grant every permission the connector asks for.',
    );
    this.errors = errors;
  }
}

/** CC kept answering 429 `throttled` after every retry: the application's per-second limit is saturated. */
export class CcRateLimitedError extends ConnectorError {
  readonly code = 'CC_RATE_LIMITED';
  override readonly httpStatus = 429;
  readonly retryAfterMs: number | undefined;
  readonly context: CcRequestContext | undefined;
  readonly attempts: number;

  constructor(
    context: CcRequestContext | undefined,
    retryAfterMs?: number,
    options?: { cause?: unknown; attempts?: number },
  ) {
    const attempts = options?.attempts ?? 1;
    super(
      `Constant Contact is throttling the connector${where(context)}` +
        `${attempts > 1 ? ` (after ${attempts} attempts)` : ''}. The work will be retried shortly.`,
      options,
    );
    this.retryAfterMs = retryAfterMs;
    this.context = context;
    this.attempts = attempts;
  }
}

/**
 * The application's daily request quota (shared by every organization) is spent. CC resets it at the next
 * 00:00 UTC, carried in `resetAt`; nothing should be sent before then.
 */
export class CcQuotaExceededError extends ConnectorError {
  readonly code = 'CC_QUOTA_EXCEEDED';
  override readonly httpStatus = 429;
  readonly resetAt: Date;

  constructor(resetAt: Date, context?: CcRequestContext, options?: { cause?: unknown }) {
    super(
      `The connector has used its daily Constant Contact request quota${where(context)}. ` +
        `Sharing resumes after ${resetAt.toISOString()}.`,
      options,
    );
    this.resetAt = resetAt;
  }
}

/**
 * CC answered 409: the contact's email belongs to another contact (deleted ones included) or a list with
 * that name exists. `conflictingId` is the other resource's id should CC's message name one; its wording
 * for a taken email ("Validation failed: EmailAddress is not unique") does not, so callers find the holder
 * by email.
 */
export class CcConflictError extends ConnectorError {
  readonly code = 'CC_CONFLICT';
  override readonly httpStatus = 409;
  readonly errors: CcApiError[];
  readonly conflictingId: string | undefined;

  constructor(errors: CcApiError[], context?: CcRequestContext) {
    super(
      `Constant Contact reports a conflict${where(context)}: ${describe(errors)}. ` +
        'Link the record to the existing Constant Contact entry instead of creating it again.',
    );
    this.errors = errors;
    this.conflictingId = findUuid(errors);
  }
}

/** CC answered 404: the contact, list or activity does not exist (any more) in this account. */
export class CcNotFoundError extends ConnectorError {
  readonly code = 'CC_NOT_FOUND';
  override readonly httpStatus = 404;
  readonly errors: CcApiError[];

  constructor(errors: CcApiError[], context?: CcRequestContext) {
    super(
      `Constant Contact has no such resource${where(context)}: ${describe(errors)}. ` +
        'It was probably deleted in Constant Contact.',
    );
    this.errors = errors;
  }
}

/** CC rejected the data (400/422) or the connector refused to send data CC would reject. */
export class CcValidationError extends ConnectorError {
  readonly code = 'CC_VALIDATION';
  override readonly httpStatus = 422;
  readonly errors: CcApiError[];

  constructor(errors: CcApiError[], context?: CcRequestContext) {
    super(
      `Constant Contact rejected the data${where(context)}: ${describe(errors)}. Correct the record and it is sent again.`,
    );
    this.errors = errors;
  }
}

/**
 * CC could not be reached or answered 5xx; when raised by the client, every retry was spent (`attempts`).
 */
export class CcUnavailableError extends ConnectorError {
  readonly code = 'CC_UNAVAILABLE';
  override readonly httpStatus = 503;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly detail: string;
  readonly context: CcRequestContext | undefined;

  constructor(
    detail: string,
    context: CcRequestContext | undefined,
    options?: { cause?: unknown; status?: number; attempts?: number },
  ) {
    const attempts = options?.attempts ?? 1;
    super(
      `Constant Contact is unavailable${where(context)}: ${clause(detail)}` +
        `${attempts > 1 ? ` (after ${attempts} attempts)` : ''}. The work will be retried later.`,
      options,
    );
    this.status = options?.status;
    this.attempts = attempts;
    this.detail = detail;
    this.context = context;
  }
}

/** A request got no answer within the configured timeout (after every retry, when raised by the client). */
export class CcTimeoutError extends ConnectorError {
  readonly code = 'CC_TIMEOUT';
  override readonly httpStatus = 504;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly context: CcRequestContext | undefined;

  constructor(
    timeoutMs: number,
    context: CcRequestContext | undefined,
    options?: { cause?: unknown; attempts?: number },
  ) {
    const attempts = options?.attempts ?? 1;
    super(
      `Constant Contact did not answer within ${timeoutMs} ms${where(context)}` +
        `${attempts > 1 ? ` (${attempts} attempts)` : ''}. The work will be retried later.`,
      options,
    );
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
    this.context = context;
  }
}

/** CC answered something the client cannot read (not JSON, missing fields, a status it never documents). */
export class CcUnexpectedResponseError extends ConnectorError {
  readonly code = 'CC_UNEXPECTED_RESPONSE';
  override readonly httpStatus = 502;
  readonly status: number | undefined;

  constructor(detail: string, context?: CcRequestContext, options?: { cause?: unknown; status?: number }) {
    super(
      `Constant Contact gave an answer the connector does not understand${where(context)}: ${detail}.`,
      options,
    );
    this.status = options?.status;
  }
}

/** A bulk activity ended in `failed`, `cancelled` or `timed_out` on CC's side. */
export class CcActivityFailedError extends ConnectorError {
  readonly code = 'CC_ACTIVITY_FAILED';
  override readonly httpStatus = 502;
  readonly activityId: string;
  readonly state: string;
  readonly activityErrors: string[];

  constructor(activityId: string, state: string, activityErrors: string[]) {
    super(
      `Constant Contact bulk activity ${activityId} ended as ${state}` +
        `${activityErrors.length > 0 ? `: ${clause(activityErrors.slice(0, 3).join('; '))}` : ''}. ` +
        'The records it carried will be sent again.',
    );
    this.activityId = activityId;
    this.state = state;
    this.activityErrors = activityErrors;
  }
}

/** A bulk activity was still running when the caller's deadline passed; it may still finish on CC's side. */
export class CcActivityTimeoutError extends ConnectorError {
  readonly code = 'CC_ACTIVITY_TIMEOUT';
  override readonly httpStatus = 504;
  readonly activityId: string;
  readonly lastState: string;

  constructor(activityId: string, lastState: string, waitedMs: number) {
    super(
      `Constant Contact bulk activity ${activityId} was still ${lastState} after ${waitedMs} ms. ` +
        'Its outcome is checked again on the next run.',
    );
    this.activityId = activityId;
    this.lastState = lastState;
  }
}

/**
 * CC refused to queue a bulk activity (429): the account already has as many unfinished activities as CC
 * allows (1,000 per account). Nothing was queued; the records it would have carried go again later.
 */
export class CcActivityQueueFullError extends ConnectorError {
  readonly code = 'CC_ACTIVITY_QUEUE_FULL';
  override readonly httpStatus = 429;
  readonly errors: CcApiError[];

  constructor(errors: CcApiError[], context?: CcRequestContext) {
    super(
      `Constant Contact has too many bulk activities queued for this account${where(context)}: ` +
        `${describe(errors)}. The records are sent again on a later run.`,
    );
    this.errors = errors;
  }
}

/** One import row is by itself larger than a whole import request may be, so it can never be sent in bulk. */
export class CcImportRowTooLargeError extends ConnectorError {
  readonly code = 'CC_IMPORT_ROW_TOO_LARGE';
  override readonly httpStatus = 422;
  readonly rowIndex: number;

  constructor(rowIndex: number, bytes: number, maxBytes: number) {
    super(
      `Import row ${rowIndex} takes ${bytes} bytes, more than the ${maxBytes} bytes a Constant Contact import ` +
        'request may carry. Shorten its fields.',
    );
    this.rowIndex = rowIndex;
  }
}

/**
 * An import row's email is longer than the 50 characters CC's import takes (`JsonImportContact.email`),
 * though a contact may have 80: such a contact goes by a single create or update instead.
 */
export class CcImportEmailTooLongError extends ConnectorError {
  readonly code = 'CC_IMPORT_EMAIL_LONG';
  override readonly httpStatus = 422;
  readonly rowIndex: number;

  constructor(rowIndex: number, length: number, maxLength: number) {
    super(
      `Import row ${rowIndex} has an email of ${length} characters; a Constant Contact import takes at most ` +
        `${maxLength}. Send that contact on its own (create or update) instead.`,
    );
    this.rowIndex = rowIndex;
  }
}

/** Every error code this module raises, for docs/errors.md and its completeness test. */
export const CC_ERROR_CODES = [
  'CC_NEEDS_RECONNECT',
  'CC_AUTHORIZATION_DENIED',
  'CC_OAUTH_STATE_MISMATCH',
  'CC_OAUTH_FAILED',
  'CC_FORBIDDEN',
  'CC_RATE_LIMITED',
  'CC_QUOTA_EXCEEDED',
  'CC_CONFLICT',
  'CC_NOT_FOUND',
  'CC_VALIDATION',
  'CC_UNAVAILABLE',
  'CC_TIMEOUT',
  'CC_UNEXPECTED_RESPONSE',
  'CC_ACTIVITY_FAILED',
  'CC_ACTIVITY_TIMEOUT',
  'CC_ACTIVITY_QUEUE_FULL',
  'CC_IMPORT_ROW_TOO_LARGE',
  'CC_IMPORT_EMAIL_LONG',
] as const;

export type CcErrorCode = (typeof CC_ERROR_CODES)[number];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function findUuid(errors: CcApiError[]): string | undefined {
  for (const e of errors) {
    const match = UUID.exec(e.error_message ?? '');
    if (match) return match[0].toLowerCase();
  }
  return undefined;
}

// CC's messages describe the request, not the person (they can quote an email address, though); they are
// kept in the error because the user needs them to fix the record, and loggers must log codes, not messages.
function describe(errors: CcApiError[]): string {
  if (errors.length === 0) return 'no details given';
  return clause(errors.map((e) => `${e.error_key}: ${e.error_message}`).join('; '));
}

/**
 * Text from CC (or a caller) set inside one of our sentences: CC ends its messages with a full stop, and
 * ours add their own, so it goes without one rather than showing "processed.. The records".
 */
function clause(text: string): string {
  return text.replace(/[\s.]+$/, '');
}
